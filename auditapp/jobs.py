"""Work that outlives a request, run by huey: a SQLite queue in instance/ by default, Redis when
HUEY_REDIS_URL is set. Run the worker with `huey_consumer worker.huey` (`make run` does).

Tasks take ids, not objects, and open their own app context and session; the request that queued a
task has committed before it is queued, so the task always finds its row.
"""

import io
import os

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey
from sqlalchemy import update

from . import clock
from .config import ROOT
from .extensions import db
from .imports.table import ImportFailed
from .models import ImportJob, User
from .register import import_cases


def _huey():
    if os.environ.get("HUEY_REDIS_URL"):
        return RedisHuey("auditapp", url=os.environ["HUEY_REDIS_URL"])
    (ROOT / "instance").mkdir(exist_ok=True)
    # Tests and single-process demos run each task at once, in the caller (HUEY_IMMEDIATE=1).
    return SqliteHuey("auditapp", filename=str(ROOT / "instance" / "huey.sqlite"),
                      immediate=os.environ.get("HUEY_IMMEDIATE") == "1")


huey = _huey()
_app = None


def run_tasks_in(app) -> None:
    """The worker's app (worker.py builds it), for tasks that are not run inside a request."""
    global _app
    _app = app


def _application():
    """The app to run a task in: the caller's when run at once, else the worker's."""
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        raise RuntimeError("Start the worker with `huey_consumer worker.huey`, which gives it the app")
    return _app


@huey.task()
def import_case_list(job_id: int) -> None:
    with _application().app_context():
        run_import(job_id)


def run_import(job_id: int) -> None:
    """Check and import the uploaded file in one transaction; progress goes to the job row on a
    connection of its own, so the page can show it while the import's transaction is still open."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "queued":
        return
    actor = db.session.get(User, job.created_by_id)
    set_progress(job_id, status="running")

    def progress(done: int, total: int | None) -> None:
        set_progress(job_id, rows_done=done, rows_total=total)

    try:
        added, updated = import_cases(actor, io.BytesIO(job.content), job.filename, progress)
    except ImportFailed as failure:
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        job.status, job.problems, job.problem_count = "failed", "\n".join(failure.lines()), failure.count
    else:
        db.session.refresh(job)  # progress was written on another connection since the job was read
        job.status, job.added, job.updated = "done", added, updated
        job.rows_done = job.rows_total or job.rows_done
    job.content, job.finished_at = None, clock.now()
    db.session.commit()


@huey.task()
def deliver_mail(message_ids: list[int]) -> None:
    from .mail import deliver
    with _application().app_context():
        deliver(message_ids)


def set_progress(job_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
