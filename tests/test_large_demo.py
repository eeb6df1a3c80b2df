"""The county-sized demo, built at a reduced size: it writes what the rule functions would."""

import pytest
from sqlalchemy import func, select

from auditapp import clock
from auditapp.audits.moderation import compare, needs_rationale
from auditapp.demo import large
from auditapp.extensions import db
from auditapp.history_chain import verify_history
from auditapp.models import Action, Audit, Case, Cycle, Event, PractitionerReply, User
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.months import month_of, months_before
from auditapp.reports.summary import summarise


@pytest.mark.slow
@pytest.mark.dates
def test_large_demo_keeps_the_rules(app, client, monkeypatch):
    monkeypatch.setattr(large, "CASES", 2_000)
    monkeypatch.setattr(large, "PAST_MONTHS", 14)
    monkeypatch.setattr(large, "PER_MONTH", 30)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "large"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Case.id))) == 2_000
    assert db.session.scalar(select(func.count(Cycle.id))) == 15
    assert db.session.scalar(select(func.count(User.id)).where(User.is_senior_manager)) == 20
    audits = list(db.session.scalars(select(Audit).options(*AUDIT_IN_FULL).order_by(Audit.id)))
    assert len(audits) == 15 * 30
    for audit in audits:
        # Independence, as allocation enforces it.
        assert audit.auditor_b.team_id != audit.case.team_id and audit.auditor_a_id == audit.case.manager_id
        assert audit.moderator_id not in (audit.auditor_a_id, audit.auditor_b_id)
        if audit.signed_off_at:
            for row in compare(audit):
                final = audit.moderated_grade(row.key)
                assert final.grade is not None
                assert (final.rationale is not None) == needs_rationale(row.grade_a, row.grade_b, final.grade)
    # Each case audited at most once in any 12 months.
    months = {}
    for audit in audits:
        months.setdefault(audit.case_id, []).append(audit.cycle.month)
    for seen in months.values():
        seen.sort()
        assert all(_months_apart(a, b) >= 12 for a, b in zip(seen, seen[1:]))
    # History as the service writes it, sealed as it would seal it, and blind review in it.
    assert verify_history(db.session).intact
    moderated = next(a for a in audits if a.signed_off_at)
    actions = [e.action
               for e in db.session.scalars(select(Event).where(Event.audit_id == moderated.id).order_by(Event.id))]
    assert actions[0] == "Allocated" and "Auditor A submitted" in actions and actions[-1] in (
        "Moderated grade saved", "Rationale saved", "Signed off") and "Signed off" in actions
    assert db.session.scalar(select(func.count(Event.id)).where(Event.review_role == "A",
                                                                 Event.audit_id == moderated.id)) == 22
    this_month = month_of(clock.today())
    current = {a.status for a in audits if a.cycle.month == this_month}
    assert {"Moderated", "Ready for moderation", "In progress", "Allocated", "Withdrawal requested"} <= current
    summary = summarise(months_before(this_month, 1), clock.today())
    assert summary.headline.moderated == 30 and 0 < summary.headline.overall.pct_good < 1
    assert client.post("/sign-in", data={"email": "quinn.ashby@council.example.org",
                                         "password": "demo-password-2026"}).status_code == 302
    assert "already" in app.test_cli_runner().invoke(args=["seed-demo", "--scale", "large"]).output
    # The findings and families as the service writes them: actions open, overdue and closed,
    # themes in the summary, families' feedback counted, practitioners' replies with disputes.
    statuses = set(db.session.scalars(select(Action.status)))
    assert {"open", "closed"} <= statuses
    follow_up, family = summary.follow_up, summary.family
    assert (follow_up.raised and follow_up.overdue
            and follow_up.themes.total("worry", months_before(this_month, 1)) == 30)
    assert family.counted == 30 and family.gave_feedback and family.contacted < family.counted
    assert db.session.scalar(select(func.count(PractitionerReply.id)).where(PractitionerReply.disputes.is_(True)))
    page = client.get(f"/reports/?month={months_before(this_month, 1)}")
    assert page.status_code == 200 and "Families who gave feedback" in page.get_data(as_text=True)


def _months_apart(first: str, second: str) -> int:
    (y1, m1), (y2, m2) = map(int, first.split("-")), map(int, second.split("-"))
    return (y2 - y1) * 12 + m2 - m1
