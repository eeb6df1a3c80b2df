"""Findings lead somewhere (issue 11): actions from proposal to verified closure, blind until both
auditors submit; re-audits of Inadequate audits; themes and their counts; the practitioner's reply."""

from datetime import date, datetime, timedelta

from builders import (
    confirmed_action,
    proposed_action,
    ready_for_moderation,
    sampled_month,
    signed_off_audit,
    submitted_review,
    tagged,
)
from sqlalchemy import func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.findings.themes import add_theme
from auditapp.grading import Grade
from auditapp.models import Action, Audit, PractitionerReply, Reaudit, Theme
from auditapp.reports.follow_up import follow_up


def action_form(owner, description="Record the father's view in the assessment", priority="urgent", due="",
                **extra) -> dict:
    return {"description": description, "owner": str(owner.id), "priority": priority, "due": due,
            "domain": "voice", "theme": "", **extra}


def reloaded(action_id: int) -> Action:
    db.session.expire_all()
    return db.session.get(Action, action_id)


def one_audit(world, month="2026-11") -> Audit:
    audit = sampled_month(month, per_team=1)[0]
    db.session.commit()
    return audit


# Proposing, blind

def test_an_auditors_proposed_action_stays_hidden_from_the_other_auditor_until_both_submit(world, as_user):
    audit = one_audit(world)
    a, b = as_user(audit.auditor_a), as_user(audit.auditor_b)
    response = a.post(f"/audits/{audit.id}/actions/new", data=action_form(audit.auditor_a))
    assert response.status_code == 302
    action = db.session.scalar(select(Action))
    assert action.status == "proposed" and action.proposed_role == "A"

    hidden = b.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Record the father" not in hidden
    assert b.get(f"/actions/{action.id}/edit").status_code == 404
    assert "Record the father" not in b.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Record the father" not in as_user(audit.moderator).get(f"/audits/{audit.id}").get_data(as_text=True)

    submitted_review(audit, "A")
    submitted_review(audit, "B")
    db.session.commit()
    assert "Record the father" in b.get(f"/audits/{audit.id}").get_data(as_text=True)


def test_default_due_dates_follow_the_priority_in_working_days(world, as_user):
    audit = one_audit(world)
    client = as_user(audit.auditor_a)
    with clock.frozen_at(datetime(2026, 11, 20, 9)):  # a Friday
        for priority in ("immediate", "urgent", "standard"):
            client.post(f"/audits/{audit.id}/actions/new", data=action_form(audit.auditor_a, priority=priority))
    dues = dict(db.session.execute(select(Action.priority, Action.due)).all())
    assert dues == {"immediate": date(2026, 11, 23), "urgent": date(2026, 11, 27), "standard": date(2026, 12, 18)}


def test_proposals_are_refused_once_the_auditors_audit_is_submitted_or_to_others(world, as_user):
    audit = one_audit(world)
    submitted_review(audit, "A")
    db.session.commit()
    assert as_user(audit.auditor_a).post(f"/audits/{audit.id}/actions/new",
                                         data=action_form(audit.auditor_a)).status_code == 403
    assert as_user(world.qa_lead).get(f"/audits/{audit.id}/actions/new").status_code == 403
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_a_form_with_nothing_right_keeps_what_was_typed_and_says_what_is_wrong(world, as_user):
    audit = one_audit(world)
    page = as_user(audit.auditor_a).post(f"/audits/{audit.id}/actions/new", data=action_form(
        audit.auditor_a, description="", due="31/2/2027")).get_data(as_text=True)
    assert "Due date must be a real date" in page and "31/2/2027" in page
    page = as_user(audit.auditor_a).post(f"/audits/{audit.id}/actions/new", data=action_form(
        audit.auditor_a, description="  ")).get_data(as_text=True)
    assert "Say what must happen" in page


# The moderator decides

