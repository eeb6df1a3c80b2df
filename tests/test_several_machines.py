"""Two machines over one PostgreSQL and one Redis, as the README describes for a council that
outgrows one (issue 21): two gunicorn servers on two ports and a huey worker, all started here.
Whatever machine a person's request lands on, the service behaves as one."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from builders import PASSWORD, free_port, wait_for_port
from sqlalchemy import func, select

from auditapp.config import ROOT
from auditapp.extensions import db
from auditapp.models import Case, ImportJob

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif("postgresql" not in os.environ.get("TEST_DATABASE_URL", ""),
                                reason="several machines share a PostgreSQL server")


class Estate:
    """The processes of a small estate; each stopped at the end, whatever happened."""

    def __init__(self, tmp_path: Path, redis_url: str):
        self.env = {"PATH": os.environ["PATH"], "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
                    "SECRET_KEY": "the same on every machine", "SESSION_COOKIE_SECURE": "0",
                    "HUEY_REDIS_URL": redis_url, "IMPORT_STALLED_MINUTES": "0.05"}
        self.processes: list[subprocess.Popen] = []
        self.logs = tmp_path

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.processes.append(process)
        return process

    def web(self) -> str:
        port = free_port()
        self.start(f"web-{port}", str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app")
        wait_for_port(port)
        return f"http://127.0.0.1:{port}"

    def worker(self) -> subprocess.Popen:
        return self.start("worker", str(BIN / "huey_consumer"), "worker.huey", "--workers", "1")

    def stop(self, process: subprocess.Popen, how=signal.SIGTERM) -> None:
        os.killpg(process.pid, how)
        process.wait(30)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.stop(process)


@pytest.fixture
def estate(tmp_path, redis_url):
    estate = Estate(tmp_path, redis_url)
    try:
        yield estate
    finally:
        estate.stop_all()


def token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(browser: requests.Session, server: str, email: str, password: str = PASSWORD) -> requests.Response:
    page = browser.get(f"{server}/sign-in").text
    return browser.post(f"{server}/sign-in", data={"email": email, "password": password, "csrf_token": token(page)},
                        allow_redirects=False)


def county_case_list(world, rows: int) -> bytes:
    team, manager = "Early Help", world.auditors["Early Help"][0]
    lines = ["Case reference,Team,Case type,Responsible manager email,Open date,Closed date"]
    lines += [f"EST-{n:06d},{team},Child in need,{manager.email},05/02/2024," for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_two_servers_one_database_one_queue_behave_as_one_service(world, estate):
    first, second = estate.web(), estate.web()
    worker = estate.worker()
    browser = requests.Session()

    # A session begun on one machine holds on the other, and ends on both.
    assert sign_in(browser, first, world.qa_lead.email).status_code == 302
    assert browser.get(f"{second}/cases", allow_redirects=False).status_code == 200
    assert f"{len(world.cases)} cases in the register" in browser.get(f"{second}/cases").text  # remembered there

    # An upload on one machine is imported by the worker; its progress and the register's new size
    # read on the other.
    upload = browser.get(f"{first}/cases").text
    sent = browser.post(f"{first}/cases", data={"csrf_token": token(upload)}, allow_redirects=False,
                        files={"file": ("county.csv", county_case_list(world, 30_000), "text/csv")})
    assert sent.status_code == 302
    job_id = int(re.search(r"/cases/imports/(\d+)", sent.headers["Location"]).group(1))
    deadline = time.monotonic() + 60
    while browser.get(f"{second}/cases/imports/{job_id}.json").json()["status"] != "running":
        assert time.monotonic() < deadline, "the worker never began"
        time.sleep(0.05)

    # The worker is killed mid-import: nothing of the file is in. Another starts and finishes it, once.
    estate.stop(worker, signal.SIGKILL)
    db.session.remove()
    assert db.session.scalar(select(func.count(Case.id)).where(Case.reference.like("EST-%"))) == 0
    time.sleep(4)  # longer than IMPORT_STALLED_MINUTES: its heartbeat has stopped
    estate.worker()
    deadline = time.monotonic() + 120
    while (progress := browser.get(f"{second}/cases/imports/{job_id}.json").json())["status"] != "done":
        assert progress["status"] in ("queued", "running") and time.monotonic() < deadline, progress
        time.sleep(0.2)
    db.session.remove()
    job = db.session.get(ImportJob, job_id)
    assert (job.added, job.updated) == (30_000, 0)
    assert db.session.scalar(select(func.count(Case.id)).where(Case.reference.like("EST-%"))) == 30_000
    assert f"{30_000 + len(world.cases):,} cases in the register" in browser.get(f"{second}/cases").text

    # Signing out on one machine ends the session on both.
    page = browser.get(f"{first}/").text
    browser.post(f"{first}/sign-out", data={"csrf_token": token(page)})
    assert browser.get(f"{second}/cases", allow_redirects=False).status_code == 302


def test_sign_in_throttling_counts_across_both_machines(world, estate):
    first, second = estate.web(), estate.web()
    for attempt in range(10):  # SIGN_IN_MAX_FAILURES_PER_ACCOUNT, alternating between the two
        sign_in(requests.Session(), (first, second)[attempt % 2], world.qa_lead.email, "a wrong guess")
    for server in (first, second):
        refused = sign_in(requests.Session(), server, world.qa_lead.email)
        assert refused.status_code == 200 and "Sign in" in refused.text  # the right password, refused
