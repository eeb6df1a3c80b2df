"""Targeted audits (issue 12): hand-picked cases on one theme, the same two auditors and
moderation, only the chosen domains and questions of its own, reported apart from the sample."""

import io

import pytest
from builders import fresh, in_full, review_data, sampled_month
from openpyxl import load_workbook
from sqlalchemy import func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit, Cycle
from auditapp.months import month_label, month_of


def start(qa, questions="Was the arrangement assessed within 42 days?"):
    qa.post("/targeted/new", data={"title": "Private fostering arrangements", "domains": ["assessment", "plan"],
                                   "questions": questions})
    return db.session.scalar(select(Cycle).where(Cycle.kind == "targeted"))


def test_the_qa_lead_starts_one_and_adds_cases_all_or_nothing_by_search_list_or_upload(world, as_user):
    qa = as_user(world.qa_lead)
    cycle = start(qa)
    assert cycle.domain_keys == ["assessment", "plan"] and cycle.extra_questions == [
        "Was the arrangement assessed within 42 days?"]
    page = qa.post(f"/targeted/{cycle.id}", data={"references": "C0000\nNOPE-1\nC0000"}).get_data(as_text=True)
    assert "Line 2: NOPE-1 is not on the case register" in page and "Line 3: C0000 is already" in page
    assert db.session.scalar(select(func.count(Audit.id))) == 0
    found = qa.get(f"/targeted/{cycle.id}?q=C1").get_data(as_text=True)
    assert 'value="C1000"' in found and 'value="C0000"' not in found
    assert qa.post(f"/targeted/{cycle.id}", data={"chosen": ["C1000"], "references": "C0000"}).status_code == 302
    upload = (io.BytesIO(b"Case reference\nC2001\n"), "cases.csv")
    assert qa.post(f"/targeted/{cycle.id}", data={"file": upload},
                   content_type="multipart/form-data").status_code == 302
    audits = db.session.scalars(select(Audit).where(Audit.cycle_id == cycle.id)).all()
    assert len(audits) == 3
    assert all(in_full(a).auditor_b.team_id != in_full(a).case.team_id for a in audits)


def test_auditors_judge_only_the_chosen_domains_and_answer_its_questions_blind(world, as_user):
    qa = as_user(world.qa_lead)
    cycle = start(qa)
    qa.post(f"/targeted/{cycle.id}", data={"references": "C0000"})
    audit = in_full(db.session.scalar(select(Audit).where(Audit.cycle_id == cycle.id)))
    a = as_user(audit.auditor_a)
    form = a.get(f"/audits/{audit.id}/review/A").get_data(as_text=True)
    assert "Quality of assessment" in form and "Voice of the child" not in form
    assert "Was the arrangement assessed within 42 days?" in form
    data = review_data({"assessment": 2, "plan": 3})
    page = a.post(f"/audits/{audit.id}/review/A", data=data).get_data(as_text=True)
    assert "Answer question 1" in page
    assert a.post(f"/audits/{audit.id}/review/A", data={**data, "extra_1": "No: 60 days"}).status_code == 302
    assert "No: 60 days" in a.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "No: 60 days" not in as_user(audit.auditor_b).get(f"/audits/{audit.id}").get_data(as_text=True)
    b = as_user(audit.auditor_b)
    assert b.post(f"/audits/{audit.id}/review/B", data={**review_data({"assessment": 2, "plan": 2}),
                                                        "extra_1": "Late"}).status_code == 302
    moderation = as_user(audit.moderator).get(f"/audits/{audit.id}/moderate").get_data(as_text=True)
    assert "Quality of plan" in moderation and "Voice of the child" not in moderation