def test_the_moderator_confirms_edits_removes_and_adds_and_sign_off_waits_for_every_proposal(world, as_user):
    audit = one_audit(world)
    owner = audit.auditor_a
    keep = proposed_action(audit, "A", owner, "Visit the child alone")
    drop = proposed_action(audit, "B", owner, "Duplicate of the first")
    ready_for_moderation(audit)
    db.session.commit()
    moderator = as_user(audit.moderator)
    assert "Confirm or remove each proposed action" in moderator.get(f"/audits/{audit.id}").get_data(as_text=True)

    response = moderator.post(f"/actions/{keep.id}/edit", data=action_form(
        owner, "Visit the child alone within five days", version=str(keep.version), confirm="x"))
    assert response.status_code == 302
    assert reloaded(keep.id).status == "open" and reloaded(keep.id).description.endswith("five days")
    page = moderator.post(f"/actions/{drop.id}/remove", data={"reason": "", "version": "1"}).get_data(as_text=True)
    assert "Say why the action is removed" in page
    moderator.post(f"/actions/{drop.id}/remove", data={"reason": "Same as the first", "version": "1"})
    assert reloaded(drop.id).status == "removed"
    moderator.post(f"/audits/{audit.id}/actions/new", data=action_form(owner, "Supervision to review the plan"))
    added = db.session.scalar(select(Action).where(Action.description == "Supervision to review the plan"))
    assert added.status == "open" and added.proposed_role == "M"


def test_sign_off_is_refused_while_a_proposal_is_undecided(world, as_user):
    import pytest

    from auditapp.errors import RuleError
    audit = one_audit(world)
    proposed_action(audit, "A", audit.auditor_a)
    db.session.commit()
    with pytest.raises(RuleError, match="Confirm or remove the 1 proposed action"):
        signed_off_audit(audit)
    db.session.rollback()


def test_a_stale_edit_is_a_conflict_that_keeps_what_was_typed(world, as_user):
    audit = one_audit(world)
    action = proposed_action(audit, "A", audit.auditor_a, "First wording")
    ready_for_moderation(audit)
    db.session.commit()
    moderator = as_user(audit.moderator)
    moderator.post(f"/actions/{action.id}/edit", data=action_form(audit.auditor_a, "Second wording", version="1"))
    page = moderator.post(f"/actions/{action.id}/edit", data=action_form(
        audit.auditor_a, "Third wording from an old tab", version="1")).get_data(as_text=True)
    assert "was changed after you opened this page" in page and "Third wording from an old tab" in page
    assert reloaded(action.id).description == "Second wording"


# Doing and verifying

def open_action(world, owner=None):
    audit = one_audit(world)
    ready_for_moderation(audit)
    action = confirmed_action(audit, owner or audit.auditor_a)
    db.session.commit()
    return audit, action


def test_the_owner_records_progress_then_done_with_evidence_and_where_it_is_recorded(world, as_user):
    audit, action = open_action(world)
    owner = as_user(audit.auditor_a)
    owner.post(f"/actions/{action.id}", data={"progress-version": "1", "progress-progress": "Visit booked",
                                             "progress-save": "x"})
    assert reloaded(action.id).progress == "Visit booked"
    page = owner.post(f"/actions/{action.id}", data={"progress-version": "2", "progress-done": "x",
                                                    "progress-evidence": "Seen alone"}).get_data(as_text=True)
    assert "Say where the case file records it" in page and reloaded(action.id).status == "open"
    owner.post(f"/actions/{action.id}", data={"progress-version": "2", "progress-done": "x",
                                             "progress-evidence": "Seen alone on 20 November",
                                             "progress-location": "Case note 20/11/2026"})
    assert reloaded(action.id).status == "done"
    # Nobody else can update it.
    assert as_user(audit.auditor_b).post(f"/actions/{action.id}", data={
        "progress-version": "3", "progress-progress": "x", "progress-save": "x"}).status_code in (403, 404)


def done(action):
    from auditapp.findings import actions
    audit = db.session.get(Audit, action.audit_id)
    owner = db.session.get(type(audit.auditor_a), action.owner_id)
    actions.record_progress(owner, action, audit, "", action.version, done=True, evidence="Done", location="Note")
    db.session.commit()


