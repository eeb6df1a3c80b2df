"""Moderation, sign-off, locking, reopening and the safeguarding block, through HTTP."""

import pytest
from builders import events, fresh, month_sampled_by, reload, review_data

from auditapp import history
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS


def moderation_data(grades: dict[str, int] | int, rationales: dict[str, str] | None = None, sign_off=True):
    if isinstance(grades, int):
        grades = dict.fromkeys(JUDGEMENTS, grades)
    data = {f"{key}_grade": str(grade) for key, grade in grades.items()}
    data |= {f"{key}_rationale": text for key, text in (rationales or {}).items()}
    data |= {"key_issues_a": "yes", "key_issues_b": "partly", "feedback_a": "Well evidenced",
             "feedback_b": "Look harder at impact", ("sign_off" if sign_off else "save"): "x"}
    return data


@pytest.fixture
def audit(world, as_user):
    """Both audits submitted: A says Good throughout, B says Requires improvement for voice only."""
    audit = month_sampled_by(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(3, voice_grade="2"))
    return reload(audit)


def test_moderator_sees_both_side_by_side_with_disagreement_marked(audit, as_user):
    page = as_user(audit.moderator).get(f"/audits/{audit.id}/moderate").get_data(as_text=True)
    assert page.count("The auditors agree.") == 6
    assert "Grades 1 step apart, on different sides of the line between Good and Requires improvement" in page


def test_rationale_required_where_auditors_disagree(audit, as_user):
    moderator = as_user(audit.moderator)
    response = moderator.post(f"/audits/{audit.id}/moderate", data=moderation_data(3))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in page
    assert 'href="#voice_rationale">Enter the rationale for voice of the child' in page
    assert "assessment_rationale\">" not in page.split("There is a problem")[1].split("</ul>")[0]
    audit = reload(audit)
    assert audit.signed_off_at is None

    response = moderator.post(f"/audits/{audit.id}/moderate",
                              data=moderation_data(3, {"voice": "Direct work is recorded"}))
    assert response.status_code == 302
    audit = reload(audit)
    assert audit.signed_off_at is not None
    assert audit.moderated_grade("voice").rationale == "Direct work is recorded"


def test_key_issues_and_feedback_needed_for_sign_off(audit, as_user):
    data = moderation_data(3, {"voice": "Agreed"})
    del data["key_issues_b"]
    data["feedback_a"] = " "
    page = as_user(audit.moderator).post(f"/audits/{audit.id}/moderate", data=data).get_data(as_text=True)
    assert 'href="#key_issues_b">Select whether auditor B identified the key issues' in page
    assert 'href="#feedback_a">Enter feedback for auditor A' in page
    assert reload(audit).signed_off_at is None


def test_rationale_required_where_final_grade_differs_from_both(audit, as_user):
    grades = dict.fromkeys(JUDGEMENTS, 3) | {"plan": 1}
    response = as_user(audit.moderator).post(f"/audits/{audit.id}/moderate",
                                             data=moderation_data(grades, {"voice": "Because"}))
    assert 'href="#plan_rationale"' in response.get_data(as_text=True)
    assert reload(audit).signed_off_at is None


def test_draft_moderation_saves_without_everything(audit, as_user):
    response = as_user(audit.moderator).post(f"/audits/{audit.id}/moderate",
                                             data={"voice_grade": "2", "save": "x"})
    assert response.status_code == 302
    audit = reload(audit)
    assert audit.moderated_grade("voice").grade == 2 and audit.signed_off_at is None


def test_auditors_and_others_cannot_post_moderation(audit, as_user, world):
    for person in (audit.auditor_a, audit.auditor_b, world.qa_lead):
        response = as_user(person).post(f"/audits/{audit.id}/moderate",
                                        data=moderation_data(3, {"voice": "x"}))
        assert response.status_code == 403
    assert reload(audit).moderated_grades == []


