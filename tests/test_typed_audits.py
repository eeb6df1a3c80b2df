"""Audits of a type (issue 24): started by choosing a published type, each question asked and checked
by its kind, answers stored canonically, the version pinned, the three courses (a single audit is
signed off on submission; a single audit with review is agreed or returned by its senior manager;
blind review holds for each), and the family's refused consent ending an audit with nothing stored."""

import re
from datetime import timedelta

from builders import in_full, typed_audit, typed_review_data, waiting_for_review
from sqlalchemy import func, select

from auditapp import history
from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.framework.type_content import Design, Question
from auditapp.models import Audit, AuditType, AuditTypeVersion, Cycle, Event, Review, ReviewAnswer, SentMessage
from auditapp.outbox import notices
from auditapp.permissions import SYSTEM

ALL_MET = {f"extra_{n}": "yes" for n in range(1, 7)}


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="(\d*)"', page).group(1)


def opened(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    return {"version": hidden(page, "version"), "seen": hidden(page, "seen")}


def answers_of(audit: Audit) -> dict[int, str | None]:
    return {a.number: a.answer for a in db.session.scalars(
        select(ReviewAnswer).join(Review, Review.id == ReviewAnswer.review_id).where(Review.audit_id == audit.id))}


def test_the_qa_lead_starts_an_audit_by_choosing_a_published_type(world, as_user):
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    qa = as_user(world.qa_lead)
    page = qa.get("/targeted/new").get_data(as_text=True)
    assert "Case-file compliance check" in page and "Single audit, version 1" in page
    kind = db.session.scalars(select(AuditType).where(AuditType.name == "Case-file compliance check")).one()
    version = audit_types.latest(kind.id)
    response = qa.post("/targeted/new", data={"audit_type": str(version.id), "title": "Files in Early Help"})
    assert response.status_code == 302
    cycle = db.session.scalars(select(Cycle).where(Cycle.title == "Files in Early Help")).one()
    assert (cycle.type_version_id, cycle.course, cycle.domain_keys) == (version.id, "single", [])
    assert qa.post(f"/targeted/{cycle.id}", data={"references": world.cases[0].reference}).status_code == 302
    shown = qa.get(f"/targeted/{cycle.id}").get_data(as_text=True)
    assert "Case-file compliance check, version 1" in shown and "Genogram" in shown.replace("genogram", "Genogram")
    # A retired type is no longer offered.
    audit_types.retire(SYSTEM, db.session.get(AuditType, kind.id))
    db.session.commit()
    assert "Case-file compliance check" not in qa.get("/targeted/new").get_data(as_text=True)
    assert qa.post("/targeted/new", data={"audit_type": str(version.id), "title": "Again"}).status_code == 400


def test_a_single_audit_asks_each_item_by_kind_and_is_signed_off_on_submission(world, as_user):
    audit = typed_audit(world, "Case-file compliance check")
    a, b = as_user(audit.auditor_a), as_user(audit.auditor_b)
    # No actions are proposed on it: no moderation follows to confirm them.
    assert "Propose actions" not in b.get(f"/audits/{audit.id}/review/B").get_data(as_text=True)
    assert b.post(f"/audits/{audit.id}/actions/new", data={"description": "x"}).status_code in (403, 404)
    # The case-responsible manager does not audit it, and has nothing to do.
    assert a.get(f"/audits/{audit.id}/review/A").status_code == 404
    assert audit.case.reference not in a.get("/my/to-do").get_data(as_text=True)
    assert audit.case.reference in b.get("/my/to-do").get_data(as_text=True)
    url = f"/audits/{audit.id}/review/B"
    form = b.get(url).get_data(as_text=True)
    assert 'value="not applicable"' in form and "Visits within timescale" in form
    # A draft may be partial; a submission needs every required item.
    assert b.post(url, data=typed_review_data({"extra_1": "yes"}) | opened(b, url)).status_code == 302
    page = b.post(url, data=typed_review_data({"extra_1": "yes"}, submit=True) | opened(b, url)).get_data(as_text=True)
    assert "Answer question 2: An up-to-date plan" in page and 'href="#extra_2"' in page
    answers = ALL_MET | {"extra_4": "no", "extra_5": "not applicable"}
    assert b.post(url, data=typed_review_data(answers, submit=True) | opened(b, url)).status_code == 302
    audit = in_full(audit)
    assert audit.signed_off_at is not None and audit.signed_off_by_id == audit.auditor_b_id
    assert answers_of(audit) == {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "not applicable", 6: "yes", 7: None}
    shown = as_user(world.qa_lead).get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Signed off" in shown and "80%" in shown  # 4 of the 5 that apply
    assert db.session.scalar(select(func.count(Event.id)).where(Event.audit_id == audit.id,
                                                                Event.action == history.SIGNED_OFF)) == 1


def test_answers_are_checked_by_kind_and_stored_canonically(world, as_user):
    audit = typed_audit(world, "Practice observation")
    b = as_user(audit.auditor_b)
    url = f"/audits/{audit.id}/review/B"
    bad = {"consent": "given", "extra_1_day": "31", "extra_1_month": "2", "extra_1_year": "2026",
           "extra_2": "Typed observation", "extra_3": "not-a-grade"}
    assert b.post(url, data=typed_review_data(bad) | opened(b, url)).status_code == 400  # a grade never offered
    good = bad | {"extra_3": "good"}
    page = b.post(url, data=typed_review_data(good) | opened(b, url)).get_data(as_text=True)
    assert "Enter a real date for question 1" in page and 'href="#extra_1_day"' in page
    assert "Typed observation" in page  # kept
    assert answers_of(audit) == {} and in_full(audit).consent is None  # nothing saved, consent included
    fixed = good | {"extra_1_day": "27", "extra_1_month": "11"}
    assert b.post(url, data=typed_review_data(fixed) | opened(b, url)).status_code == 302
    assert answers_of(audit)[1] == "2026-11-27" and answers_of(audit)[3] == "good"
    assert in_full(audit).consent == "given"
    form = b.get(url).get_data(as_text=True)
    assert 'name="consent"' not in form and 'value="27"' in form  # consent asked once; the date shown back


def test_numbers_are_refused_unless_they_are_numbers(world, as_user):
    kind = audit_types.create(SYSTEM, "Visits count", "", "single")
    row = audit_types.start_draft(SYSTEM, kind)
    audit_types.save_draft(SYSTEM, row, Design("single", "Visits count", questions=(
        Question(1, "number", "How many visits in six months?"),)))
    audit_types.publish(SYSTEM, kind, row, "First")
    db.session.commit()
    audit = typed_audit(world, "Visits count")
    b = as_user(audit.auditor_b)
    url = f"/audits/{audit.id}/review/B"
    page = b.post(url, data=typed_review_data({"extra_1": "six"}) | opened(b, url)).get_data(as_text=True)
    assert "Enter a number for question 1" in page and 'value="six"' in page
    assert b.post(url, data=typed_review_data({"extra_1": "6.50"}) | opened(b, url)).status_code == 302
    assert answers_of(audit) == {1: "6.5"}


def test_an_audit_keeps_the_version_it_was_started_with(world, as_user):
    audit = typed_audit(world, "Case-file compliance check")
    kind = db.session.scalars(select(AuditType).where(AuditType.name == "Case-file compliance check")).one()
    row = audit_types.start_draft(SYSTEM, kind)
    changed = audit_types.design(row)
    audit_types.save_draft(SYSTEM, row, Design(changed.course, changed.name, changed.purpose, questions=(
        Question(1, "yes no", "A brand new item"),)))
    audit_types.publish(SYSTEM, kind, row, "One item only")
    db.session.commit()
    form = as_user(audit.auditor_b).get(f"/audits/{audit.id}/review/B").get_data(as_text=True)
    assert "A genogram" in form and "A brand new item" not in form


def test_a_single_audit_with_review_is_returned_with_a_note_then_agreed(world, as_user):
    audit = typed_audit(world, "Supervision-record audit")
    b, senior = as_user(audit.auditor_b), as_user(audit.moderator)
    url = f"/audits/{audit.id}/review/B"
    answers = {f"extra_{n}": "good" for n in range(1, 6)} | {"extra_6": "Monthly group supervision"}
    assert b.post(url, data=typed_review_data(answers) | opened(b, url)).status_code == 302
    # Blind: until it is submitted, nobody else reads it, the reviewer included.
    for reader in (senior, as_user(world.qa_lead)):
        assert "Monthly group supervision" not in reader.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert senior.get(f"/audits/{audit.id}/single-review").status_code == 302  # not waiting yet
    assert b.post(url, data=typed_review_data(answers, submit=True) | opened(b, url)).status_code == 302
    assert in_full(audit).signed_off_at is None
    assert audit.case.reference in senior.get("/my/moderation").get_data(as_text=True)
    assert senior.get(f"/audits/{audit.id}/moderate").headers["Location"].endswith(f"/audits/{audit.id}/single-review")
    review_url = f"/audits/{audit.id}/single-review"
    page = senior.get(review_url).get_data(as_text=True)
    assert "Monthly group supervision" in page
    refused = senior.post(review_url, data={"decision": "return", "note": ""} | opened(senior, review_url))
    assert "Say what the auditor should look at again" in refused.get_data(as_text=True)
    note = "Drift: the records show a gap in the summer"
    assert senior.post(review_url, data={"decision": "return", "note": note}
                       | opened(senior, review_url)).status_code == 302
    audit = in_full(audit)
    assert audit.return_note == note and audit.review("B").submitted_at is None and audit.signed_off_at is None
    form = b.get(url).get_data(as_text=True)
    assert "Returned by the senior manager" in form and note in form
    assert b.post(url, data=typed_review_data(answers | {"extra_5": "requires_improvement"}, submit=True)
                  | opened(b, url)).status_code == 302
    assert senior.post(review_url, data={"decision": "agree", "note": ""}
                       | opened(senior, review_url)).status_code == 302
    audit = in_full(audit)
    assert audit.signed_off_at is not None and audit.signed_off_by_id == audit.moderator_id
    assert answers_of(audit)[5] == "requires_improvement"
    actions = [e.action for e in db.session.scalars(select(Event).where(Event.audit_id == audit.id))]
    assert history.RETURNED_TO_AUDITOR in actions and history.SIGNED_OFF in actions


def test_refused_consent_ends_the_audit_with_nothing_else_stored(world, as_user):
    audit = typed_audit(world, "Practice observation")
    b = as_user(audit.auditor_b)
    url = f"/audits/{audit.id}/review/B"
    form = b.get(url).get_data(as_text=True)
    assert form.index('name="consent"') < form.index('name="extra_1_day"')  # asked before anything else
    typed = {"consent": "refused", "extra_2": "Observed a home visit", "extra_4": "Mother was unhappy"}
    response = b.post(url, data=typed_review_data(typed) | opened(b, url))
    assert response.status_code == 302
    audit = in_full(audit)
    assert audit.consent == "refused" and audit.signed_off_at is not None
    assert db.session.scalar(select(func.count(Review.id)).where(Review.audit_id == audit.id)) == 0
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 0
    assert not any("Observed a home visit" in (e.after or "") for e in db.session.scalars(select(Event)))
    assert b.get(url).status_code in (302, 403)  # ended: nothing more to write
    qa = as_user(world.qa_lead)
    assert "Ended: consent refused" in qa.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Ended: consent refused" in qa.get(f"/targeted/{audit.cycle_id}").get_data(as_text=True)
    # Saying nothing about consent is refused, keeping the typing.
    other = typed_audit(world, "Practice observation", case_index=1)
    c = as_user(other.auditor_b)
    url = f"/audits/{other.id}/review/B"
    page = c.post(url, data=typed_review_data({"extra_2": "Typed first"}) | opened(c, url)).get_data(as_text=True)
    assert "Say whether the family gave their consent" in page and "Typed first" in page


def test_the_case_responsible_manager_is_neither_told_nor_chased_for_a_single_audit(world):
    audit = typed_audit(world, "Case-file compliance check")
    told = set(db.session.scalars(select(SentMessage.user_id).where(SentMessage.audit_id == audit.id)))
    assert audit.auditor_b_id in told and audit.auditor_a_id not in told
    late = audit.auditor_due + timedelta(days=7)
    notices.daily(late if late.weekday() < 5 else late + timedelta(days=7 - late.weekday()))
    chased = set(db.session.scalars(select(SentMessage.user_id).where(SentMessage.audit_id == audit.id,
                                                                      SentMessage.key.like("overdue:%"))))
    assert chased == {audit.auditor_b_id}
    assert not in_full(audit).is_late("A", late) and in_full(audit).is_late("B", late)


def test_a_decision_from_a_stale_tab_changes_nothing(world, as_user):
    audit = waiting_for_review(world)
    url = f"/audits/{audit.id}/single-review"
    first, second = as_user(audit.moderator), as_user(audit.moderator)
    first_tab, second_tab = opened(first, url), opened(second, url)
    assert second.post(url, data={"decision": "return", "note": "Look at drift"} | second_tab).status_code == 302
    # Returned in the other tab, the audit is back with its auditor: agreeing from the first is refused.
    assert first.post(url, data={"decision": "agree", "note": "Typed in the first tab"} | first_tab).status_code == 403
    assert in_full(audit).signed_off_at is None and in_full(audit).return_note == "Look at drift"


def test_a_blind_dual_type_keeps_each_auditors_answers_blind_until_both_submit(world, as_user):
    from builders import review_data
    kind = audit_types.create(SYSTEM, "Neglect thematic", "", "blind dual")
    row = audit_types.start_draft(SYSTEM, kind)
    audit_types.save_draft(SYSTEM, row, Design("blind dual", "Neglect thematic", domains=("plan",), questions=(
        Question(1, "grade", "Use of the neglect toolkit", descriptors={
            "outstanding": "Shapes the plan", "good": "Used", "requires_improvement": "Partly", "inadequate": "No"}),
        Question(2, "text", "What did the toolkit show?"))))
    audit_types.publish(SYSTEM, kind, row, "First")
    db.session.commit()
    audit = typed_audit(world, "Neglect thematic")
    a, b = as_user(audit.auditor_a), as_user(audit.auditor_b)
    data = review_data({"plan": 3}, submit=True) | {"extra_1": "requires_improvement", "extra_2": "A's own reading"}
    url_a = f"/audits/{audit.id}/review/A"
    assert a.post(url_a, data=data | opened(a, url_a)).status_code == 302
    for reader in (b, as_user(audit.moderator)):
        page = reader.get(f"/audits/{audit.id}").get_data(as_text=True)
        assert "A&#39;s own reading" not in page and "A's own reading" not in page
    url_b = f"/audits/{audit.id}/review/B"
    assert b.post(url_b, data=review_data({"plan": 2}, submit=True) | {"extra_1": "good", "extra_2": "B's view"}
                  | opened(b, url_b)).status_code == 302
    page = b.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "A&#39;s own reading" in page and "Requires improvement" in page
    assert in_full(audit).both_submitted and in_full(audit).signed_off_at is None  # moderation next, as ever


def test_the_qa_leads_lists_count_single_audits_by_their_own_states(world, as_user):
    waiting = waiting_for_review(world)
    refused = typed_audit(world, "Practice observation", case_index=1)
    from auditapp.audits import single
    single.record_consent(in_full(refused).auditor_b, in_full(refused), "B", "refused")
    db.session.commit()
    qa = as_user(world.qa_lead)
    page = qa.get(f"/targeted/{waiting.cycle_id}").get_data(as_text=True)
    assert re.search(r"Waiting for the senior manager&#39;s review</dt>\s*<dd[^>]*>1<", page)
    page = qa.get(f"/targeted/{refused.cycle_id}").get_data(as_text=True)
    assert re.search(r"Ended: consent refused</dt>\s*<dd[^>]*>1<", page)
    assert re.search(r"Moderated</dt>\s*<dd[^>]*>0<", page)  # ended, never counted as moderated


def test_changing_a_targeted_audits_own_questions_publishes_its_types_next_version(world, as_user):
    qa = as_user(world.qa_lead)
    qa.post("/targeted/new", data={"title": "Neglect", "domains": ["plan"], "questions": "Toolkit used?"})
    cycle = db.session.scalars(select(Cycle).where(Cycle.title == "Neglect")).one()
    first = cycle.type_version_id
    url = f"/targeted/{cycle.id}/change"
    page = qa.get(url).get_data(as_text=True)
    assert qa.post(url, data={"title": "Neglect", "domains": ["plan", "voice"], "questions": "Toolkit scored?",
                              "version": hidden(page, "version")}).status_code == 302
    db.session.expire_all()
    cycle = db.session.get(Cycle, cycle.id)
    type_id = db.session.get(AuditTypeVersion, first).audit_type_id
    newest = audit_types.latest(type_id)
    assert cycle.type_version_id == newest.id and newest.number == 2
    assert [q.text for q in audit_types.design(newest).questions] == ["Toolkit scored?"]
    assert cycle.domain_keys == ["voice", "plan"]
    assert audit_types.numbered(type_id, 1).content["questions"][0]["text"] == "Toolkit used?"  # never changes
    # A targeted audit of a shared type changes only with the type.
    shared = typed_audit(world, "Case-file compliance check")
    page = qa.get(f"/targeted/{shared.cycle_id}/change").get_data(as_text=True)
    assert "It follows the audit type Case-file compliance check" in page


def test_the_figures_chase_only_auditor_b_on_a_single_audit_and_name_its_state(world, as_user):
    """The targeted summary's facts follow the audit's own rule: the case manager is never late on
    a single audit, and a signed-off single audit is "Signed off", not "Moderated"."""
    from auditapp.reports.facts import Scope, load_facts
    audit = typed_audit(world, "Case-file compliance check")
    late_day = audit.auditor_due + timedelta(days=1)
    (facts,) = load_facts(Scope((), cycle_id=audit.cycle_id), late_day)
    assert (facts.late_roles, facts.overdue, facts.status) == (frozenset("B"), True, "Allocated")
    assert (audit.is_late("A", late_day), audit.is_late("B", late_day)) == (False, True)
    b = as_user(audit.auditor_b)
    url = f"/audits/{audit.id}/review/B"
    assert b.post(url, data=typed_review_data(ALL_MET, submit=True) | opened(b, url)).status_code == 302
    (facts,) = load_facts(Scope((), cycle_id=audit.cycle_id), late_day)
    assert (facts.late_roles, facts.overdue, facts.status) == (frozenset(), False, "Signed off")
    assert in_full(audit).status == "Signed off"


def test_no_theme_is_tagged_on_an_observation_before_the_familys_consent(world, as_user):
    from auditapp.findings import themes
    from auditapp.models import ThemeTag
    audit = typed_audit(world, "Practice observation")
    theme = themes.add_theme(SYSTEM, "Drift and delay")
    db.session.commit()
    b = as_user(audit.auditor_b)
    url = f"/audits/{audit.id}/themes/B"
    response = b.get(url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/audits/{audit.id}/review/B")
    assert "Record the family&#39;s consent on the audit form first" in b.get(
        response.headers["Location"]).get_data(as_text=True)
    b.post(url, data={"worry": [str(theme.id)], "submit": "x", "version": "0"})
    assert db.session.scalar(select(func.count(ThemeTag.id))) == 0
    # Once consent is given, themes are tagged as on any audit.
    form = f"/audits/{audit.id}/review/B"
    assert b.post(form, data=typed_review_data({"consent": "given"}) | opened(b, form)).status_code == 302
    assert b.get(url).status_code == 200
