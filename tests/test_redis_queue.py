"""With HUEY_REDIS_URL set, as the README says to when several machines serve the service, the
background work queues in Redis (issue 21): a real redis-server on 127.0.0.1, started here."""

import socket
import subprocess
import sys
import time

import pytest

from auditapp.config import ROOT


@pytest.fixture
def redis_url(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


def test_work_queued_by_one_machine_waits_in_redis_for_any_worker(redis_url):
    script = ("from auditapp import jobs; from huey import RedisHuey; "
              "assert isinstance(jobs.huey, RedisHuey); jobs.deliver_mail([1, 2]); print(jobs.huey.pending_count())")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HUEY_REDIS_URL": redis_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