def test_no_moderation_before_both_audits_are_in(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    assert as_user(audit.moderator).get(f"/audits/{audit.id}/moderate").status_code == 403


def test_sign_off_locks_the_audit(audit, as_user):
    moderator = as_user(audit.moderator)
    moderator.post(f"/audits/{audit.id}/moderate", data=moderation_data(3, {"voice": "Agreed"}))
    response = moderator.post(f"/audits/{audit.id}/moderate", data=moderation_data(1, dict.fromkeys(JUDGEMENTS, "x")))
    assert response.status_code == 403
    audit = reload(audit)
    assert {g.grade for g in audit.moderated_grades} == {3}
    for role, voice in (("A", 3), ("B", 2)):
        response = as_user(audit.auditor(role)).post(f"/audits/{audit.id}/review/{role}", data=review_data(1))
        assert response.status_code == 403
        assert reload(audit).review(role).grade_value("voice") == voice
    assert events(audit)[-1].action == history.SIGNED_OFF


def test_only_the_qa_lead_reopens_with_a_reason(audit, as_user, world):
    as_user(audit.moderator).post(f"/audits/{audit.id}/moderate", data=moderation_data(3, {"voice": "Agreed"}))
    assert as_user(audit.moderator).post(f"/audits/{audit.id}/reopen", data={"reason": "x"}).status_code == 403
    qa = as_user(world.qa_lead)
    response = qa.post(f"/audits/{audit.id}/reopen", data={"reason": "  "})
    assert "Enter the reason for reopening the audit" in response.get_data(as_text=True)
    assert reload(audit).signed_off_at is not None
    assert qa.post(f"/audits/{audit.id}/reopen", data={"reason": "Grade for plan mis-keyed"}).status_code == 302
    audit = reload(audit)
    assert audit.signed_off_at is None
    assert events(audit)[-1].after == "Grade for plan mis-keyed"
    # The moderator can correct it and sign off again.
    as_user(audit.moderator).post(f"/audits/{audit.id}/moderate", data=moderation_data(3, {"voice": "Agreed"}))
    assert reload(audit).signed_off_at is not None


def test_open_safeguarding_concern_blocks_sign_off_until_acknowledged(audit, as_user, world):
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/concerns/new", data={"details": "Bruising seen at visit"})
    concern = reload(audit).open_concerns[0]
    moderator = as_user(audit.moderator)
    data = moderation_data(3, {"voice": "Agreed"})
    page = moderator.post(f"/audits/{audit.id}/moderate", data=data).get_data(as_text=True)
    assert "cannot be signed off while an immediate safeguarding concern is open" in page
    assert reload(audit).signed_off_at is None

    # An auditor cannot record the response; the moderator (or QA lead) can.
    assert as_user(audit.auditor_a).post(f"/concerns/{concern.id}/acknowledge",
                                         data={"response": "x"}).status_code == 403
    response = moderator.post(f"/concerns/{concern.id}/acknowledge", data={"response": ""})
    assert "Say what was done in response to the concern" in response.get_data(as_text=True)
    moderator.post(f"/concerns/{concern.id}/acknowledge", data={"response": "Strategy discussion held"})
    assert moderator.post(f"/audits/{audit.id}/moderate", data=data).status_code == 302
    audit = reload(audit)
    assert audit.signed_off_at is not None and audit.concerns[0].response == "Strategy discussion held"


def test_moderated_grades_recorded_in_history(audit, as_user):
    as_user(audit.moderator).post(f"/audits/{audit.id}/moderate", data=moderation_data(3, {"voice": "Agreed"}))
    saved = [e for e in events(audit) if e.action == history.MODERATED_GRADE_SAVED]
    assert len(saved) == len(JUDGEMENTS) and all(e.user_id == audit.moderator_id for e in saved)
    assert len(DOMAINS) == 6


def test_each_auditor_reads_only_the_feedback_meant_for_them(world, as_user):
    from builders import sampled_month, signed_off_audit

    from auditapp.extensions import db as database
    audit = signed_off_audit(sampled_month("2026-11", per_team=1)[0])
    database.session.commit()
    b_page = as_user(audit.auditor_b).get(f"/audits/{audit.id}").get_data(as_text=True)
    a_page = as_user(audit.auditor_a).get(f"/audits/{audit.id}").get_data(as_text=True)
    # builders: "Well evidenced" to A, "Look harder at impact" to B
    assert "Look harder at impact" in b_page and "Well evidenced" not in b_page
    assert "Well evidenced" in a_page and "Look harder at impact" not in a_page
    qa_page = as_user(world.qa_lead).get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Well evidenced" in qa_page and "Look harder at impact" in qa_page


def test_auditors_find_their_finished_audits_on_their_start_page(world, as_user):
    from builders import sampled_month, signed_off_audit

    from auditapp.extensions import db as database
    audit = signed_off_audit(sampled_month("2026-11", per_team=1)[0])
    database.session.commit()
    home = as_user(audit.auditor_b).get("/").get_data(as_text=True)
    assert "Your finished audits" in home and f"Case {audit.case.reference}" in home
    assert f"Case {audit.case.reference}" in as_user(audit.auditor_b).get("/my/finished").get_data(as_text=True)


def test_the_moderation_page_shows_the_grade_descriptors(world, as_user, app):
    from builders import ready_for_moderation, sampled_month

    from auditapp.extensions import db as database
    audit = ready_for_moderation(sampled_month("2026-11", per_team=1)[0])
    database.session.commit()
    page = as_user(audit.moderator).get(f"/audits/{audit.id}/moderate").get_data(as_text=True)
    first_line = next(iter(app.config["DESCRIPTORS"]["voice"].indicators.values()))[0]
    assert "Grade descriptors for voice of the child" in page and first_line in page


def test_a_refused_sign_off_keeps_everything_typed_and_says_what_to_do_and_where(world, as_user):
    from builders import draft_review, in_full, proposed_action, submitted_review
    audit = month_sampled_by(world.qa_lead)[0]
    draft_review(audit, "A")
    proposal = proposed_action(audit, "A", in_full(audit).auditor_a, "Speak with the father about the plan")
    submitted_review(audit, "A")
    submitted_review(audit, "B", 2)
    db.session.commit()
    audit = in_full(audit)
    moderator = as_user(audit.moderator)
    data = moderation_data(2, dict.fromkeys(JUDGEMENTS, "Typed rationale: B's evidence is stronger"))
    data |= {"feedback_a": "Typed feedback for A", "key_issues_a": "partly"}
    page = moderator.post(f"/audits/{audit.id}/moderate", data=data).get_data(as_text=True)
    # Refused, with what to do and a link straight to it.
    assert "Confirm or remove the 1 proposed action listed under Actions to decide" in page
    assert f"/actions/{proposal.id}/edit?from=moderation" in page and "Speak with the father about the plan" in page
    # Everything typed is on the page, and saved as a draft.
    assert page.count("Typed rationale: B&#39;s evidence is stronger") == len(JUDGEMENTS)
    assert "Typed feedback for A" in page and "saved as a draft" in page
    fresh()
    saved = in_full(audit)
    assert saved.signed_off_at is None and saved.feedback_a == "Typed feedback for A" and saved.key_issues_a == "partly"
    assert {g.rationale for g in saved.moderated_grades} == {"Typed rationale: B's evidence is stronger"}
    # Confirming the action from there returns to the moderation, which still has it all.
    confirm = moderator.get(f"/actions/{proposal.id}/edit?from=moderation").get_data(as_text=True)
    assert "Speak with the father" in confirm
    fresh()
    from auditapp.models import Action
    action = db.session.get(Action, proposal.id)
    response = moderator.post(f"/actions/{proposal.id}/edit?from=moderation", data={
        "version": str(action.version), "description": action.description, "owner": str(action.owner_id),
        "priority": action.priority, "due": action.due.strftime("%d/%m/%Y"), "confirm": "x"})
    assert response.status_code == 302 and f"/audits/{audit.id}/moderate" in response.headers["Location"]
    again = moderator.get(f"/audits/{audit.id}/moderate").get_data(as_text=True)
    assert "Typed feedback for A" in again and "Actions to decide" not in again
    assert moderator.post(f"/audits/{audit.id}/moderate",
                          data={**data, "version": str(in_full(audit).moderation_version)}).status_code == 302
    fresh()
    assert in_full(audit).signed_off_at is not None
