"""Each journey in a real browser, as the person who does it."""

import re

from builders import build_world, month_sampled_by, person, reload
from openpyxl import load_workbook
from playwright.sync_api import expect

from auditapp.demo import HERE as DEMO
from auditapp.grading import DOMAINS
from auditapp.imports.users import read_people
from auditapp.permissions import SYSTEM
from auditapp.security.people import apply_people


def fill_review(page, grade: str, overall: str) -> None:
    for name in DOMAINS.values():
        page.get_by_role("group", name=f"Grade for {name.lower()}").get_by_label(grade, exact=True).check()
    for field in page.get_by_label("Evidence for this grade").all():
        field.fill("Chronology and visits recorded")
    for field in page.get_by_label("Impact on the child").all():
        field.fill("The child is safer at school")
    page.get_by_role("group", name="Overall grade").get_by_label(overall, exact=True).check()
    page.get_by_label("What is working well for the child").fill("Consistent worker")
    page.get_by_label("What needs to change for the child").fill("Plan timescales")
    page.get_by_role("group", name="Is there an immediate safeguarding concern?").get_by_label("No").check()


def test_qa_lead_imports_cases_opens_a_month_and_draws_the_sample(visit):
    with (DEMO / "managers.csv").open("rb") as stream:
        apply_people(SYSTEM, read_people(stream, "managers.csv"))
    qa = person("Quinn Lead", "Quality Assurance", {"is_qa_lead"})
    browser = visit(qa)
    page = browser.page
    browser.check("QA lead home, nothing yet")
    page.locator(".govuk-task-list").get_by_role("link", name="Import the case register").click()
    page.get_by_role("button", name="Import").click()
    browser.check("Case register, no file chosen (error)")
    page.get_by_label("Upload a file").set_input_files(str(DEMO / "case-list.csv"))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Case list imported")).to_be_visible()
    expect(page.get_by_text("300 cases added, 0 updated")).to_be_visible()
    browser.check("Case list imported")
    page.get_by_role("link", name="View the case register").click()
    browser.check("Case register")
    page.get_by_role("searchbox", name="Search by case reference").fill("LCS-1000")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="LCS-100003")).to_be_visible()
    browser.check("Case register, searched")
    page.get_by_role("link", name="Months", exact=True).click()
    browser.check("Monthly cycles, none open")
    page.get_by_role("link", name="Open a new month").click()
    page.get_by_label("Month").select_option(label="November 2026")
    page.get_by_label("Cases per team").fill("0")
    page.get_by_role("button", name="Open the month").click()
    expect(page).to_have_title(re.compile("^Error: "))
    browser.check("Open a month (error)")
    expect(page.get_by_label("Month")).to_have_value("2026-11")  # the choice is kept
    page.get_by_label("Cases per team").fill("2")
    page.get_by_role("button", name="Open the month").click()
    browser.check("Cycle before the draw")
    page.get_by_label("Draw number (optional)").fill("2026")
    page.get_by_role("button", name="Draw sample").click()
    expect(page.get_by_text("16 cases sampled and allocated with draw number 2026")).to_be_visible()
    browser.check("Cycle with its sample")
    page.get_by_role("link", name="People and teams").click()
    browser.check("People")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Save").click()
    browser.check("Add a person (error)")
    page.goto("/people/teams")
    browser.check("Teams")


