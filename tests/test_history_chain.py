"""Tamper evidence (issue 19): every history entry is sealed with a hash chained to the one before,
and `flask verify-history` names any entry changed, removed or slipped in since."""

import threading
from datetime import datetime

import pytest
from builders import sampled_month, signed_off_audit
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from auditapp import clock
from auditapp.config import ROOT
from auditapp.extensions import db
from auditapp.history import record
from auditapp.history_chain import REMOVED, seal_rows, verify_history
from auditapp.models import Action, Audit, Case, Event
from auditapp.models.bulk import insert_rows
from auditapp.permissions import SYSTEM
from auditapp.security.retention import history_opened


def verify(app):
    return app.test_cli_runner().invoke(args=["verify-history"])


def a_month_of_work():
    """A moderated month: allocations, reviews, sign-off, all written by the service's rules."""
    audits = [signed_off_audit(a) for a in sampled_month("2026-10", per_team=1)]
    db.session.commit()
    return audits


def as_the_owner(statement: str, **values) -> None:
    """What the database's owner (or anyone with a backup to edit) can do; the service's role cannot."""
    db.session.remove()
    with db.engine.begin() as connection, history_opened(connection):
        connection.execute(text(statement), values)


def test_a_months_history_is_sealed_entry_by_entry_and_verifies_intact(app, world):
    a_month_of_work()
    entries = db.session.scalar(select(func.count(Event.id)))
    assert entries > 20
    assert db.session.scalar(select(func.count(Event.id)).where(Event.hash.is_(None))) == 0
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"The history is intact: {entries:,} entries" in result.output
    newest = db.session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
    assert f"Newest entry {newest.id}, sealed {newest.hash}" in result.output


def test_an_entry_changed_behind_the_services_back_is_named(app, world):
    audits = a_month_of_work()
    changed = db.session.scalar(select(Event).where(Event.audit_id == audits[0].id).order_by(Event.id).limit(1))
    as_the_owner("UPDATE event SET after = 'TAMPERED' WHERE id = :id", id=changed.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"Entry {changed.id} " in result.output and "changed" in result.output
    assert "The history is NOT intact: 1 problems shown" in result.output


def test_an_entry_removed_is_noticed_at_the_one_after_it(app, world):
    a_month_of_work()
    ids = db.session.scalars(select(Event.id).order_by(Event.id)).all()
    as_the_owner("DELETE FROM event WHERE id = :id", id=ids[5])
    result = verify(app)
    assert result.exit_code == 1
    assert f"Entry {ids[6]} " in result.output and "removed" in result.output


def test_an_entry_slipped_in_without_a_seal_or_with_a_wrong_one_is_named(app, world):
    a_month_of_work()
    db.session.execute(text("INSERT INTO event (at, action) VALUES (:at, 'Forged without a seal')"),
                       {"at": datetime(2026, 11, 2)})
    db.session.execute(text("INSERT INTO event (at, action, hash) VALUES (:at, 'Forged with a seal', :h)"),
                       {"at": datetime(2026, 11, 2), "h": "0" * 64})
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "'Forged without a seal') has no seal" in result.output
    assert "'Forged with a seal') does not follow" in result.output


def eight_people_at_once(app, save) -> None:
    """save(person) run by eight people at the same moment, each in an app context of their own."""
    def person(n: int) -> None:
        with app.app_context():
            save(n)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_entries_written_at_the_same_moment_by_many_people_chain_in_the_order_of_their_ids(app, world):
    def save_many(worker: int) -> None:
        for n in range(5):
            record(SYSTEM, f"Saved by worker {worker}, time {n}")
            db.session.commit()

    eight_people_at_once(app, save_many)
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action.like("Saved by worker%"))) == 40
    result = verify_history(db.session)
    assert result.intact, result.broken


def test_saves_that_flush_entries_more_than_once_chain_on_from_their_own_newest_entry(app, world):
    # A draft save flushes twice: the second flush chains on from the first's newest hash without
    # asking the database again. Eight people at once, each save in three flushes.
    def save_many(worker: int) -> None:
        for n in range(4):
            for part in range(3):
                record(SYSTEM, f"Worker {worker}, save {n}, part {part}")
                db.session.flush()
            db.session.commit()

    eight_people_at_once(app, save_many)
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action.like("Worker %"))) == 96
    result = verify_history(db.session)
    assert result.intact, result.broken


