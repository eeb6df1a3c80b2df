"""Families' voices (issue 12): attempts, outcome and feedback, recorded by auditor B, blind until
both auditors submit, shown to the moderator beside the two audits, counted in the summary."""

from builders import in_full, ready_for_moderation, sampled_month
from sqlalchemy import select

from auditapp.extensions import db
from auditapp.models import FamilyAnswer, FamilyContact, FamilyFeedback


def one_audit():
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    return in_full(audit)


def attempt(client, audit, day="18/11/2026", who="parent", method="phone"):
    return client.post(f"/audits/{audit.id}/family", data={"attempted_on": day, "who": who, "method": method})


FEEDBACK = {"version": "0", "outcome": "gave_feedback",
            "parent_understood": "3", "parent_understood_words": "They explained it at the first visit",
            "parent_listened": "4", "parent_listened_words": "", "parent_better": "2", "parent_better_words": "",
            "parent_change_words": "Fewer changes of worker",
            "child_understood": "", "child_understood_words": "", "child_listened": "2",
            "child_listened_words": "She talked to me on my own", "child_better": "", "child_better_words": "",
            "child_change_words": ""}


def test_auditor_b_records_attempts_and_feedback_with_the_childs_words_apart(world, as_user):
    audit = one_audit()
    b = as_user(audit.auditor_b)
    assert attempt(b, audit).status_code == 302
    assert attempt(b, audit, "19/11/2026", "child", "visit").status_code == 302
    assert b.post(f"/audits/{audit.id}/family/feedback", data=FEEDBACK).status_code == 302
    answers = {a.respondent: a for a in db.session.scalars(select(FamilyAnswer))}
    assert answers["parent"].understood == 3 and answers["parent"].change_words == "Fewer changes of worker"
    assert answers["child"].listened == 2 and answers["child"].listened_words == "She talked to me on my own"
    assert answers["child"].understood is None
    assert db.session.scalar(select(FamilyFeedback.outcome)) == "gave_feedback"


def test_family_work_is_blind_until_both_submit_then_the_moderator_sees_it_beside_the_audits(world, as_user):
    audit = one_audit()
    b = as_user(audit.auditor_b)
    attempt(b, audit)
    b.post(f"/audits/{audit.id}/family/feedback", data=FEEDBACK)
    assert "They explained it at the first visit" in b.get(f"/audits/{audit.id}").get_data(as_text=True)
    a_page = as_user(audit.auditor_a).get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "They explained it" not in a_page and "The family's feedback" not in a_page
    assert "Family contact attempted" not in a_page  # the history is blind too
    ready_for_moderation(audit)
    db.session.commit()
    assert "They explained it" in as_user(audit.auditor_a).get(f"/audits/{audit.id}").get_data(as_text=True)
    moderation = as_user(audit.moderator).get(f"/audits/{audit.id}/moderate").get_data(as_text=True)
    assert "They explained it at the first visit" in moderation


def test_only_the_auditor_given_the_task_records_it(world, as_user):
    audit = one_audit()
    assert attempt(as_user(audit.auditor_a), audit).status_code == 404  # may not learn B's task exists
    assert attempt(as_user(world.qa_lead), audit).status_code == 403
    assert db.session.scalar(select(FamilyContact.id)) is None


def test_outcomes_need_what_makes_them_true(world, as_user):
    audit = one_audit()
    b = as_user(audit.auditor_b)
    page = b.post(f"/audits/{audit.id}/family/feedback",
                  data={**FEEDBACK, "outcome": "declined"}).get_data(as_text=True)
    assert "Record the attempts to reach the family first" in page
    page = b.post(f"/audits/{audit.id}/family/feedback", data={
        "version": "0", "outcome": "not_contacted"}).get_data(as_text=True)
    assert "Say why the family was not contacted" in page
    assert b.post(f"/audits/{audit.id}/family/feedback", data={
        "version": "0", "outcome": "not_contacted",
        "not_contacted_reason": "Contact could put the child at risk"}).status_code == 302
    attempt(b, audit)
    page = b.post(f"/audits/{audit.id}/family/feedback", data={
        "version": "1", "outcome": "gave_feedback"}).get_data(as_text=True)
    assert "Record what the parent or the child said" in page
    page = attempt(b, audit, day="1/1/2099").get_data(as_text=True)
    assert "must be today or earlier" in page


def test_the_summary_counts_families_only_once_both_audits_are_in(world, as_user):
    import io

    from openpyxl import load_workbook
    audits = sampled_month("2026-11", per_team=1)
    db.session.commit()
    audit = in_full(audits[0])
    b = as_user(audit.auditor_b)
    attempt(b, audit)
    b.post(f"/audits/{audit.id}/family/feedback", data=FEEDBACK)
    leader = as_user(world.leader)
    assert ("No audit of November 2026 has both auditors' work in yet"
            in leader.get("/reports/?month=2026-11").get_data(as_text=True))
    ready_for_moderation(audit)
    db.session.commit()
    page = leader.get("/reports/?month=2026-11").get_data(as_text=True)
    # One family is too few to judge a rate or an average by: the page says so, the workbook has the figures.
    assert "Families who gave feedback</dt><dd class=\"govuk-summary-list__value\">Too few to judge (n=1)" in page
    behind = as_user(world.qa_lead).get(
        "/reports/audits?which=family:gave_feedback&month=2026-11").get_data(as_text=True)
    assert "Families: gave feedback: 1" in behind and audit.case.reference in behind
    book = load_workbook(io.BytesIO(as_user(world.qa_lead).get("/reports/2026-11.xlsx").data))
    sheet = book["Family feedback"]
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]]))
    assert row["Case reference"] == audit.case.reference and row["Outcome"] == "Gave feedback"
    assert row["Child or young person: Did your worker listen to you? (their words)"] == \
        "She talked to me on my own"
    assert row["Parent or carer: Did you understand why we were involved?"] == "Mostly"
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=3) if r[0].value}
    assert summary["% Families contacted"] == 1
