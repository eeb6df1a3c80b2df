"""The demo data obeys the rules and is realistic; the migrations build exactly the models' schema."""

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from builders import confirmed_action, ready_for_moderation, sampled_month
from sqlalchemy import CheckConstraint, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from auditapp import clock
from auditapp.audits.moderation import compare
from auditapp.extensions import db
from auditapp.framework import descriptors
from auditapp.models import (
    Absence,
    Action,
    Audit,
    Case,
    Cycle,
    Event,
    FamilyAnswer,
    FamilyFeedback,
    LearningActivity,
    PractitionerReply,
    Priority,
    Reaudit,
    Review,
    SentMessage,
    Theme,
    ThemeTag,
    User,
)
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.months import month_of, months_before
from auditapp.reports.commentary import words_for
from auditapp.reports.summary import summarise


def test_migrations_match_the_models():
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def _checks_in_models() -> dict[tuple[str, str], str]:
    return {(table.name, check.name): str(check.sqltext) for table in db.metadata.sorted_tables
            for check in table.constraints if isinstance(check, CheckConstraint)}


def test_the_migrations_check_every_closed_set_the_models_define():
    # compare_metadata does not look at CHECK constraints: this does, by name and by the values listed.
    inspector = inspect(db.engine)
    in_database = {(table, check["name"]): check["sqltext"] for table in {t for t, _ in _checks_in_models()}
                   for check in inspector.get_check_constraints(table)}
    assert len(_checks_in_models()) == 36 and set(in_database) == set(_checks_in_models())
    for key, condition in _checks_in_models().items():
        values = sorted(re.findall(r"'([^']*)'", condition))
        assert sorted(re.findall(r"'([^']*)'", in_database[key])) == values, key


@pytest.mark.parametrize(("column", "unknown"), [
    ("status", "archived"), ("priority", "low"), ("proposed_role", "Q")])
def test_the_database_refuses_a_value_the_code_does_not_know(world, column, unknown):
    audit = ready_for_moderation(sampled_month("2026-11", per_team=1)[0])
    action = confirmed_action(audit, audit.auditor_a)
    db.session.commit()
    with pytest.raises(IntegrityError, match="(?i)check"):
        with db.engine.begin() as connection:
            connection.execute(update(Action).where(Action.id == action.id).values({column: unknown}))
    with pytest.raises(IntegrityError, match="(?i)check"):
        with db.engine.begin() as connection:
            connection.execute(update(Review).where(Review.audit_id == audit.id).values(role="C"))
    with db.engine.begin() as connection:  # NULL is not a value, so optional answers stay optional
        connection.execute(update(Audit).where(Audit.id == audit.id).values(withdrawal_reason=None))


@pytest.mark.parametrize(("table", "values"), [
    ("import_job", {"filename": "cases.xlsx", "created_by_id": 1, "created_at": "2026-11-30 09:00:00",
                    "status": "paused", "rows_done": 0}),
    ("user_session", {"token_hash": "0" * 64, "user_id": 1, "started_at": "2026-11-30 09:00:00",
                      "last_seen_at": "2026-11-30 09:00:00", "method": "magic link"}),
    ("user_session", {"token_hash": "1" * 64, "user_id": 1, "started_at": "2026-11-30 09:00:00",
                      "last_seen_at": "2026-11-30 09:00:00", "method": "password", "ended_reason": "bored"}),
    # The append-only history, checked without rebuilding it (a trigger on SQLite): an entry for
    # an unknown reviewer would slip past blind review, which hides entries by their role.
    ("event", {"at": "2026-11-30 09:00:00", "action": "Value saved", "review_role": "Q"}),
])
def test_the_database_refuses_an_unknown_status_session_or_reviewer(world, table, values):
    people = {key: world.qa_lead.id for key in ("user_id", "created_by_id") if key in values}
    insert = text(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})")
    with pytest.raises(IntegrityError, match="(?i)check"):
        with db.engine.begin() as connection:
            connection.execute(insert, {**values, **people})


