"""What a council's IT team installs (issue 21): the wheel, into a clean virtual environment, run
from outside the source tree, with its commands and gunicorn as the systemd units run them. No
Node.js and no source checkout at run time: templates, migrations, descriptors and the GOV.UK
assets come from inside the package."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from builders import free_port

from auditapp.config import ROOT

pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment: once, in the SQLite run


def run(*command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_wheel_installs_into_a_clean_venv_and_serves_the_demo_from_outside_the_tree(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(ROOT),
        "-w", str(dist), cwd=tmp_path)
    wheel = next(dist.glob("auditapp-*.whl"))
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    pip = str(venv / "bin" / "pip")
    run(pip, "install", "--quiet", "--require-hashes", "-r", str(ROOT / "requirements.txt"))
    run(pip, "install", "--quiet", "--no-deps", str(wheel))

    elsewhere = tmp_path / "srv"
    elsewhere.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "AUDITAPP_INSTANCE": str(tmp_path / "data"),
           "SESSION_COOKIE_SECURE": "0", "HUEY_IMMEDIATE": "1"}
    where = run(str(venv / "bin" / "python"), "-c", "import auditapp; print(auditapp.__file__)", cwd=elsewhere, env=env)
    assert str(venv) in where and str(ROOT) not in where
    run(str(venv / "bin" / "auditapp"), "db", "upgrade", cwd=elsewhere, env=env)
    assert "demo" in run(str(venv / "bin" / "auditapp"), "seed-demo", cwd=elsewhere, env=env).lower()

    port = free_port()
    server = subprocess.Popen([str(venv / "bin" / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "auditapp:create_app()"], cwd=elsewhere, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        site = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                ready = requests.get(f"{site}/health/ready", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "gunicorn never answered"
                time.sleep(0.2)
        assert ready.status_code == 200
        for asset in ("/assets/js/govuk-frontend.min.js", "/assets/js/app.js", "/static/app.css",
                      "/assets/images/favicon.svg"):
            assert requests.get(site + asset, timeout=5).status_code == 200, asset
        browser = requests.Session()
        page = browser.get(f"{site}/sign-in").text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        signed_in = browser.post(f"{site}/sign-in", data={"csrf_token": csrf, "password": "demo-password-2026",
                                                           "email": "quinn.ashby@council.example.org"})
        assert signed_in.status_code == 200 and "Sign out" in signed_in.text
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
    assert not (Path(wheel).parent / "node_modules").exists()
