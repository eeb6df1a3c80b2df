"""Audit types (issue 24) in Chromium, with axe on every page: the QA lead defines a type, meets the
refusals, rearranges its questions and publishes it; then each of the three ready types is started
by clicking and completed: the compliance check (signed off on submission, % met), the supervision-
record audit (returned by the senior manager with a note, then agreed), and the practice
observation, ended by the family's refused consent."""

import re

from builders import build_world
from playwright.sync_api import expect
from sqlalchemy import select

from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.models import Audit, Cycle
from auditapp.permissions import SYSTEM


def test_the_qa_lead_defines_and_publishes_an_audit_type(visit):
    world = build_world()
    qa = visit(world.qa_lead)
    page = qa.page
    page.get_by_role("link", name="Audit types").first.click()
    qa.check("Audit types")
    page.get_by_role("link", name="Create an audit type").click()
    page.get_by_label("Name").fill("Neglect toolkit check")
    page.get_by_label("Purpose").fill("Whether the neglect toolkit is used and acted on")
    page.get_by_label("Single audit", exact=True).check()
    qa.check("Create an audit type")
    page.get_by_role("button", name="Create the audit type").click()
    expect(page.get_by_text("Audit type created")).to_be_visible()

    page.get_by_role("button", name="Add a question").click()
    expect(page.get_by_text("not saved yet")).to_be_visible()
    page.get_by_label("Question 1: the kind of answer").select_option("grade")
    page.get_by_label("Question 1: its wording").fill("Was the toolkit used well?")
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question 2: the kind of answer").select_option("yes no")
    page.get_by_label("Question 2: its wording").fill("Toolkit on file")
    page.get_by_role("button", name="Save the draft").first.click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Enter question 1's short descriptor for outstanding")).to_be_visible()
    expect(page.get_by_label("Question 2: its wording")).to_have_value("Toolkit on file")
    qa.check("Draft of an audit type (error)")
    for grade, words in (("Outstanding", "Used, and it shaped the plan"), ("Good", "Used well"),
                         ("Requires improvement", "Used, not acted on"), ("Inadequate", "Not used")):
        page.get_by_label(f"Question 1: short descriptor for {grade} (a grade question only)").fill(words)
    page.get_by_role("button", name="Move up question 2").click()
    expect(page.get_by_label("Question 1: its wording")).to_have_value("Toolkit on file")
    page.get_by_role("button", name="Save the draft").first.click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    qa.check("Draft of an audit type")

    page.get_by_role("link", name="Continue to publish").click()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_role("link", name="Enter a note of what changed in this version")).to_be_visible()
    qa.check("Publish an audit type (error)")
    page.get_by_label("What changed in this version").fill("First version")
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_text("Version 1 of Neglect toolkit check is published")).to_be_visible()
    qa.check("An audit type, version 1")

    reader = visit(world.auditors["Early Help"][0])
    reader.page.goto("/audit-types")
    reader.page.get_by_role("link", name="Neglect toolkit check").click()
    expect(reader.page.get_by_text("Used, and it shaped the plan")).to_be_visible()
    expect(reader.page.get_by_role("button", name="Start a draft of the next version")).to_have_count(0)
    reader.check("An audit type, read by an auditor")


def _started_by_clicking(visit, world, type_name: str, theme: str) -> Audit:
    """The QA lead starts an audit of the type from the start page and gives it one case."""
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/")
    page.get_by_role("link", name="Targeted audits").first.click()
    page.get_by_role("link", name="Start a targeted audit").click()
    page.get_by_label(type_name).check()
    page.get_by_label("Theme of the targeted audit").fill(theme)
    qa.check(f"Start an audit of a type ({type_name})")
    page.get_by_role("button", name="Start the targeted audit").click()
    page.get_by_label("Or enter case references, one per line").fill(world.cases[0].reference)
    page.get_by_role("button", name="Add these cases").click()
    expect(page.get_by_text("1 cases added and allocated")).to_be_visible()
    qa.check(f"Audit of a type with its case ({type_name})")
    cycle = db.session.scalars(select(Cycle).where(Cycle.title == theme)).one()
    db.session.expire_all()
    return db.session.scalars(select(Audit).where(Audit.cycle_id == cycle.id)).one()


def _closing_questions(page) -> None:
    page.get_by_label("What is working well for the child").fill("Records kept carefully")
    page.get_by_label("What needs to change for the child").fill("The chronology is late")
    page.get_by_role("group", name="Is there an immediate safeguarding concern?").get_by_label("No").check()