@pytest.mark.dates
def test_seed_demo_builds_a_year_of_moderated_months_and_one_in_progress(app, client):
    this_month = month_of(clock.today())
    past_months = [months_before(this_month, n) for n in range(12, 0, -1)]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Case.id))) == 300
    assert ({u.email for u in db.session.scalars(select(User).where(User.is_leadership))}
            == {"lena.ford@council.example.org"})
    months = {c.month: c for c in db.session.scalars(select(Cycle).where(Cycle.kind == "random"))}
    assert sorted(months) == [*past_months, this_month]
    # Nothing in the demo happened after now, even on the first of the month.
    assert db.session.scalar(select(func.max(Event.at))) <= clock.now()
    audits = list(db.session.scalars(select(Audit).options(*AUDIT_IN_FULL)))
    past = [a for a in audits if a.cycle.month in past_months]
    assert past and all(a.signed_off_at for a in past)
    # Disagreements the moderator had to resolve, and varied final grades.
    assert any(row.steps_apart for a in past for row in compare(a))
    assert len({g.grade for a in past for g in a.moderated_grades}) == 4
    current = {a.status for a in audits if a.cycle.month == this_month and a.cycle.kind == "random"}
    assert {"Moderated", "Ready for moderation", "In progress", "Allocated"} <= current
    # Every demo account signs in with the password the README gives.
    assert client.post("/sign-in", data={"email": "quinn.ashby@council.example.org",
                                         "password": "demo-password-2026"}).status_code == 302
    assert "already" in runner.invoke(args=["seed-demo"]).output

    # Findings in every state: actions (some overdue), a moderated re-audit, themes, a dispute.
    states = set(db.session.scalars(select(Action.status)))
    assert {"open", "done", "closed", "removed"} <= states
    assert any(a.is_overdue(clock.today()) for a in db.session.scalars(select(Action)))
    assert db.session.scalar(select(func.count(Action.id)).where(Action.sent_back_reason.is_not(None)))
    # Re-audits of Inadequate audits: done in the months before, this month's still with its
    # auditors, and one due next month.
    reaudits = {r.due_month: r for r in db.session.scalars(select(Reaudit))}
    done = [r for month, r in reaudits.items() if month in past_months]
    assert len(done) >= 3 and all(r.audit_id and db.session.get(Audit, r.audit_id).signed_off_at for r in done)
    assert reaudits[this_month].audit_id and not db.session.get(Audit, reaudits[this_month].audit_id).signed_off_at
    assert reaudits[months_before(this_month, -1)].audit_id is None
    # Older actions mostly verified; some still open and overdue.
    closed = db.session.scalar(select(func.count(Action.id)).where(Action.status == "closed"))
    still_open = db.session.scalar(select(func.count(Action.id)).where(Action.status == "open"))
    assert closed > 2 * still_open > 0
    tagged_months = set(db.session.scalars(select(Cycle.month).join(Audit)
                                           .join(ThemeTag, ThemeTag.audit_id == Audit.id)))
    assert set(past_months) <= tagged_months
    assert db.session.scalar(select(func.count(PractitionerReply.id)).where(PractitionerReply.disputes.is_(True)))

    # Families of every outcome, reminders already sent, someone away, a targeted audit part-way.
    assert set(db.session.scalars(select(FamilyFeedback.outcome))) == {"gave_feedback", "declined", "no_response",
                                                                       "not_contacted"}
    assert db.session.scalar(select(func.count(FamilyAnswer.id)).where(FamilyAnswer.respondent == "child"))
    assert db.session.scalar(select(func.count(SentMessage.id)).where(SentMessage.sent_at.is_not(None)))
    assert db.session.scalar(select(func.count(Absence.id)))
    theme_audit = db.session.scalar(select(Cycle).where(Cycle.kind == "targeted").order_by(Cycle.id))
    statuses = {a.status for a in audits if a.cycle_id == theme_audit.id}
    assert {"Ready for moderation", "In progress", "Allocated"} <= statuses

    # A second version of the descriptors, published last month: its audits and this month's graded
    # against it, the months before against version 1 (the files).
    version = descriptors.current()
    assert version.number == 2 and month_of(version.published_on) == past_months[-1]
    graded = {(a.cycle.month, r.descriptor_version) for a in audits for r in a.reviews}
    assert {recorded for month, recorded in graded if month in past_months[:-1]} == {app.config["DESCRIPTOR_VERSION"]}
    assert {recorded for month, recorded in graded if month in (past_months[-1], this_month)} == {version.recorded}

    # Each past month's summary has realistic, non-trivial figures (16 sampled, and any re-audit).
    good = {}
    for month in past_months:
        summary = summarise(month, clock.today(), with_board=False)
        assert summary.headline.moderated == summary.headline.sampled >= 16
        assert 0 < summary.headline.overall.pct_good < 1
        assert any(a.kappa is not None and a.kappa < 1 for a in summary.agreement.values())
        assert any(s["A"].lowered for s in summary.shift.values())
        good[month] = summary.headline.overall.pct_good
    # Some months better than others, and the year better at its end than at its start.
    assert max(good.values()) - min(good.values()) > 0.25
    assert sum(list(good.values())[-3:]) > sum(list(good.values())[:3])
    # The year's 12-month trend has every month in it.
    year = summarise(past_months[-1], clock.today(), period=12, with_board=False)
    assert [p.month for p in year.trend] == past_months
    # The worry "fathers and male carers" rises to the month of the training on it, then falls.
    fathers = db.session.scalar(select(Theme.id).where(Theme.name == "Fathers and male carers"))
    assert year.follow_up and year.follow_up.themes
    worries = [year.follow_up.themes.count(fathers, "worry", m) for m in past_months]
    training = db.session.scalar(select(LearningActivity.held_on).where(LearningActivity.kind == "training"))
    at = past_months.index(month_of(training))
    assert 3 <= at <= 8  # the middle of the year, so there are months before and after it

    def mean(counts: list[int]) -> float:  # three months together: one month of 16 audits is noisy
        return sum(counts) / len(counts)

    # About 10 a month around the training against about 3 at either end: 3 more is far outside the
    # noise (the draw depends on the database's order of rows, so it is not the same on every run).
    around = mean(worries[at - 1:at + 2])
    assert around > 3 + max(mean(worries[:3]), mean(worries[-3:])), worries
    # Three priorities, one of each outcome, and commentary for every month of the year.
    assert sorted(db.session.scalars(select(Priority.status))) == ["met", "not_met", "open"]
    assert {m for m in past_months if words_for(m)} == set(past_months)

    # This month's audits of the three ready types (issue 24), finished and in progress, one
    # observation ended by refused consent; the monthly summary lists them apart.
    from auditapp.reports.periods import period_of
    from auditapp.reports.type_summary import TypeScope, summarise_type
    listed = {t.name: t for t in summarise(this_month, clock.today()).other_types}
    for name in ("Supervision-record audit", "Practice observation", "Case-file compliance check"):
        figures = summarise_type(TypeScope(listed[name].type_id, period_of("1", this_month)))
        assert figures.finished >= 4 and figures.in_progress >= 1, name
    observations = summarise_type(TypeScope(listed["Practice observation"].type_id, period_of("1", this_month)))
    assert observations.consent_refused == 1