def test_entries_undone_by_a_savepoint_or_written_in_bulk_leave_the_chain_intact(app, world):
    record(SYSTEM, "Before the savepoint")
    db.session.flush()
    savepoint = db.session.begin_nested()
    record(SYSTEM, "Undone with its savepoint")
    db.session.flush()
    savepoint.rollback()
    record(SYSTEM, "After the savepoint")  # chained to "Before the savepoint", not to the undone one
    db.session.flush()
    rows = seal_rows(db.session(), [{"at": clock.now(), "action": f"Written in bulk {n}"} for n in range(3)])
    insert_rows(db.session.connection(), Event.__table__, rows)
    record(SYSTEM, "After the bulk rows")  # chained to the last bulk row, which the session never saw
    db.session.commit()
    written = db.session.scalars(select(Event.action).order_by(Event.id)).all()
    assert "Undone with its savepoint" not in written
    assert written[-5:] == ["After the savepoint", "Written in bulk 0", "Written in bulk 1", "Written in bulk 2",
                            "After the bulk rows"]
    result = verify_history(db.session)
    assert result.intact, result.broken


@pytest.mark.dates
def test_a_purge_empties_old_entries_and_the_chain_still_verifies(app, world):
    for case in db.session.scalars(select(Case)):
        case.open_date = datetime(2017, 1, 1).date()
    old = [signed_off_audit(a) for a in sampled_month("2018-03", per_team=1)]
    db.session.add(Action(audit_id=old[0].id, proposed_role="M", proposed_by_id=old[0].moderator_id,
                          proposed_at=datetime(2018, 3, 20), description="Old action",
                          owner_id=old[0].auditor_a_id, due=datetime(2018, 4, 1).date(),
                          priority="standard", status="closed"))
    a_month_of_work()
    old_ids = [a.id for a in old]
    before = db.session.scalar(select(func.count(Event.id)).where(Event.audit_id.in_(old_ids)))
    assert before > 0
    result = app.test_cli_runner().invoke(args=["purge", "--older-than-years", "7", "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Audit.id)).where(Audit.id.in_(old_ids))) == 0
    emptied = db.session.scalars(select(Event).where(Event.action == REMOVED)).all()
    assert len(emptied) >= before
    assert all(e.audit_id is None and e.user_id is None and e.before is None and e.after is None
               and e.field is None for e in emptied)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"({len(emptied):,} emptied at the end of retention)" in result.output
    # The activity log does not list what is gone.
    from auditapp.history import recent_activity
    assert REMOVED not in {e.action for e in db.session.scalars(recent_activity())}


def test_as_the_readmes_application_role_the_history_is_sealed_and_verified(app, world):
    """On PostgreSQL, as the role the README prescribes: it writes sealed entries, may verify, and a
    change by the owner is named when it verifies again."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the application role is PostgreSQL's")
    a_month_of_work()
    readme = (ROOT / "README.md").read_text()
    grants = readme.split("```sql", 1)[1].split("```", 1)[0].replace("'…'", "'app-password'")
    with db.engine.begin() as owner:
        owner.execute(text("DROP ROLE IF EXISTS auditapp_app"))
        for statement in filter(None, (s.strip() for s in grants.split(";"))):
            owner.execute(text(statement))
    restricted = create_engine(db.engine.url.set(username="auditapp_app", password="app-password"))
    try:
        with Session(restricted) as session:
            session.add(Event(at=datetime(2026, 11, 23, 10), action="Written as the application's role"))
            session.commit()
            assert verify_history(session).intact
            written = session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
            assert written.hash is not None
        as_the_owner("UPDATE event SET after = 'TAMPERED' WHERE id = :id", id=written.id - 3)
        with Session(restricted) as session:
            result = verify_history(session)
            assert not result.intact and f"Entry {written.id - 3} " in result.broken[0]
    finally:
        restricted.dispose()
        with db.engine.begin() as owner:
            owner.execute(text("DROP OWNED BY auditapp_app"))
            owner.execute(text("DROP ROLE auditapp_app"))