def test_only_a_manager_of_the_cases_team_or_the_qa_lead_verifies_and_never_the_owner(world, as_user):
    audit, action = open_action(world)
    done(action)
    team = [u for u in world.auditors.values() for u in u if u.team_id == audit.case.team_id]
    colleague = next(u for u in team if u.id != audit.auditor_a_id)
    other_team = next(u for t in world.auditors.values() for u in t if u.team_id != audit.case.team_id
                      and u.id != audit.auditor_b_id)
    decision = {"verify-version": str(reloaded(action.id).version), "verify-decision": "accept",
                "verify-confirmed": "yes"}
    assert as_user(audit.auditor_a).post(f"/actions/{action.id}", data=decision).status_code == 403  # the owner
    assert as_user(other_team).post(f"/actions/{action.id}", data=decision).status_code == 404
    assert reloaded(action.id).status == "done"
    assert as_user(colleague).post(f"/actions/{action.id}", data=decision).status_code == 302
    closed = reloaded(action.id)
    assert closed.status == "closed" and closed.verified_by_id == colleague.id


def test_sending_back_needs_a_reason_and_reopens_the_action_for_its_owner(world, as_user):
    audit, action = open_action(world)
    done(action)
    qa, version = as_user(world.qa_lead), str(reloaded(action.id).version)
    page = qa.post(f"/actions/{action.id}", data={"verify-version": version, "verify-decision": "send_back"})
    assert "Say what is still needed" in page.get_data(as_text=True)
    qa.post(f"/actions/{action.id}", data={"verify-version": version, "verify-decision": "send_back",
                                          "verify-reason": "The case note does not show it"})
    back = reloaded(action.id)
    assert back.status == "open" and back.sent_back_reason == "The case note does not show it"
    assert ("The case note does not show it"
            in as_user(audit.auditor_a).get(f"/actions/{action.id}").get_data(as_text=True))


def test_overdue_actions_are_listed_for_the_owner_the_team_and_the_qa_lead(world, as_user):
    audit, action = open_action(world)
    with clock.frozen_at(datetime.combine(action.due + timedelta(days=1), datetime.min.time())):
        home = as_user(audit.auditor_a).get("/").get_data(as_text=True)
        assert "Your actions" in home and "Overdue" in home
        overdue = as_user(world.qa_lead).get("/actions?overdue=1").get_data(as_text=True)
        assert "Update the chronology" in overdue
        assert "Update the chronology" in as_user(audit.auditor_a).get("/actions/team").get_data(as_text=True)
    assert "Update the chronology" not in as_user(world.qa_lead).get("/actions?overdue=1").get_data(as_text=True)
    assert as_user(audit.auditor_b).get("/actions").status_code == 403


def test_all_actions_filter_by_team_owner_state_month_and_priority(world, as_user):
    audit, action = open_action(world)
    qa = as_user(world.qa_lead)
    hit, miss = "Update the chronology", "No actions match"
    assert hit in qa.get(f"/actions?team={audit.case.team_id}&owner={action.owner_id}&status=open"
                         f"&month=2026-11&priority=standard").get_data(as_text=True)
    for query in ("status=closed", "month=2026-10", "priority=urgent", f"owner={audit.auditor_b_id}"):
        assert miss in qa.get(f"/actions?{query}").get_data(as_text=True), query


def test_the_month_filter_offers_the_months_with_actions_by_name(world, as_user):
    open_action(world)
    page = as_user(world.qa_lead).get("/actions?month=2026-11").get_data(as_text=True)
    assert '<select class="govuk-select" id="month" name="month">' in page
    assert '<option value="2026-11" selected>November 2026</option>' in page
    assert "2026-10" not in page and "for example" not in page  # only months that have actions; no code to type


# Re-audits

