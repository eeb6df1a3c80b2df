"""The records a security lead relies on: a history the database itself keeps append-only, the
record of who read what, the retention purge, and exports that cannot carry a formula (issue 10)."""

import csv
import io
from datetime import datetime

import pytest
from builders import sampled_month, signed_off_audit
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from auditapp import clock, history
from auditapp.config import ROOT
from auditapp.extensions import db
from auditapp.models import Action, Audit, Case, Cycle, Event, ReadRecord, Review, Team
from auditapp.months import month_label, month_of, months_before
from auditapp.permissions import SYSTEM
from auditapp.security.people import save_user

# The history, append-only in the database

@pytest.mark.parametrize("table", ["event", "read_record"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET at = at", "DELETE FROM {table}"])
def test_plain_sql_cannot_change_or_remove_the_history(world, as_user, table, statement):
    audit = signed_off_audit(sampled_month("2026-10", per_team=1)[0])
    db.session.commit()
    as_user(world.qa_lead).get(f"/audits/{audit.id}")  # one read recorded
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement.format(table=table)))
    db.session.rollback()
    assert db.session.scalar(text(f"SELECT count(*) FROM {table}")) > 0


def test_truncate_is_refused_too_on_postgresql(world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE event CASCADE"))
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET content = '{{}}' WHERE state = 'published'",
    "UPDATE {table} SET state = 'draft' WHERE state = 'published'",
    "DELETE FROM {table} WHERE state = 'published'"])
@pytest.mark.parametrize("table", ["descriptor_set", "audit_type_version"])
def test_plain_sql_cannot_change_or_remove_a_published_version(world, table, statement):
    """What audits were graded against stays as published, whatever SQL the application sends;
    a draft is still edited and discarded (the rules publish it by its one change of state)."""
    from auditapp.framework import audit_types, descriptors
    descriptors.ensure_first(SYSTEM)  # the files stored as version 1 of the descriptors
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    before = db.session.scalar(text(f"SELECT count(*) FROM {table} WHERE state = 'published'"))
    assert before > 0
    with pytest.raises(DBAPIError, match="published version never changes"):
        db.session.execute(text(statement.format(table=table)))
    db.session.rollback()
    assert db.session.scalar(text(f"SELECT count(*) FROM {table} WHERE state = 'published'")) == before


# The retention purge

def cases_open_since(year: int) -> None:
    for case in db.session.scalars(select(Case)):
        case.open_date = datetime(year, 1, 1).date()
    db.session.commit()


@pytest.mark.dates
def test_purge_removes_audits_past_retention_with_their_history_and_records_that_it_did(app, world, as_user):
    cases_open_since(2017)
    old = [signed_off_audit(a) for a in sampled_month("2018-03", per_team=1)]
    db.session.add(Action(audit_id=old[0].id, proposed_role="M", proposed_by_id=old[0].moderator_id,
                          proposed_at=datetime(2018, 3, 20), description="Old action", owner_id=old[0].auditor_a_id,
                          due=datetime(2018, 4, 1).date(), priority="standard", status="closed"))
    recent = [signed_off_audit(a) for a in sampled_month("2026-10", per_team=1)]
    db.session.commit()
    qa = as_user(world.qa_lead)
    for audit in old + recent:
        qa.get(f"/audits/{audit.id}")
    old_ids = [a.id for a in old]

    result = app.test_cli_runner().invoke(args=["purge", "--older-than-years", "7", "--yes"])
    assert result.exit_code == 0, result.output
    seven_years_ago = months_before(month_of(clock.today()), 7 * 12)
    assert f"Removed {len(old)} audits in 1 month before {month_label(seven_years_ago)}" in result.output

    assert db.session.scalar(select(func.count(Audit.id)).where(Audit.id.in_(old_ids))) == 0
    assert db.session.scalar(select(func.count(Event.id)).where(Event.audit_id.in_(old_ids))) == 0
    assert db.session.scalar(select(func.count(ReadRecord.id)).where(ReadRecord.audit_id.in_(old_ids))) == 0
    assert db.session.scalar(select(func.count(Review.id)).where(Review.audit_id.in_(old_ids))) == 0
    assert db.session.scalar(select(func.count(Action.id))) == 0
    assert db.session.scalars(select(Cycle.month)).all() == ["2026-10"]
    assert db.session.scalar(select(func.count(Audit.id))) == len(recent)
    entry = db.session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
    assert entry.action == history.RECORDS_PURGED and entry.field == "7 years"
    # The triggers are closed again once the purge is done.
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM event"))
    db.session.rollback()


def test_purge_asks_first_and_refuses_a_period_under_a_year(app, world):
    cases_open_since(2017)
    sampled_month("2018-03", per_team=1)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["purge", "--older-than-years", "7"], input="n\n").exit_code == 1
    assert runner.invoke(args=["purge", "--older-than-years", "0", "--yes"]).exit_code == 1
    assert db.session.scalar(select(func.count(Cycle.id))) == 1