def test_whole_month_two_blind_auditors_moderator_and_the_workbook(visit, tmp_path):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    a_user, b_user, moderator = audit.auditor_a, audit.auditor_b, audit.moderator

    a = visit(a_user)
    page = a.page
    a.check("Auditor home with audits to do")
    page.get_by_role("link", name=audit.case.reference).click()
    a.check("Audit form, empty")
    page.get_by_role("group", name="Grade for voice of the child in assessment and planning").get_by_label(
        "Good", exact=True).check()
    page.get_by_label("Evidence for this grade").first.fill("Child seen alone twice")
    page.get_by_role("button", name="Save draft and come back later").click()
    expect(page.get_by_text("Your draft has been saved")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    page.get_by_role("link", name=audit.case.reference).click()
    expect(page.get_by_label("Evidence for this grade").first).to_have_value("Child seen alone twice")
    fill_review(page, "Good", "Good")
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    a.check("Check your answers before submitting")
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_text("Your audit has been submitted")).to_be_visible()
    a.check("Audit page after auditor A submits")

    b = visit(b_user)
    page = b.page
    page.goto(f"/audits/{audit.id}")
    expect(page.get_by_role("heading", name=re.compile("^Auditor A's audit"))).to_have_count(0)
    expect(page.get_by_text("Child seen alone twice")).to_have_count(0)
    expect(page.get_by_text("The auditors' audits are blind")).to_be_visible()
    b.check("Audit page for auditor B before submitting")
    page.goto(f"/audits/{audit.id}/review/A")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    b.check("Page not found")
    page.goto(f"/audits/{audit.id}/review/B")
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page).to_have_title(re.compile("^Error: "))
    b.check("Audit form (error)")
    fill_review(page, "Requires improvement", "Requires improvement")
    page.get_by_role("button", name="Continue to check your answers").click()
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_role("heading", name=re.compile("^Auditor A's audit"))).to_be_visible()  # no longer blind

    m = visit(moderator)
    page = m.page
    m.check("Moderator home with queue")
    page.get_by_role("link", name=f"Case {audit.case.reference}").click()
    m.check("Moderation, side by side")
    for name in [*DOMAINS.values(), "Overall"]:
        page.get_by_role("group", name=f"Moderated grade for {name.lower()}").get_by_label(
            "Requires improvement", exact=True).check()
    page.get_by_role("button", name="Continue to check and sign off").click()
    expect(page).to_have_title(re.compile("^Error: "))
    m.check("Moderation (error)")
    rationales = page.get_by_label(re.compile("Rationale for "))
    expect(rationales).to_have_count(7)
    for field in rationales.all():
        field.fill("Plan drift evidenced in the record")
    page.get_by_role("group", name="Did auditor A identify the key issues?").get_by_label("Partly").check()
    page.get_by_role("group", name="Did auditor B identify the key issues?").get_by_label("Yes").check()
    page.get_by_label("Feedback to auditor A").fill("Grades were generous")
    page.get_by_label("Feedback to auditor B").fill("Well evidenced")
    page.get_by_role("button", name="Continue to check and sign off").click()
    expect(page.get_by_text("Grades were generous")).to_be_visible()
    m.check("Check your moderation before signing off")
    page.get_by_role("button", name="Sign off audit").click()
    expect(page.get_by_text("The audit is signed off and locked")).to_be_visible()
    m.check("Signed-off audit")

    qa = visit(world.qa_lead)
    page = qa.page
    page.get_by_role("link", name="Reports").click()
    qa.check("Monthly summary dashboard")
    page.get_by_role("link", name="Agreement between auditors and moderation").click()
    qa.check("Agreement page")
    page.get_by_role("link", name="Back to the monthly summary").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the workbook")).click()
    path = tmp_path / "summary.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    domains = {row[0]: row for row in book["Domains"].iter_rows(min_row=2, values_only=True)}
    assert domains["Overall"][1:6] == (0, 0, 1, 0, 1)
    page.goto(f"/audits/{audit.id}/reopen")
    page.get_by_role("button", name="Reopen audit").click()
    qa.check("Reopen (error)")