@pytest.mark.dates
def test_reported_apart_from_the_monthly_sample(world, as_user):
    qa = as_user(world.qa_lead)
    this_month = month_of(clock.today())
    monthly = sampled_month(this_month, per_team=1)
    db.session.commit()
    cycle = start(qa)
    qa.post(f"/targeted/{cycle.id}", data={"references": "C0003\nC1003"})
    leader = as_user(world.leader)
    dashboard = leader.get(f"/reports/?month={this_month}").get_data(as_text=True)
    assert "Private fostering arrangements" in dashboard  # listed in its own section
    book = load_workbook(io.BytesIO(qa.get(f"/reports/{this_month}.xlsx").data))
    assert book["Audits"].max_row == 1 + len(monthly)  # the month's workbook: the random sample only
    summary = leader.get(f"/targeted/{cycle.id}/summary").get_data(as_text=True)
    assert "Cases</dt><dd class=\"govuk-summary-list__value\">2" in summary
    targeted_book = load_workbook(io.BytesIO(leader.get(f"/targeted/{cycle.id}.xlsx").data))
    assert targeted_book.sheetnames == ["Summary", "Charts", "Auditors", "Audits", "Domains", "Teams", "Agreement",
                                        "Equality"]
    assert targeted_book["Audits"].max_row == 3
    assert as_user(monthly[0].auditor_a).get(f"/targeted/{cycle.id}/summary").status_code == 403


def test_a_case_already_in_this_months_sample_is_refused_unless_the_qa_lead_confirms(world, as_user):
    qa = as_user(world.qa_lead)
    monthly = sampled_month(month_of(clock.today()), per_team=1)
    db.session.commit()
    in_sample = monthly[0].case.reference
    cycle = start(qa)
    page = qa.post(f"/targeted/{cycle.id}", data={"references": f"{in_sample}\nC0003"}).get_data(as_text=True)
    assert f"{in_sample} is already in the {month_label(month_of(clock.today()))} random sample" in page
    assert "confirm_twice" in page and f"{in_sample}\nC0003" in page  # what was typed stays
    assert db.session.scalar(select(func.count(Audit.id)).where(Audit.cycle_id == cycle.id)) == 0
    assert qa.post(f"/targeted/{cycle.id}", data={"references": f"{in_sample}\nC0003",
                                                  "confirm_twice": "y"}).status_code == 302
    fresh()
    assert db.session.scalar(select(func.count(Audit.id)).where(Audit.cycle_id == cycle.id)) == 2
    # And a second open targeted audit of the same case is asked about too.
    other = qa.post("/targeted/new", data={"title": "Neglect", "domains": ["plan"]})
    second = db.session.scalar(select(Cycle).where(Cycle.title == "Neglect"))
    page = qa.post(f"/targeted/{second.id}", data={"references": "C0003"}).get_data(as_text=True)
    assert other.status_code == 302 and "C0003 is already in the open targeted audit Private fostering" in page


def test_domains_start_unchosen_and_can_change_until_the_first_audit_is_saved(world, as_user):
    qa = as_user(world.qa_lead)
    form = qa.get("/targeted/new").get_data(as_text=True)
    assert "None is chosen yet" in form and "checked" not in form
    assert "Choose at least one domain to judge" in qa.post("/targeted/new", data={
        "title": "Private fostering arrangements"}).get_data(as_text=True)
    cycle = start(qa)
    assert qa.post(f"/targeted/{cycle.id}/change", data={"title": "Private fostering", "domains": ["voice", "plan"],
                                                         "questions": "Seen alone?"}).status_code == 302
    fresh()
    cycle = db.session.get(Cycle, cycle.id)
    assert cycle.domain_keys == ["voice", "plan"] and cycle.extra_questions == ["Seen alone?"]
    qa.post(f"/targeted/{cycle.id}", data={"references": "C0000"})
    audit = in_full(db.session.scalar(select(Audit).where(Audit.cycle_id == cycle.id)))
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A",
                                  data=review_data({"voice": 3, "plan": 3}, submit=False))
    page = qa.post(f"/targeted/{cycle.id}/change", data={"title": "X", "domains": ["plan"]}).get_data(as_text=True)
    assert "can no longer change" in page
    fresh()
    assert db.session.get(Cycle, cycle.id).domain_keys == ["voice", "plan"]


def test_the_case_finder_shows_team_case_type_and_manager(world, as_user):
    qa = as_user(world.qa_lead)
    cycle = start(qa)
    found = qa.get(f"/targeted/{cycle.id}?q=C1000").get_data(as_text=True)
    case = world.case("C1000")
    assert f"C1000: Children in Care, child in need, manager {case.manager.name}" in found