# The record of reads

def test_opening_an_audit_and_downloading_exports_are_recorded_for_the_qa_lead(world, as_user):
    audit = signed_off_audit(sampled_month("2026-10", per_team=1)[0])
    db.session.commit()
    as_user(audit.auditor_b).get(f"/audits/{audit.id}")
    qa = as_user(world.qa_lead)
    qa.get("/reports/2026-10.xlsx")
    qa.get("/reports/all-audits.xlsx")
    qa.get("/cycles/2026-10/allocation.csv")
    reads = db.session.execute(select(ReadRecord.user_id, ReadRecord.what, ReadRecord.audit_id)
                               .order_by(ReadRecord.id)).all()
    assert reads == [(audit.auditor_b_id, "Audit", audit.id),
                     (world.qa_lead.id, "Monthly summary for 2026-10 (Excel)", None),
                     (world.qa_lead.id, "Every audit ever sampled (Excel)", None),
                     (world.qa_lead.id, "Allocation for 2026-10 (CSV)", None)]
    page = qa.get(f"/people/reads?q={audit.case.reference}").get_data(as_text=True)
    assert audit.auditor_b.name in page and "Monthly summary" not in page
    assert "Every audit ever sampled" in qa.get("/people/reads?q=quinn").get_data(as_text=True)


def test_a_refused_read_is_not_recorded_and_only_the_qa_lead_sees_the_record(world, as_user):
    audit = sampled_month("2026-10", per_team=1)[0]
    db.session.commit()
    outsider = next(u for team in world.auditors.values() for u in team
                    if u.id not in (audit.auditor_a_id, audit.auditor_b_id))
    client = as_user(outsider)
    assert client.get(f"/audits/{audit.id}").status_code == 404
    assert db.session.scalar(select(func.count(ReadRecord.id))) == 0
    assert client.get("/people/reads").status_code == 403
    assert as_user(world.leader).get("/people/reads").status_code == 403


# Exports a spreadsheet cannot run

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


def risky_world(world):
    """A team, a case reference, a person's name and every free-text answer that each begin like a formula."""
    team = Team(name=FORMULAS[0])
    db.session.add(team)
    db.session.flush()
    manager = save_user(SYSTEM, None, name=FORMULAS[2], email="formula.manager@council.example.org", team=team,
                        roles={"is_auditor"})
    db.session.add(Case(reference=FORMULAS[1], team_id=team.id, case_type="child_in_need", manager_id=manager.id,
                        open_date=datetime(2025, 1, 1).date()))
    db.session.commit()


def test_every_cell_a_person_typed_is_neutralised_in_csv_and_workbooks(world, as_user):
    risky_world(world)
    audits = sampled_month("2026-10", per_team=1)
    risky = next(a for a in audits if a.case.reference == FORMULAS[1])
    signed_off_audit(risky)
    for review in db.session.scalars(select(Review).where(Review.audit_id == risky.id)):
        review.working_well, review.needs_to_change = FORMULAS[3], FORMULAS[4]
    risky.feedback_a = FORMULAS[5]
    db.session.commit()
    qa = as_user(world.qa_lead)

    rows = list(csv.reader(io.StringIO(qa.get("/cycles/2026-10/allocation.csv").get_data().decode("utf-8-sig"))))
    row = next(r for r in rows if FORMULAS[1] in r[0])
    assert row[0] == "'" + FORMULAS[1] and row[1] == "'" + FORMULAS[0]
    for cells in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells

    for url in ("/reports/2026-10.xlsx", "/reports/all-audits.xlsx"):
        book = load_workbook(io.BytesIO(qa.get(url).data))
        found = set()
        for sheet in book.worksheets:
            for line in sheet.iter_rows():
                for cell in line:
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.data_type == "s" and cell.quotePrefix, (url, sheet.title, cell.coordinate)
                        found.add(cell.value)
        # The team, the case reference and the manager's name reach both workbooks, safely.
        assert {FORMULAS[0], FORMULAS[1], FORMULAS[2]} <= found, (url, found)


