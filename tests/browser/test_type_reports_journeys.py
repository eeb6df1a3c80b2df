"""Reports per audit type in Chromium, axe on each page (issue 24): the QA lead opens a type's
summary from the monthly summary by clicking, filters it and downloads its workbook; a leadership
reader reads the same figures without the list of audits."""

import io

from builders import build_world, month_sampled_by, reload, signed_off_audit
from openpyxl import load_workbook
from playwright.sync_api import expect
from type_builders import SUPERVISION, finished_single, shipped_type, typed_audits

from auditapp import clock
from auditapp.extensions import db
from auditapp.months import month_label, month_of


def test_the_qa_lead_opens_filters_and_downloads_a_types_summary_and_a_reader_reads_it(visit):
    world = build_world(cases_per_team=6)
    for audit in month_sampled_by(world.qa_lead):
        signed_off_audit(reload(audit))
    kind, version = shipped_type(SUPERVISION)
    # Seven finished: four from Assessment North, three from Children in Care.
    references = ["C0003", "C0004", "C0005", "C0002", "C1003", "C1004", "C1005"]
    for n, audit in enumerate(typed_audits(version, references)):
        grades = ["requires_improvement" if n in (0, 3) else "good"] * 5
        finished_single(audit, {**dict(enumerate(grades, 1)), 6: "Record the reasons"})
    db.session.commit()
    month = month_of(clock.today())

    qa = visit(world.qa_lead)
    page = qa.page
    page.goto(f"/reports/?month={month}")
    expect(page.locator("#other-types")).to_be_visible()
    page.get_by_role("link", name=SUPERVISION).click()
    expect(page.get_by_role("heading", name=SUPERVISION, level=1)).to_be_visible()
    expect(page.locator("#scope")).to_contain_text(month_label(month))
    expect(page.locator("#grade-questions")).to_contain_text("71% (n=7)")
    qa.check("Audit type summary")
    page.get_by_label("Team").select_option("Children in Care")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#grade-questions")).to_contain_text("Too few to judge (n=3)")
    expect(page.locator("#scope")).to_contain_text("Children in Care")
    qa.check("Audit type summary, one team")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook for these figures (Excel)").click()
    assert download.value.suggested_filename.startswith(f"audit-type-{kind.id}-")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book["Audits"].max_row == 2 + 3  # its title, the heading and the team's three audits
    page.get_by_role("link", name="Back to the summaries by audit type").click()
    qa.check("Summaries by audit type")

    reader = visit(world.leader)
    page = reader.page
    page.goto(f"/reports/?month={month}")
    page.get_by_role("link", name="Summaries by audit type").click()
    page.get_by_role("link", name=SUPERVISION).click()
    expect(page.locator("#grade-questions")).to_contain_text("71% (n=7)")
    expect(page.get_by_text("listed for the QA lead and senior managers")).to_be_visible()
    reader.check("Audit type summary, leadership reader")