def test_an_inadequate_sign_off_schedules_a_reaudit_that_joins_that_months_sample(world, as_user):
    for case in world.cases:
        case.open_date = date(2024, 1, 1)
    db.session.commit()
    first = signed_off_audit(sampled_month("2026-08", per_team=1)[0], grade_a=1, grade_b=1, final=int(Grade.INADEQUATE))
    db.session.commit()
    reaudit = db.session.scalar(select(Reaudit))
    assert reaudit.first_audit_id == first.id and reaudit.due_month == "2026-11"

    audits = sampled_month("2026-11", per_team=1)
    db.session.commit()
    second = next(a for a in audits if a.case_id == first.case_id)
    assert reaudit.audit_id == second.id
    assert second.auditor_b.team_id != second.case.team_id  # allocated by the same rules
    assert "This is a re-audit" in as_user(world.qa_lead).get(f"/audits/{second.id}").get_data(as_text=True)
    assert "re-audited in November 2026" in as_user(world.qa_lead).get(f"/audits/{first.id}").get_data(as_text=True)

    signed_off_audit(second, grade_a=2, grade_b=2, final=2)
    db.session.commit()
    page = as_user(world.qa_lead).get("/reaudits").get_data(as_text=True)
    assert "Better by 1" in page
    dashboard = as_user(world.qa_lead).get("/reports/?month=2026-11").get_data(as_text=True)
    assert "Re-audits due: change in the moderated overall grade" in dashboard
    figures = follow_up(("2026-11",), clock.today())  # what the workbook writes as "moderated better"
    assert figures.reaudits_due == 1 and figures.reaudits_improved == 1
    assert [(r.before, r.after) for r in figures.reaudits] == [("Inadequate", "Requires improvement")]


def test_reopening_unschedules_a_reaudit_not_yet_drawn(world, as_user):
    first = signed_off_audit(one_audit(world), grade_a=1, grade_b=1, final=1)
    db.session.commit()
    as_user(world.qa_lead).post(f"/audits/{first.id}/reopen", data={"reason": "Grade entered wrongly"})
    assert db.session.scalar(select(func.count(Reaudit.id))) == 0


# Themes

def test_themes_are_retired_not_deleted_and_tags_stay_blind_until_both_submit(world, as_user):
    qa = as_user(world.qa_lead)
    qa.post("/themes", data={"name": "Fathers"})
    qa.post("/themes", data={"name": "Neglect"})
    fathers, neglect = db.session.scalars(select(Theme).order_by(Theme.name)).all()
    audit = one_audit(world)
    a = as_user(audit.auditor_a)
    a.post(f"/audits/{audit.id}/themes/A",
           data={"worry": [str(fathers.id)], "strength": [str(neglect.id)], "submit": "Save themes"})
    assert "Fathers" not in as_user(audit.auditor_b).get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Fathers" in a.get(f"/audits/{audit.id}").get_data(as_text=True)

    qa.post(f"/themes/{fathers.id}/retire", data={"retired": "1"})
    assert "Fathers" not in a.get(f"/audits/{audit.id}/themes/A").get_data(as_text=True)
    # Saving again without it keeps the retired theme's tag: retiring never loses what was recorded.
    a.post(f"/audits/{audit.id}/themes/A", data={"strength": [str(neglect.id)], "submit": "Save themes"})
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 2
    ready_for_moderation(audit)
    db.session.commit()
    assert "Fathers" in as_user(audit.auditor_b).get(f"/audits/{audit.id}").get_data(as_text=True)


def test_theme_counts_by_month_with_a_drill_down_for_those_who_may_open_audits(world, as_user):
    fathers = add_theme(world.qa_lead, "Fathers")
    audits = sampled_month("2026-11", per_team=1)
    for audit in audits[:2]:
        tagged(ready_for_moderation(audit), "M", worries=[fathers])
        signed_off_audit(audit)
    db.session.commit()
    dashboard = as_user(world.qa_lead).get("/reports/?month=2026-11").get_data(as_text=True)
    assert "2<span class=\"govuk-visually-hidden\"> audits with Fathers as a worry" in dashboard
    url = f"/reports/themes/{fathers.id}/worry/2026-11"
    # The leadership reader sees the count as plain text: they may not open the audits behind it.
    assert url not in as_user(world.leader).get("/reports/?month=2026-11").get_data(as_text=True)
    assert "You can read the figures but not the audits" in as_user(world.leader).get(url).get_data(as_text=True)
    qa_page = as_user(world.qa_lead).get(url).get_data(as_text=True)
    assert all(f"Case {a.case.reference}" in qa_page for a in audits[:2])


