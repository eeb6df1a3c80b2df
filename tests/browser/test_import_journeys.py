"""A council's own export in a real browser (issue 27): the QA lead matches its columns and its
case-type words, each page checked with axe, in its error state too."""

import re

from builders import person
from playwright.sync_api import expect
from test_column_mapping import ANNEX_A, xlsx

from auditapp.demo import HERE as DEMO
from auditapp.imports.users import read_people
from auditapp.permissions import SYSTEM
from auditapp.security.people import apply_people


def test_qa_lead_matches_an_annex_a_lists_columns_and_case_types(visit, tmp_path):
    with (DEMO / "managers.csv").open("rb") as stream:
        apply_people(SYSTEM, read_people(stream, "managers.csv"))
    path = tmp_path / "annex-a-list-8.xlsx"
    path.write_bytes(xlsx(ANNEX_A))
    browser = visit(person("Quinn Lead", "Quality Assurance", {"is_qa_lead"}))
    page = browser.page
    page.goto("/cases")
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Match the file's columns")).to_be_visible()
    expect(page.get_by_label("Case reference", exact=True)).to_have_value("Child Unique ID")  # a usual name
    browser.check("Import: match the file's columns")
    page.get_by_label("Open date", exact=True).select_option("Date of Birth")
    page.get_by_label("Closed date (optional)").select_option("Date of Birth")
    page.get_by_role("button", name="Import with these columns").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Closed date (optional)")).to_have_value("Date of Birth")  # the choices are kept
    browser.check("Import: match the file's columns (error)")
    page.get_by_label("Open date", exact=True).select_option("Date Child Became Looked After")
    page.get_by_label("Closed date (optional)").select_option("")
    page.get_by_label("Case type", exact=True).select_option("Legal Status")
    page.get_by_role("button", name="Import with these columns").click()
    expect(page.get_by_role("heading", name="Say what each case type means")).to_be_visible()
    expect(page.get_by_text("On rows 3, 5")).to_be_visible()
    browser.check("Import: say what each case type means")
    page.get_by_role("button", name="Import with these case types").click()
    expect(page).to_have_title(re.compile("^Error: "))
    browser.check("Import: say what each case type means (error)")
    page.get_by_label("'C2' means").select_option(label="Child in care")
    page.get_by_label("'V2' means").select_option(label="Child in care")
    page.get_by_role("button", name="Import with these case types").click()
    expect(page.get_by_text("3 cases added, 0 updated")).to_be_visible()
    browser.check("Import: matched and imported")


def test_qa_lead_imports_past_audits_with_the_template(visit, tmp_path):
    from builders import build_world
    from test_past_audits import row, same, workbook
    world = build_world()
    case = world.cases[0]
    a = next(u for team in world.auditors.values() for u in team if u.id == case.manager_id)
    b = next(u for team in world.auditors.values() for u in team if u.team_id != case.team_id)
    bad, good = tmp_path / "past-wrong.xlsx", tmp_path / "past.xlsx"
    bad.write_bytes(workbook([row("October 2025", "NOT-A-CASE", a.email, b.email, world.seniors[0].email,
                                  same("Good", "RI", "Good"))]))
    good.write_bytes(workbook([row("October 2025", case.reference, a.email, b.email, world.seniors[0].email,
                                   same("Good", "RI", "Good"))]))
    browser = visit(world.qa_lead)
    page = browser.page
    page.goto("/cases")
    page.get_by_role("link", name="imported as past audits").click()
    expect(page.get_by_role("heading", name="Past audits")).to_be_visible()
    expect(page.get_by_role("link", name="Download the template (.xlsx)")).to_be_visible()
    browser.check("Past audits")
    page.get_by_label("Upload the past audits").set_input_files(str(bad))
    page.get_by_role("button", name="Import past audits").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_text("Row 2: case NOT-A-CASE is not in the case register")).to_be_visible()
    browser.check("Past audits (error)")
    page.get_by_label("Upload the past audits").set_input_files(str(good))
    page.get_by_role("button", name="Import past audits").click()
    expect(page.get_by_text("1 past audits imported, 0 already imported")).to_be_visible()
    expect(page.get_by_role("cell", name="October 2025")).to_be_visible()
    browser.check("Past audits imported")
