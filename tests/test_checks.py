"""Check your answers before what cannot be undone: the form saves a draft and shows every answer
with a link back to change it; only confirming there submits the audit or signs it off."""

from builders import fresh, in_full, month_sampled_by, review_data
from sqlalchemy import select
from test_moderation import moderation_data

from auditapp.extensions import db
from auditapp.grading import JUDGEMENTS
from auditapp.models import Review


def test_an_auditor_checks_every_answer_then_submits(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    a = as_user(audit.auditor_a)
    data = review_data(3, submit=False, voice_evidence="Seen alone twice")
    data["check"] = "x"
    incomplete = a.post(f"/audits/{audit.id}/review/A", data={**data, "plan_impact": ""}).get_data(as_text=True)
    assert "<title>Error: " in incomplete and "Seen alone twice" in incomplete
    response = a.post(f"/audits/{audit.id}/review/A", data=data)
    assert response.headers["Location"].endswith(f"/audits/{audit.id}/review/A/check")
    fresh()
    review = db.session.scalar(select(Review).where(Review.audit_id == audit.id))
    assert review.submitted_at is None  # a draft until confirmed
    check = a.get(f"/audits/{audit.id}/review/A/check").get_data(as_text=True)
    assert "Check your answers before submitting" in check and "Seen alone twice" in check
    assert f'href="/audits/{audit.id}/review/A#voice_evidence"' in check and check.count(">Change<") >= 22
    done = a.post(f"/audits/{audit.id}/review/A/check", data={"version": str(review.version), "confirm": "x"},
                  follow_redirects=True).get_data(as_text=True)
    assert "What happens next" in done
    fresh()
    assert db.session.get(Review, review.id).submitted_at is not None
    # The other auditor cannot reach someone else's check page.
    assert as_user(audit.auditor_b).get(f"/audits/{audit.id}/review/A/check").status_code == 404


def test_a_moderator_checks_the_moderation_then_signs_off(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(2))
    moderator = as_user(in_full(audit).moderator)
    data = moderation_data(2, dict.fromkeys(JUDGEMENTS, "B is better evidenced"), sign_off=False)
    data["check"] = "x"
    response = moderator.post(f"/audits/{audit.id}/moderate", data=data)
    assert response.headers["Location"].endswith(f"/audits/{audit.id}/moderate/check")
    fresh()
    assert in_full(audit).signed_off_at is None
    check = moderator.get(f"/audits/{audit.id}/moderate/check").get_data(as_text=True)
    assert "B is better evidenced" in check and f"/audits/{audit.id}/moderate#feedback_a" in check
    version = in_full(audit).moderation_version
    assert moderator.post(f"/audits/{audit.id}/moderate/check", data={"version": str(version),
                                                                      "confirm": "x"}).status_code == 302
    fresh()
    assert in_full(audit).signed_off_at is not None


def test_the_audit_form_says_what_else_is_the_auditors_part_and_links_to_it(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    form_b = as_user(audit.auditor_b).get(f"/audits/{audit.id}/review/B").get_data(as_text=True)
    assert f'href="/audits/{audit.id}/actions/new"' in form_b and f'href="/audits/{audit.id}/themes/B"' in form_b
    assert f'href="/audits/{audit.id}/family"' in form_b  # auditor B contacts the family, by default
    form_a = as_user(audit.auditor_a).get(f"/audits/{audit.id}/review/A").get_data(as_text=True)
    assert f'href="/audits/{audit.id}/themes/A"' in form_a and f'href="/audits/{audit.id}/family"' not in form_a
