"""Work that outlives a request, run by huey: a SQLite queue in instance/ by default, Redis when
HUEY_REDIS_URL is set. Run the worker with `huey_consumer worker.huey` (`make run` does).

Tasks take ids, not objects, and open their own app context and session; the request that queued a
task has committed before it is queued, so the task always finds its row.
"""

import io
import os
from datetime import timedelta
from pathlib import Path

from flask import current_app, g, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage
from sqlalchemy import inspect, select, update

from auditapp import clock
from auditapp.config import instance_folder
from auditapp.extensions import db
from auditapp.imports.cases import NeedsCaseTypes
from auditapp.imports.table import ImportFailed, NeedsColumns
from auditapp.models import ImportJob, SentMessage, User
from auditapp.month.register import import_cases, questions_for
from auditapp.outbox.mail import deliver


class _QueueFile(SqliteStorage):
    """huey's SQLite queue, made on first use rather than at import: importing the package must
    not write to the disk (an installed package's folder may be read-only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "create_tables": False})

    def _create_connection(self):
        Path(self.filename).parent.mkdir(parents=True, exist_ok=True)
        connection = super()._create_connection()
        for statement in self.ddl:  # "create table if not exists": as huey does at its start
            connection.execute(statement)
        connection.commit()
        return connection


class _SqliteHuey(SqliteHuey):
    storage_class = _QueueFile


def _huey():
    if os.environ.get("HUEY_REDIS_URL"):
        return RedisHuey("auditapp", url=os.environ["HUEY_REDIS_URL"])
    # Tests and single-process demos run each task at once, in the caller (HUEY_IMMEDIATE=1).
    return _SqliteHuey("auditapp", filename=str(instance_folder() / "huey.sqlite"),
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
        # The proxy's own app, so the task keeps it after the caller's context ends (Flask's way;
        # the method is the proxy's, which the type of current_app does not show).
        return current_app._get_current_object()  # type: ignore[attr-defined]
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
    # Claimed in one statement: of two workers handed the same job, one runs it.
    with db.engine.begin() as connection:
        claimed = connection.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "queued")
                                     .values(status="running", heartbeat_at=clock.now())).rowcount
    if not claimed:
        return
    # get_one: the job was just claimed, and people are never deleted.
    job = db.session.get_one(ImportJob, job_id)
    actor = db.session.get_one(User, job.created_by_id)

    def progress(done: int, total: int | None) -> None:
        set_progress(job_id, rows_done=done, rows_total=total)

    try:
        # A claimed job still holds its file (emptied once done); `or b""` reads None as BytesIO(None) did.
        added, updated = import_cases(actor, io.BytesIO(job.content or b""), job.filename, progress)
    except ImportFailed as failure:
        db.session.rollback()
        job = db.session.get_one(ImportJob, job_id)
        job.status, job.problems, job.problem_count = "failed", "\n".join(failure.lines()), failure.count
    except (NeedsColumns, NeedsCaseTypes) as waiting:
        # Nothing imported: the file is kept for the QA lead's answers, then imported from the start.
        db.session.rollback()
        job = db.session.get_one(ImportJob, job_id)
        job.status, job.questions = questions_for(waiting)
        job.heartbeat_at = clock.now()
        db.session.commit()
        return
    else:
        db.session.refresh(job)  # progress was written on another connection since the job was read
        job.status, job.added, job.updated = "done", added, updated
        job.rows_done = job.rows_total or job.rows_done
    job.content, job.finished_at = None, clock.now()
    db.session.commit()


@huey.task()
def deliver_mail(message_ids: list[int]) -> None:
    with _application().app_context():
        deliver(message_ids)


def set_progress(job_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values, heartbeat_at=clock.now()))


def restart_stalled_imports() -> list[int]:
    """Queue again every import whose worker stopped: "running", and no sign of life for longer
    than IMPORT_STALLED_MINUTES. Its transaction never committed, so it starts from nothing."""
    stalled_since = clock.now() - timedelta(minutes=current_app.config["IMPORT_STALLED_MINUTES"])
    with db.engine.begin() as connection:
        ids = list(connection.scalars(update(ImportJob).where(
            ImportJob.status == "running", ImportJob.heartbeat_at < stalled_since)
            .values(status="queued", rows_done=0).returning(ImportJob.id)))
    for job_id in ids:
        import_case_list(job_id)
    return ids


@huey.on_startup()
def _on_worker_start() -> None:
    with _application().app_context():
        restart_stalled_imports()


@huey.periodic_task(crontab(minute="*"))
def check_for_stalled_imports() -> None:
    with _application().app_context():
        restart_stalled_imports()


def init_app(app) -> None:
    """Mail queued by a request leaves once the request has committed (the outbox: outbox/mail.py)."""
    @app.after_request
    def deliver_outbox(response):
        """After the request committed: urgent messages leave now, the rest go to the worker. A
        request that rolled back left no rows, so nothing of it is sent."""
        outbox = [(inspect(message).identity, urgent) for message, urgent in g.pop("mail_outbox", [])]
        outbox = [(identity[0], urgent) for identity, urgent in outbox if identity]
        if outbox:
            saved = set(db.session.scalars(select(SentMessage.id).where(SentMessage.id.in_([i for i, _ in outbox]))))
            now = [i for i, urgent in outbox if urgent and i in saved]
            later = [i for i, urgent in outbox if not urgent and i in saved]
            if now:
                deliver(now)
            if later:
                deliver_mail(later)
        return response
