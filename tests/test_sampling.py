"""The monthly sample and allocation: reproducible, stratified, independent, through HTTP and the CLI."""

import csv
import io
from collections import Counter
from datetime import date, datetime

import pytest
from builders import (
    TEAMS,
    build_world,
    empty_database,
    first_day,
    fresh,
    month_ago,
    month_sampled_by,
    morning_of,
    reload,
    review_data,
    this_month,
)
from sqlalchemy import select

from auditapp import clock
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.models import Audit, Case, Cycle
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.month.allocation import change_allocation
from auditapp.months import month_label

# Every test here reasons about "this month": `make test-dates` runs them at the dates calendars get wrong.
pytestmark = pytest.mark.dates


def drawn_by_web(qa, month=None, seed="424242") -> list[str]:
    month = month or this_month()
    assert qa.post("/cycles/new", data={"month": month, "per_team": "2"}).status_code == 302
    page = qa.post(f"/cycles/{month}", data={"seed": seed}, follow_redirects=True).get_data(as_text=True)
    assert f"draw number {seed}" in page
    fresh()
    cycle = db.session.scalar(select(Cycle).where(Cycle.month == month))
    return sorted(a.case.reference for a in db.session.scalars(select(Audit).where(Audit.cycle_id == cycle.id)))


def test_same_seed_same_register_same_sample_in_browser_and_cli(world, as_user, app):
    in_browser = drawn_by_web(as_user(world.qa_lead))
    empty_database()
    build_world()
    result = app.test_cli_runner().invoke(args=["draw-sample", this_month(), "--per-team", "2", "--seed", "424242"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["case reference", "team", "case type", "auditor A email", "auditor B email", "moderator email"]
    assert sorted(r[0] for r in rows[1:]) == in_browser
    assert len(in_browser) == 2 * len(TEAMS)


def test_allocation_csv_download_matches_the_sample(world, as_user):
    audits = month_sampled_by(world.qa_lead, per_team=2)
    response = as_user(world.qa_lead).get(f"/cycles/{this_month()}/allocation.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "case reference" and len(rows) == 1 + len(audits)
    assert {(r[0], r[3], r[4]) for r in rows[1:]} == {
        (a.case.reference, a.auditor_a.email, a.auditor_b.email) for a in audits}
    assert as_user(audits[0].auditor_a).get(f"/cycles/{this_month()}/allocation.csv").status_code == 403


def test_sample_is_stratified_by_team_and_a_different_seed_differs(world):
    audits = month_sampled_by(world.qa_lead, seed=1, per_team=2)
    assert Counter(a.case.team.name for a in audits) == dict.fromkeys(TEAMS, 2)
    first = sorted(a.case.reference for a in audits)
    others = []
    for seed in range(2, 7):
        empty_database()
        others.append(sorted(a.case.reference for a in month_sampled_by(build_world().qa_lead, seed=seed, per_team=2)))
    assert any(refs != first for refs in others)


def test_closed_and_recently_audited_cases_are_excluded(world):
    closed = world.case("C0000")
    closed.closed_date = first_day(month_ago(1))
    db.session.commit()
    back = month_ago(11)
    with clock.frozen_at(morning_of(first_day(back))):
        recent = month_sampled_by(world.qa_lead, back, seed=3, per_team=3)
    audits = month_sampled_by(world.qa_lead, seed=3, per_team=4)
    sampled = {a.case.reference for a in audits}
    assert "C0000" not in sampled
    assert not sampled & {a.case.reference for a in recent}  # audited 11 months ago: excluded


def test_cases_audited_over_twelve_months_ago_are_eligible_again(world):
    back = month_ago(13)
    with clock.frozen_at(morning_of(first_day(back))):
        old = month_sampled_by(world.qa_lead, back, seed=3, per_team=4)  # every case in each team
    audits = month_sampled_by(world.qa_lead, seed=3, per_team=4)
    assert {a.case.reference for a in audits} == {a.case.reference for a in old}


def test_the_seed_and_counts_are_shown_and_a_month_opens_once(world, as_user):
    qa = as_user(world.qa_lead)
    drawn_by_web(qa, seed="99")
    again = qa.post("/cycles/new", data={"month": this_month(), "per_team": "2"})
    assert f"{month_label(this_month())} is already open" in again.get_data(as_text=True)
    bad = qa.post("/cycles/new", data={"month": month_ago(-1), "per_team": "0"}).get_data(as_text=True)
    assert "Cases per team must be between 1 and 50" in bad and 'value="0"' in bad  # what was typed is kept
    # The month is chosen from the months that may be opened, by name; one already open says so.
    assert f'<option value="{month_ago(-1)}" selected>{month_label(month_ago(-1))}</option>' in bad
    assert f"{month_label(this_month())} (already open)" in bad and "for example 2026-11" not in bad


def test_allocation_is_independent_and_balanced(world):
    with clock.frozen_at(datetime(2026, 11, 2, 9)):  # a Monday
        audits = month_sampled_by(world.qa_lead, per_team=4)
    for audit in audits:
        assert audit.auditor_a_id == audit.case.manager_id
        assert audit.auditor_b.team_id != audit.case.team_id and audit.auditor_b.is_auditor
        assert audit.moderator.is_senior_manager
        assert audit.moderator_id not in (audit.auditor_a_id, audit.auditor_b_id)
    b_load = Counter(a.auditor_b_id for a in audits)
    assert max(b_load.values()) - min(b_load.values()) <= 1
    moderator_load = Counter(a.moderator_id for a in audits)
    assert sorted(moderator_load.values()) == [6, 6]
    assert {a.auditor_due for a in audits} == {date(2026, 11, 16)}  # 10 working days


def test_qa_lead_allocation_change_must_keep_the_rules(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    qa = as_user(world.qa_lead)
    same_team = next(u for u in world.auditors[audit.case.team.name] if u.id != audit.auditor_a_id)
    page = qa.get(f"/audits/{audit.id}/allocation").get_data(as_text=True)
    assert f'value="{same_team.id}"' not in page and f'value="{audit.auditor_a_id}"' not in page  # not offered
    for refused in (same_team.id, audit.auditor_a_id):  # and refused if posted anyway
        assert qa.post(f"/audits/{audit.id}/allocation",
                       data={"auditor_b": str(refused), "moderator": str(audit.moderator_id)}).status_code == 400
    with pytest.raises(RuleError, match=f"Auditor B must be from a team other than {audit.case.team.name}"):
        change_allocation(world.qa_lead, reload(audit), same_team, audit.moderator)
    db.session.rollback()
    assert reload(audit).auditor_b_id != same_team.id

    other_team = next(t for t in TEAMS if t != audit.case.team.name)
    new_b = next(u for u in world.auditors[other_team] if u.id != audit.auditor_b_id)
    other_senior = next(s for s in world.seniors if s.id != audit.moderator_id)
    assert "Say why the allocation is changing" in qa.post(f"/audits/{audit.id}/allocation", data={
        "auditor_b": str(new_b.id), "moderator": str(other_senior.id)}).get_data(as_text=True)
    assert qa.post(f"/audits/{audit.id}/allocation",
                   data={"auditor_b": str(new_b.id), "moderator": str(other_senior.id),
                         "reason": "Long-term leave"}).status_code == 302
    audit = reload(audit)
    assert (audit.auditor_b_id, audit.moderator_id) == (new_b.id, other_senior.id)

    as_user(new_b).post(f"/audits/{audit.id}/review/B", data=review_data(3, submit=False))
    colleague = next(u for u in world.auditors[other_team] if u.id != new_b.id)
    response = qa.post(f"/audits/{audit.id}/allocation",
                       data={"auditor_b": str(colleague.id), "moderator": str(other_senior.id), "reason": "Leave"})
    assert (f"{new_b.name} has saved a draft of this audit: confirm that it is discarded"
            in response.get_data(as_text=True))


def test_withdrawal_needs_another_senior_manager_and_draws_from_the_same_team(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    first, second = world.seniors
    response = as_user(first).post(f"/audits/{audit.id}/withdraw", data={"reason": "court", "note": "Final hearing"})
    assert response.status_code == 302
    assert as_user(first).post(f"/audits/{audit.id}/withdrawal", data={"decision": "approve"}).status_code == 403
    response = as_user(second).post(f"/audits/{audit.id}/withdrawal", data={"decision": "approve"})
    assert response.status_code == 302
    fresh()
    withdrawn = db.session.get(Audit, audit.id, options=AUDIT_IN_FULL)
    replacement = db.session.scalar(select(Audit).options(*AUDIT_IN_FULL).where(Audit.replacement_for_id == audit.id))
    assert withdrawn.is_withdrawn and withdrawn.status == "Withdrawn"
    assert replacement.case.team_id == withdrawn.case.team_id
    assert replacement.case_id != withdrawn.case_id


def test_auditors_cannot_request_withdrawal(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    assert as_user(audit.auditor_a).post(f"/audits/{audit.id}/withdraw", data={"reason": "court"}).status_code == 403
    assert reload(audit).withdrawal_requested_at is None


def test_cases_opened_after_the_month_are_not_sampled(world):
    late = Case(reference="C9999", team_id=world.cases[0].team_id, case_type="early_help",
                manager_id=world.cases[0].manager_id, open_date=first_day(month_ago(-1)).replace(day=5))
    db.session.add(late)
    db.session.commit()
    audits = month_sampled_by(world.qa_lead, per_team=10)
    assert "C9999" not in {a.case.reference for a in audits}


def test_exclusions_are_configurable(world, app):
    closed = world.case("C0000")
    closed.closed_date = first_day(month_ago(1))
    db.session.commit()
    back = month_ago(8)
    with clock.frozen_at(morning_of(first_day(back))):
        earlier = {a.case.reference for a in month_sampled_by(world.qa_lead, back, seed=3, per_team=2)}
    app.config.update(SAMPLE_LOOKBACK_MONTHS=6, SAMPLE_EXCLUDE_CLOSED=False)
    try:
        audits = month_sampled_by(world.qa_lead, seed=3, per_team=4)
    finally:
        app.config.update(SAMPLE_LOOKBACK_MONTHS=12, SAMPLE_EXCLUDE_CLOSED=True)
    sampled = {a.case.reference for a in audits}
    assert "C0000" in sampled  # closed cases allowed
    assert earlier <= sampled  # audited 8 months ago: outside a 6-month look-back


def test_a_changed_allocation_tells_both_people_at_once_and_a_discarded_draft_is_gone(world, as_user, inbox):
    audit = month_sampled_by(world.qa_lead)[0]
    qa = as_user(world.qa_lead)
    old_b = audit.auditor_b
    page = qa.get(f"/audits/{audit.id}/allocation").get_data(as_text=True)
    assert "audits this month" in page and "1 audit this month" in page
    as_user(old_b).post(f"/audits/{audit.id}/review/B",
                        data=review_data(2, submit=False, voice_evidence="Old B's words"))
    other_team = next(t for t in TEAMS if t not in (audit.case.team.name, old_b.team.name))
    new_b = world.auditors[other_team][0]
    inbox.messages.clear()
    data = {"auditor_b": str(new_b.id), "moderator": str(audit.moderator_id), "reason": "Auditor B is on leave"}
    refused = qa.post(f"/audits/{audit.id}/allocation", data=data).get_data(as_text=True)
    assert "confirm that it is discarded" in refused and "Auditor B is on leave" in refused  # typed reason kept
    assert qa.post(f"/audits/{audit.id}/allocation", data={**data, "discard_draft": "y"}).status_code == 302
    told = {m["To"]: m["Subject"] for m in inbox.messages}
    assert told[new_b.email] == f"Case audit: case {audit.case.reference} allocated to you"
    assert told[old_b.email] == f"Case audit: case {audit.case.reference} is no longer yours"
    fresh()
    audit = reload(audit)
    assert audit.auditor_b_id == new_b.id and audit.review("B") is None
    # The replaced auditor can no longer open it; the new one starts afresh, without the old words.
    assert as_user(old_b).get(f"/audits/{audit.id}/review/B").status_code == 404
    form = as_user(new_b).get(f"/audits/{audit.id}/review/B").get_data(as_text=True)
    assert "Old B&#39;s words" not in form and "Old B's words" not in form
    activity = qa.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Auditor B is on leave" in activity
