"""A backup taken while people are saving restores with nothing missing, on SQLite and PostgreSQL."""

import hashlib
import subprocess
import threading
import time

import pytest
from builders import draft_review, month_sampled_by, review_entry
from sqlalchemy import select

from auditapp.audits.reviewing import save_review
from auditapp.extensions import db
from auditapp.models import Audit, Review
from auditapp.models.loading import AUDIT_IN_FULL

WRITER_SECONDS = 3.0


def table_checksums() -> dict[str, tuple[int, str]]:
    """(rows, checksum of every row in id order) for each table."""
    db.session.remove()
    result = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
            result[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def keep_saving_drafts(app, audit_ids: list[int], stop: threading.Event, acknowledged: list):
    """A bounded writer: saves drafts in turn, noting each (review, version) once it has committed."""
    deadline = time.monotonic() + WRITER_SECONDS
    n = 0
    while not stop.is_set() and time.monotonic() < deadline:
        with app.app_context():
            audit = db.session.get(Audit, audit_ids[n % len(audit_ids)], options=AUDIT_IN_FULL)
            entry = review_entry(1 + n % 4)
            entry.working_well = f"Save number {n}"
            review = save_review(audit.auditor_a, audit, "A", entry, submit=False)
            db.session.commit()
            acknowledged.append((review.id, review.version, f"Save number {n}", time.monotonic()))
            db.session.remove()
        n += 1


def test_a_backup_taken_while_drafts_are_saved_restores_with_nothing_missing(app, world, tmp_path):
    audits = month_sampled_by(world.qa_lead, per_team=2)
    for audit in audits:
        draft_review(audit, "A")
    db.session.commit()
    runner = app.test_cli_runner()
    stop, acknowledged = threading.Event(), []
    writer = threading.Thread(target=keep_saving_drafts, args=(app, [a.id for a in audits], stop, acknowledged))
    writer.start()
    time.sleep(0.5)
    started = time.monotonic()
    result = runner.invoke(args=["backup", str(tmp_path / "during.backup")])
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    saved_before = [a for a in acknowledged if a[3] < started]
    assert saved_before, "the writer had saved nothing before the backup began"

    # Restored, the backup holds every save acknowledged before it began, and its rows are whole.
    assert runner.invoke(args=["restore", "--yes", str(tmp_path / "during.backup")]).exit_code == 0
    db.session.remove()
    versions = dict(db.session.execute(select(Review.id, Review.version)).all())
    for review_id, version, _, _ in saved_before:
        assert versions[review_id] >= version

    # A quiet backup round-trips exactly: every table's rows and checksum as they were.
    before = table_checksums()
    assert runner.invoke(args=["backup", str(tmp_path / "quiet.backup")]).exit_code == 0
    with app.app_context():
        draft_review(db.session.get(Audit, audits[0].id, options=AUDIT_IN_FULL), "A", grade=4)
        db.session.commit()
    assert table_checksums() != before
    assert runner.invoke(args=["restore", str(tmp_path / "quiet.backup")], input="y\n").exit_code == 0
    after = table_checksums()
    after.pop("event"), before.pop("event")  # the restore records itself in the history
    after.pop("figure_version"), before.pop("figure_version")  # and so moves the figures' version
    assert after == before


def test_restore_asks_first_and_refuses_a_missing_file(app, world, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b.backup")]).exit_code == 0
    declined = runner.invoke(args=["restore", str(tmp_path / "b.backup")], input="n\n")
    assert declined.exit_code == 1 and "Nothing was restored" in declined.output
    assert runner.invoke(args=["restore", "--yes", str(tmp_path / "missing.backup")]).exit_code != 0


def test_the_database_password_is_never_on_a_backup_or_restore_command_line(app, tmp_path, monkeypatch):
    """`ps` shows every process's arguments to everyone on the machine: the password goes to
    pg_dump and pg_restore in their environment instead (issue 21)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's backup runs in the process")
    from auditapp import create_app
    from auditapp.security import backup as backups
    password = "correct-horse-battery-staple"
    with_password = db.engine.url.set(password=password).render_as_string(hide_password=False)
    other = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": with_password})
    seen, run = [], subprocess.run

    def watched(args, **kwargs):
        seen.append((args, kwargs.get("env") or {}))
        return run(args, **kwargs)

    monkeypatch.setattr(backups.subprocess, "run", watched)
    with other.app_context():
        backups.backup(tmp_path / "backup.dump")
        backups.restore(tmp_path / "backup.dump")
        db.engine.dispose()
    assert [args[0].rsplit("/", 1)[-1] for args, _ in seen] == ["pg_dump", "pg_restore"]
    assert all(password not in " ".join(args) for args, _ in seen)
    assert all(env.get("PGPASSWORD") == password for _, env in seen)