def test_safeguarding_concern_raised_and_acknowledged(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    b = visit(audit.auditor_b)
    page = b.page
    page.goto(f"/audits/{audit.id}")
    page.get_by_role("link", name="Raise an immediate safeguarding concern").click()
    page.get_by_role("button", name="Raise concern").click()
    b.check("Raise a concern (error)")
    page.get_by_label("Describe the immediate safeguarding concern").fill("Unchecked adult living in the home")
    page.get_by_role("button", name="Raise concern").click()
    expect(page.get_by_text("Open immediate safeguarding concern")).to_be_visible()

    a = visit(audit.auditor_a)
    expect(a.page.get_by_role("heading", name="Immediate safeguarding concerns")).to_be_visible()
    a.check("Auditor A home with an open concern")

    m = visit(audit.moderator)
    page = m.page
    page.goto(f"/audits/{audit.id}")
    page.get_by_role("link", name="Record the response to this concern").click()
    m.check("Record the response to a concern")
    page.get_by_label("What was done in response").fill("Team manager told; checks done the same day")
    page.get_by_role("button", name="Record response").click()
    expect(page.get_by_text("The response to the concern has been recorded")).to_be_visible()
    assert reload(audit).open_concerns == []


def test_audit_form_with_the_keyboard_alone(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    a = visit(audit.auditor_a)
    page = a.page
    page.goto(f"/audits/{audit.id}/review/A")

    def focused() -> dict:
        return page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type || '', name: e.name || '', """
            """text: (e.tagName === 'BUTTON' ? e.textContent : e.value || '').trim()}; }""")

    def tab_to(predicate, limit=400) -> dict:
        for _ in range(limit):
            page.keyboard.press("Tab")
            now = focused()
            if predicate(now):
                return now
        raise AssertionError("focus never reached the expected element")

    # A failed submit moves focus to the error summary.
    def is_submit(e) -> bool:
        return e["type"] == "submit" and e["text"] == "Continue to check your answers"

    tab_to(is_submit)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Error: "))
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')", timeout=5000)

    # Then every field, in order, with Tab, Space, arrow keys and typing only.
    page.keyboard.press("Tab")
    seen = set()
    while True:
        now = tab_to(lambda e: is_submit(e) or (e["tag"] in ("INPUT", "TEXTAREA") and e["name"] not in seen))
        seen.add(now["name"])
        if now["type"] == "radio":
            page.keyboard.press("Space")  # the first choice: Outstanding, or Yes
            page.keyboard.press("ArrowDown")  # Good, or No
        elif now["tag"] == "TEXTAREA":
            page.keyboard.type("Recorded clearly")
        elif is_submit(now):
            page.keyboard.press("Enter")
            break
    # Check your answers, then submit, by keyboard too.
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    tab_to(lambda e: e["type"] == "submit" and e["text"] == "Submit audit", limit=200)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your audit has been submitted")).to_be_visible()
    review = reload(audit).review("A")
    assert review.submitted_at and review.grade_value("diversity") == 3 and review.safeguarding_concern == "no"


def test_sign_in_and_error_pages(visit, server):
    world = build_world()
    anonymous = visit()
    page = anonymous.page
    page.goto("/")
    anonymous.check("Sign in")
    page.get_by_label("Email address").fill(world.qa_lead.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_title(re.compile("^Error: "))
    anonymous.check("Sign in (error)")
    page.goto("/accessibility")
    anonymous.check("Accessibility statement")

    auditor = visit(world.auditors["Early Help"][0])
    auditor.page.goto("/cycles")
    expect(auditor.page.get_by_role("heading", name="You do not have permission")).to_be_visible()
    auditor.check("Forbidden")
    auditor.page.goto("/grade-descriptors")
    auditor.check("Grade descriptors")

    leader = visit(world.leader)
    leader.check("Leadership home")
    leader.page.get_by_role("link", name="Read the monthly summary reports").click()
    leader.check("Reports before any month")


def test_managing_pages_allocation_withdrawal_and_reports(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    qa = visit(world.qa_lead)
    page = qa.page
    qa.check("QA lead home with a month's overview")
    page.get_by_role("link", name="All months").click()
    qa.check("Monthly cycles")
    page.goto(f"/audits/{audit.id}")
    qa.check("Audit page for the QA lead")
    page.get_by_role("link", name="Change the allocation").click()
    page.get_by_label("Auditor B (independent manager)").select_option("")
    page.get_by_role("button", name="Save allocation").click()
    expect(page.get_by_text("Select an active manager with the auditor role as auditor B").first).to_be_visible()
    qa.check("Change the allocation (error)")
    page.goto(f"/audits/{audit.id}/withdraw")
    page.get_by_role("button", name="Request withdrawal").click()
    qa.check("Request a withdrawal (error)")
    page.get_by_label("Sensitive court stage").check()
    page.get_by_role("button", name="Request withdrawal").click()
    expect(page.get_by_text("Withdrawal requested. Another senior manager must approve it.")).to_be_visible()
    page.goto("/people/1")
    qa.check("Edit a person")
    page.goto("/people/activity")
    qa.check("Activity log")
    page.goto(f"/people/teams/{audit.case.team_id}")
    page.get_by_label("Team name").fill("")
    page.get_by_role("button", name="Save").click()
    qa.check("Rename a team (error)")
    page.goto("/reports/?month=2026-11&team=Early+Help")
    qa.check("Monthly summary filtered by team")

    senior = visit(world.seniors[0])
    page = senior.page
    senior.check("Senior manager home with a withdrawal to decide")
    page.get_by_role("link", name=f"Case {audit.case.reference}").click()
    page.get_by_role("button", name="Save decision").click()
    senior.check("Decide on a withdrawal (error)")
    page.get_by_label("Approve: withdraw the case and draw a replacement").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text(re.compile("Replacement case .* drawn and allocated"))).to_be_visible()
    senior.check("Replacement audit")