# The practitioner's reply

def test_auditor_a_records_the_reply_after_sign_off_and_a_dispute_reaches_the_moderator(world, as_user):
    audit = one_audit(world)
    a = as_user(audit.auditor_a)
    form = {"version": "0", "held": "yes", "held_on": "20/11/2026", "practitioner_view": "Agrees with most",
            "disputes": "yes", "dispute_details": "The plan grade ignores the new school placement"}
    assert a.post(f"/audits/{audit.id}/reply", data=form).status_code == 403  # not signed off yet
    signed_off_audit(audit)
    db.session.commit()
    assert as_user(audit.auditor_b).post(f"/audits/{audit.id}/reply", data=form).status_code == 403
    assert a.post(f"/audits/{audit.id}/reply", data=form).status_code == 302
    reply = db.session.scalar(select(PractitionerReply))
    assert reply.disputes and reply.held_on == date(2026, 11, 20)

    moderator = as_user(audit.moderator)
    assert "Disputed" in moderator.get(f"/audits/{audit.id}").get_data(as_text=True)
    moderator.post(f"/audits/{audit.id}/reply/response", data={"version": "1", "response": "Grade stands: see plan"})
    db.session.expire_all()
    assert db.session.scalar(select(PractitionerReply.response)) == "Grade stands: see plan"
    dashboard = as_user(world.qa_lead).get("/reports/?month=2026-11").get_data(as_text=True)
    assert "month=2026-11&amp;which=disputed\">1<" in dashboard
    behind = as_user(world.qa_lead).get("/reports/audits?which=disputed&month=2026-11").get_data(as_text=True)
    assert "Findings disputed by the practitioner: 1" in behind and audit.case.reference in behind


def test_a_reply_not_held_needs_a_reason(world, as_user):
    audit = signed_off_audit(one_audit(world))
    db.session.commit()
    page = as_user(audit.auditor_a).post(f"/audits/{audit.id}/reply", data={
        "version": "0", "held": "no", "disputes": "no"}).get_data(as_text=True)
    assert "Say why the conversation was not held" in page


def test_who_may_verify_is_one_rule_in_python_and_in_sql(world, as_user):
    """permissions.can_verify_action decides one action; permissions.verifiable_by lists them. Every
    persona, over actions open, done by their owner and closed, in two teams: the two agree."""
    from auditapp.findings import actions
    from auditapp.permissions import can_verify_action, verifiable_by
    audit, action = open_action(world)
    done(action)
    other = next(a for a in sampled_month("2026-12", per_team=1) if a.case.team_id != audit.case.team_id)
    ready_for_moderation(other)
    colleague = next(u for u in world.auditors.values() for u in u if u.team_id == other.case.team_id)
    still_open = confirmed_action(other, colleague, "Still to do")
    done_there = confirmed_action(other, other.auditor_a, "Done there")
    db.session.commit()
    done(done_there)
    people = [world.qa_lead, world.leader, *world.seniors, *(u for team in world.auditors.values() for u in team)]
    every = [reloaded(a.id) for a in (action, still_open, done_there)]
    assert {a.status for a in every} == {"open", "done"}
    for user in people:
        listed = set(db.session.scalars(select(Action.id).where(verifiable_by(user))))
        decided = {a.id for a in every if can_verify_action(user, a, db.session.get(Audit, a.audit_id))}
        assert listed == decided, user.name
        assert set(db.session.scalars(actions.to_verify(user).with_only_columns(Action.id))) == decided
    assert any(set(db.session.scalars(select(Action.id).where(verifiable_by(u)))) for u in people)
