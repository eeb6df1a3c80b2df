"""With HUEY_REDIS_URL set, as the README says to when several machines serve the service, the
background work queues in Redis (issue 21): a real redis-server on 127.0.0.1, started here."""

import subprocess
import sys

from auditapp.config import ROOT


def test_work_queued_by_one_machine_waits_in_redis_for_any_worker(redis_url):
    script = ("from auditapp import jobs; from huey import RedisHuey; "
              "assert isinstance(jobs.huey, RedisHuey); jobs.deliver_mail([1, 2]); print(jobs.huey.pending_count())")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HUEY_REDIS_URL": redis_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
