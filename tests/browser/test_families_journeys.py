"""Issue 12 in a real browser, with axe on every page: the family-contact task, a period away on a
person's page, and a targeted audit from start to its cases and summary."""

import re

from builders import build_world, month_sampled_by
from playwright.sync_api import expect


def test_auditor_b_records_contact_and_the_familys_words(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    auditor = visit(audit.auditor_b)
    page = auditor.page
    page.goto(f"/audits/{audit.id}")
    page.get_by_role("link", name="Contact the family for their feedback").click()
    page.get_by_role("button", name="Record the attempt").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    auditor.check("Contacting the family (error)")
    page.get_by_label("Date of the attempt").fill("18/11/2026")
    page.get_by_label("Parent or carer").check()
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Record the attempt").click()
    expect(page.get_by_text("Attempt recorded")).to_be_visible()
    page.get_by_role("link", name="Record the outcome and what the family said").click()
    page.get_by_label("Gave feedback").check()
    page.get_by_role("group", name="Parent or carer").get_by_label(
        "Did you understand why we were involved?").select_option("3")
    auditor.check("The family's feedback")
    page.get_by_role("button", name="Save the family's feedback").click()
    expect(page.get_by_text("The family's feedback is saved")).to_be_visible()
    expect(page.get_by_role("heading", name="The family's feedback")).to_be_visible()


def test_a_period_away_and_a_targeted_audit(visit):
    world = build_world()
    qa = visit(world.qa_lead)
    page = qa.page
    person = world.auditors["Early Help"][0]
    page.goto(f"/people/{person.id}")
    page.get_by_label("First day away").fill("1/12/2026")
    page.get_by_label("Last day away").fill("5/12/2026")
    page.get_by_role("button", name="Add the period away").click()
    expect(page.get_by_text("Leave: 1 December 2026 to 5 December 2026")).to_be_visible()
    qa.check("Person with a period away")
    page.get_by_role("link", name="Back to people").click()
    page.get_by_role("link", name="Closure days").click()
    page.get_by_role("button", name="Add the closure day").click()
    expect(page).to_have_title(re.compile("^Error: "))
    qa.check("Closure days (error)")
    page.get_by_label("Day the council is closed").fill("29/12/2026")
    page.get_by_label("Why").fill("Christmas closure")
    page.get_by_role("button", name="Add the closure day").click()
    expect(page.get_by_text("Tuesday 29 December 2026 added as a closure day")).to_be_visible()
    qa.check("Closure days, with bank holidays")

    page.goto("/targeted/")
    page.get_by_role("link", name="Start a targeted audit").click()
    page.get_by_label("Theme of the targeted audit").fill("Private fostering arrangements")
    page.get_by_label("Questions of its own (optional)").fill("Was the arrangement assessed within 42 days?")
    for domain in ("Quality of assessment", "Quality of plan"):
        page.get_by_label(domain).check()
    qa.check("Start a targeted audit")
    page.get_by_role("button", name="Start the targeted audit").click()
    page.get_by_role("link", name="Change its theme, domains or questions").click()
    qa.check("Change a targeted audit")
    page.get_by_role("button", name="Save the changes").click()
    page.get_by_label("Case reference starts with").fill("C0")
    page.get_by_role("button", name="Find cases").click()
    page.get_by_label("C0001").check()
    page.get_by_label("Or enter case references, one per line").fill("C1001")
    qa.check("Choose a targeted audit's cases")
    page.get_by_role("button", name="Add these cases").click()
    expect(page.get_by_text("2 cases added and allocated")).to_be_visible()
    page.get_by_role("link", name="Its summary").click()
    qa.check("Targeted audit summary")
    page.goto("/targeted/")
    qa.check("Targeted audits")