def test_a_case_file_compliance_check_is_completed_and_signed_off(visit):
    world = build_world()
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    audit = _started_by_clicking(visit, world, "Case-file compliance check", "Early Help files")
    auditor = db.session.get(type(world.qa_lead), audit.auditor_b_id)
    b = visit(auditor)
    page = b.page
    page.get_by_role("link", name=world.cases[0].reference).first.click()
    b.check("Compliance check, empty")
    for item, answer in (("An up-to-date assessment", "Yes"), ("An up-to-date plan", "Yes"), ("A chronology", "No"),
                         ("A genogram", "Not applicable"), ("Visits within timescale", "Yes"),
                         ("Supervision recorded", "Yes")):
        page.get_by_role("group", name=re.compile(re.escape(item))).get_by_label(answer, exact=True).check()
    _closing_questions(page)
    page.get_by_role("button", name="Continue to check your answers").click()
    b.check("Compliance check: check your answers")
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_role("heading", name=re.compile("Signed off"))).to_be_visible()
    expect(page.get_by_text("80%")).to_be_visible()  # 4 of the 5 that apply
    b.check("Compliance check, signed off")


def test_a_supervision_record_audit_is_returned_then_agreed(visit):
    world = build_world()
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    audit = _started_by_clicking(visit, world, "Supervision-record audit", "Supervision in Early Help")
    users = type(world.qa_lead)
    b = visit(db.session.get(users, audit.auditor_b_id))
    page = b.page
    page.get_by_role("link", name=world.cases[0].reference).first.click()
    for n, question in enumerate(("Frequency of supervision", "Reflective discussion", "Decisions recorded",
                                  "Actions followed up", "Drift and delay challenged"), 1):
        page.get_by_role("group", name=re.compile(f"^{n}. {question}")).get_by_label("Good", exact=True).check()
    _closing_questions(page)
    b.check("Supervision-record audit, filled in")
    page.get_by_role("button", name="Continue to check your answers").click()
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_role("heading", name=re.compile("Waiting for the senior manager's review"))).to_be_visible()

    senior = visit(db.session.get(users, audit.moderator_id))
    spage = senior.page
    spage.goto("/my/moderation")
    spage.get_by_role("link", name=world.cases[0].reference).first.click()
    senior.check("Review a single audit")
    spage.get_by_label("No, return it to the auditor with a note").check()
    spage.get_by_role("button", name="Save the decision").click()
    expect(spage).to_have_title(re.compile("^Error: "))
    senior.check("Review a single audit (error)")
    spage.get_by_label("Note to the auditor").fill("Drift: look again at the summer gap")
    spage.get_by_role("button", name="Save the decision").click()
    expect(spage.get_by_text("The audit is returned to")).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name=world.cases[0].reference).first.click()
    expect(page.get_by_text("Drift: look again at the summer gap")).to_be_visible()
    b.check("Supervision-record audit, returned with a note")
    page.get_by_role("group", name=re.compile("^5. Drift")).get_by_label("Requires improvement", exact=True).check()
    page.get_by_role("button", name="Continue to check your answers").click()
    page.get_by_role("button", name="Submit audit").click()

    spage.goto(f"/audits/{audit.id}")
    spage.get_by_role("link", name="Review this audit: agree or return it").click()
    spage.get_by_label("Yes, agree: sign it off").check()
    spage.get_by_role("button", name="Save the decision").click()
    expect(spage.get_by_text("The audit is signed off")).to_be_visible()
    senior.check("Supervision-record audit, agreed and signed off")


def test_a_practice_observation_ends_when_the_family_refuses_consent(visit):
    world = build_world()
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    audit = _started_by_clicking(visit, world, "Practice observation", "Observations in Early Help")
    b = visit(db.session.get(type(world.qa_lead), audit.auditor_b_id))
    page = b.page
    page.get_by_role("link", name=world.cases[0].reference).first.click()
    b.check("Practice observation, asking consent first")
    page.get_by_label("What was observed").fill("Typed before the family said no")
    page.get_by_label("No, the family refused: end the audit now").check()
    page.get_by_role("button", name="Save draft and come back later").click()
    expect(page.get_by_text("The family refused consent: the audit has ended")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Ended: consent refused"))).to_be_visible()
    expect(page.get_by_text("Typed before the family said no")).to_have_count(0)
    b.check("Practice observation, ended by refused consent")
    qa = visit(world.qa_lead)
    qa.page.goto(f"/targeted/{audit.cycle_id}")
    expect(qa.page.locator("strong.govuk-tag", has_text="Ended: consent refused")).to_be_visible()
    qa.check("Targeted audit with an observation ended by refused consent")
