"""Targeted audits (issue 12): hand-picked cases on one theme, the same two auditors and
moderation, only the chosen domains and questions of its own, reported apart from the sample."""

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.models import Audit, Cycle
from builders import in_full, sampled_month
from conftest import review_data


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
    assert qa.post(f"/targeted/{cycle.id}", data={"file": upload}, content_type="multipart/form-data").status_code == 302
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


def test_reported_apart_from_the_monthly_sample(world, as_user):
    qa = as_user(world.qa_lead)
    monthly = sampled_month("2026-11", per_team=1)
    db.session.commit()
    cycle = start(qa)
    qa.post(f"/targeted/{cycle.id}", data={"references": "C0003\nC1003"})
    leader = as_user(world.leader)
    dashboard = leader.get("/reports/?month=2026-11").get_data(as_text=True)
    assert "Private fostering arrangements" in dashboard  # listed in its own section
    book = load_workbook(io.BytesIO(qa.get("/reports/2026-11.xlsx").data))
    assert book["Audits"].max_row == 1 + len(monthly)  # the month's workbook: the random sample only
    summary = leader.get(f"/targeted/{cycle.id}/summary").get_data(as_text=True)
    assert "Cases</dt><dd class=\"govuk-summary-list__value\">2" in summary
    targeted_book = load_workbook(io.BytesIO(leader.get(f"/targeted/{cycle.id}.xlsx").data))
    assert targeted_book.sheetnames == ["Summary", "Charts", "Auditors", "Audits", "Domains", "Teams", "Agreement", "Equality"]
    assert targeted_book["Audits"].max_row == 3
    assert as_user(monthly[0].auditor_a).get(f"/targeted/{cycle.id}/summary").status_code == 403