@pytest.mark.dates
def test_purge_removes_a_targeted_audit_with_its_answers_and_every_kind_of_old_record(app, world):
    from datetime import date

    from builders import in_full, submitted_review

    from auditapp.models import Absence, ClosureDay, FormStash, ImportJob, ReviewAnswer
    from auditapp.month import targeted
    cases_open_since(2017)
    with clock.frozen_at(datetime(2018, 3, 5, 10)):
        theme_audit = targeted.start(SYSTEM, "Private fostering", ["plan"], "Assessed in time?")
        audit = in_full(targeted.add_cases(SYSTEM, theme_audit, [world.cases[0].reference])[0])
        review = submitted_review(audit, "A")
        targeted.save_answers(audit.auditor_a, audit, "A", review.review("A"), {1: "Yes"})
        db.session.add(FormStash(key="k" * 40, path="/x", data="{}", created_at=clock.now()))
        db.session.add(Absence(user_id=world.qa_lead.id, starts_on=date(2018, 3, 1), ends_on=date(2018, 3, 2),
                               reason="Leave"))
        db.session.add(ClosureDay(day=date(2018, 3, 6), reason="Closed", added_at=clock.now()))
        db.session.add(ImportJob(filename="old.csv", created_by_id=world.qa_lead.id, created_at=clock.now(),
                                 status="done"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge", "--older-than-years", "7", "--yes"])
    assert result.exit_code == 0, result.output
    for model in (ReviewAnswer, Review, Audit, FormStash, Absence, ClosureDay, ImportJob):
        assert db.session.scalar(select(func.count(model.id))) == 0, model.__name__


def test_remembered_pages_move_on_after_a_purge_or_restore_even_if_an_id_comes_round_again(app, world):
    from auditapp.history import record
    from auditapp.remembered import history_version, remembered
    record(SYSTEM, "Something")
    db.session.commit()
    version = history_version()
    assert remembered("x", 1, lambda: "first", version=history_version) == "first"
    # A restore of an older backup: the newest entry now has the same id, written at another time.
    from auditapp.security.retention import history_opened
    newest = db.session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
    with history_opened(db.session):
        db.session.execute(text("UPDATE event SET at = :at WHERE id = :id"),
                           {"at": datetime(2030, 1, 1), "id": newest.id})
    db.session.commit()
    now = history_version()
    assert now != version and now.split()[1] == version.split()[1]  # the same id, another moment
    assert remembered("x", 1, lambda: "second", version=history_version) == "second"


ATTACK = ["INSERT INTO history_purge (started_at) VALUES (CURRENT_TIMESTAMP)",
          "UPDATE event SET after = 'TAMPERED' WHERE id = :id"]


def test_the_applications_own_sql_cannot_open_the_history_to_rewriting(world):
    if db.engine.dialect.name == "postgresql":
        pytest.skip("the tests connect as PostgreSQL's owner: the application role's test is below")
    from auditapp.history import record
    entry = record(SYSTEM, "Something that happened")
    db.session.commit()
    with pytest.raises(DBAPIError):
        for statement in ATTACK:
            db.session.execute(text(statement), {"id": entry.id})
        db.session.execute(text("DELETE FROM event WHERE id = :id"), {"id": entry.id})
        db.session.commit()
    db.session.rollback()
    db.session.execute(text("DELETE FROM history_purge"))
    db.session.commit()
    assert db.session.get(Event, entry.id, populate_existing=True).after is None


def test_a_marker_left_committed_opens_nothing_to_later_transactions(world):
    from auditapp.history import record
    entry = record(SYSTEM, "Something that happened")
    db.session.execute(text(ATTACK[0]))
    db.session.commit()  # the marker, committed
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(ATTACK[1]), {"id": entry.id})
        db.session.flush()
    db.session.rollback()
    db.session.execute(text("DELETE FROM history_purge"))
    db.session.commit()


def test_as_the_readmes_application_role_postgresql_refuses_the_purge_marker(app, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the application role is PostgreSQL's")
    from sqlalchemy import create_engine

    from auditapp.history import record
    entry = record(SYSTEM, "Something that happened")
    db.session.commit()
    readme = (ROOT / "README.md").read_text()
    grants = readme.split("```sql", 1)[1].split("```", 1)[0].replace("'…'", "'app-password'")
    with db.engine.begin() as owner:
        owner.execute(text("DROP ROLE IF EXISTS auditapp_app"))  # from an earlier run on this cluster
        for statement in filter(None, (s.strip() for s in grants.split(";"))):
            owner.execute(text(statement))
    url = db.engine.url.set(username="auditapp_app", password="app-password")
    restricted = create_engine(url)
    try:
        with restricted.connect() as connection:
            with pytest.raises(DBAPIError, match="permission denied"):
                connection.execute(text(ATTACK[0]))
            connection.rollback()
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(ATTACK[1]), {"id": entry.id})
            connection.rollback()
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text("DELETE FROM event WHERE id = :id"), {"id": entry.id})
            connection.rollback()
            # and it can still do its work: write a history entry
            connection.execute(text("INSERT INTO event (at, action) VALUES (CURRENT_TIMESTAMP, 'x')"))
            connection.rollback()
    finally:
        restricted.dispose()
        with db.engine.begin() as owner:
            owner.execute(text("DROP OWNED BY auditapp_app"))
            owner.execute(text("DROP ROLE auditapp_app"))