def test_upgrading_a_database_with_data_in_it_keeps_every_row(app):
    """A council's database is upgraded with its data in it: every migration must work on full tables
    (SQLite alters by copying, which references from other tables must survive)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text
    downgrade(revision="0001")
    statements = [
        "INSERT INTO team (id, name) VALUES (1, 'Early Help')",
        'INSERT INTO "user" (id, name, email, team_id, is_auditor, is_senior_manager, is_qa_lead, is_leadership,'
        " active) VALUES (1, 'A', 'a@x.org', 1, true, true, true, false, true)",
        'INSERT INTO "case" (id, reference, team_id, case_type, manager_id, open_date)'
        " VALUES (1, 'C1', 1, 'early_help', 1, '2025-01-01')",
        "INSERT INTO cycle (id, month, per_team, lookback_months, opened_at)"
        " VALUES (1, '2026-10', 2, 12, '2026-10-01')",
        "INSERT INTO audit (id, cycle_id, case_id, auditor_a_id, auditor_b_id, moderator_id, allocated_at,"
        " auditor_due) VALUES (1, 1, 1, 1, 1, 1, '2026-10-01', '2026-10-15')",
        "INSERT INTO review (id, audit_id, role, updated_at) VALUES (1, 1, 'A', '2026-10-02')",
        "INSERT INTO event (id, at, audit_id, action) VALUES (1, '2026-10-02', 1, 'Allocated')",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    upgrade()
    with db.engine.connect() as connection:
        counts = {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                  for table in ("team", "user", "case", "cycle", "audit", "review", "event")}
        assert set(counts.values()) == {1}
        assert connection.execute(text("SELECT version, audit_id FROM review")).one() == (1, 1)
