"""The audit form and blind review, through HTTP requests and the database."""

import pytest
from builders import events, month_sampled_by, reload, review_data

from auditapp.models import Review


@pytest.fixture
def audit(world):
    return month_sampled_by(world.qa_lead)[0]


def test_draft_can_be_saved_with_parts_missing_and_is_shown_again(audit, as_user):
    a = as_user(audit.auditor_a)
    response = a.post(f"/audits/{audit.id}/review/A",
                      data={"voice_grade": "2", "voice_evidence": "Child not seen alone", "save": "x"})
    assert response.status_code == 302
    review = reload(audit).review("A")
    assert review.submitted_at is None and review.grade_value("voice") == 2
    page = a.get(f"/audits/{audit.id}/review/A").get_data(as_text=True)
    assert "Child not seen alone" in page
    assert 'value="2" checked' in page


def test_submitting_needs_every_part_and_keeps_what_was_typed(audit, as_user):
    a = as_user(audit.auditor_a)
    data = review_data(3)
    del data["plan_impact"], data["overall_grade"]
    data["voice_evidence"] = "Words I typed"
    response = a.post(f"/audits/{audit.id}/review/A", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert 'href="#plan_impact">Enter the impact on the child for quality of plan' in page
    assert 'href="#overall_grade">Select an overall grade' in page
    assert "Words I typed" in page
    assert reload(audit).review("A") is None  # nothing half-saved


def test_submitted_audit_is_read_only_to_everyone(audit, as_user):
    a = as_user(audit.auditor_a)
    assert a.post(f"/audits/{audit.id}/review/A", data=review_data(3)).status_code == 302
    submitted_at = reload(audit).review("A").submitted_at
    assert submitted_at is not None
    assert a.post(f"/audits/{audit.id}/review/A", data=review_data(1)).status_code == 403
    assert reload(audit).review("A").grade_value("voice") == 3
    response = a.get(f"/audits/{audit.id}/review/A")
    assert response.status_code == 302 and response.location.endswith(f"/audits/{audit.id}")
    page = a.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Continue your audit" not in page and "Start your audit" not in page


def test_blind_until_both_submitted(audit, as_user, world):
    a, b = as_user(audit.auditor_a), as_user(audit.auditor_b)
    secret = "Auditor A private evidence"
    a.post(f"/audits/{audit.id}/review/A", data=review_data(4, voice_evidence=secret))

    # B sees neither A's words nor A's grades, on the audit page, A's form URL, or the history.
    page = b.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert secret not in page and "Outstanding" not in page
    assert b.get(f"/audits/{audit.id}/review/A").status_code == 404
    assert b.post(f"/audits/{audit.id}/review/A", data=review_data(1)).status_code == 404

    # B's own draft is hidden from A in the same way.
    b.post(f"/audits/{audit.id}/review/B", data=review_data(1, submit=False, voice_evidence="B view"))
    page = a.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "B view" not in page and "Inadequate" not in page

    b.post(f"/audits/{audit.id}/review/B", data=review_data(1))
    for client in (a, b):
        page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
        assert secret in page and "B view" in page


def test_the_moderator_and_qa_lead_cannot_see_one_audit_early_either(audit, as_user, world):
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(4, voice_evidence="early words"))
    for person in (audit.moderator, world.qa_lead):
        assert "early words" not in as_user(person).get(f"/audits/{audit.id}").get_data(as_text=True)


def test_people_not_involved_get_404_for_an_audit(audit, as_user, world):
    outsider = next(u for team in world.auditors.values() for u in team
                    if u.id not in (audit.auditor_a_id, audit.auditor_b_id))
    client = as_user(outsider)
    assert client.get(f"/audits/{audit.id}").status_code == 404
    assert client.post(f"/audits/{audit.id}/review/A", data=review_data(3)).status_code == 404
    assert as_user(world.leader).get(f"/audits/{audit.id}").status_code == 404
    assert reload(audit).reviews == []


def test_a_grade_outside_the_four_is_refused_and_changes_nothing(audit, as_user):
    a = as_user(audit.auditor_a)
    response = a.post(f"/audits/{audit.id}/review/A", data=review_data(3, voice_grade="7"))
    assert response.status_code == 400 and "problem with that request" in response.get_data(as_text=True)
    assert a.post(f"/audits/{audit.id}/review/B", data=review_data(3)).status_code == 404
    assert reload(audit).reviews == []


def test_saving_records_each_changed_value_in_the_history(audit, as_user):
    a = as_user(audit.auditor_a)
    a.post(f"/audits/{audit.id}/review/A", data=review_data(3, submit=False))
    a.post(f"/audits/{audit.id}/review/A", data=review_data(3, voice_grade="2", submit=False))
    changes = [e for e in events(audit) if e.field == "Voice of the child in assessment and planning: grade"]
    assert [(e.before, e.after) for e in changes] == [(None, "Good"), ("Good", "Requires improvement")]
    assert all(e.user_id == audit.auditor_a_id and e.review_role == "A" for e in changes)


def test_audit_records_the_descriptor_version(audit, as_user, app):
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    assert reload(audit).review("A").descriptor_version == app.config["DESCRIPTOR_VERSION"]


def test_safeguarding_yes_needs_details_then_raises_a_concern(audit, as_user, world):
    a = as_user(audit.auditor_b)
    response = a.post(f"/audits/{audit.id}/review/B", data=review_data(3, safeguarding_concern="yes"))
    assert "Describe the immediate safeguarding concern" in response.get_data(as_text=True)
    assert reload(audit).concerns == []
    a.post(f"/audits/{audit.id}/review/B", data=review_data(
        3, safeguarding_concern="yes", safeguarding_details="Unchecked adult in the home", submit=False))
    assert [c.details for c in reload(audit).open_concerns] == ["Unchecked adult in the home"]
    # Shown at once, prominently, to the case-responsible manager and the QA lead.
    for person in (audit.auditor_a, world.qa_lead, audit.moderator):
        home = as_user(person).get("/").get_data(as_text=True)
        assert "Immediate safeguarding concerns" in home and audit.case.reference in home


def test_review_rows_are_unique_per_role(audit, as_user):
    a = as_user(audit.auditor_a)
    a.post(f"/audits/{audit.id}/review/A", data=review_data(3, submit=False))
    a.post(f"/audits/{audit.id}/review/A", data=review_data(2, submit=False))
    assert Review.query.filter_by(audit_id=audit.id).count() == 1


def test_activity_log_shows_who_did_what_but_not_unsubmitted_grades(audit, as_user, world):
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(4, voice_evidence="hidden words"))
    page = as_user(world.qa_lead).get("/people/activity").get_data(as_text=True)
    assert "Auditor A submitted" in page and "Allocated" in page and "Signed in" in page
    assert "hidden words" not in page and "Outstanding" not in page
    assert as_user(audit.auditor_a).get("/people/activity").status_code == 403


def test_the_error_summary_follows_the_page_top_to_bottom(world, as_user):
    from builders import month_sampled_by
    audit = month_sampled_by(world.qa_lead)[0]
    data = review_data(3)
    data["voice_evidence"] = ""
    data["working_well"] = ""
    page = as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=data).get_data(as_text=True)
    summary = page[page.index("govuk-error-summary__list"):]
    assert summary.index("#voice_evidence") < summary.index("#working_well")
