"""The board's pack in Chromium, axe on each page (issue 23): the QA lead sets a target and writes
the month's commentary by clicking through; the dashboard shows both, on screen and printed; the
pack downloads as a PDF beside the workbook."""

from builders import build_world, month_sampled_by, reload, signed_off_audit
from playwright.sync_api import expect

from auditapp.extensions import db


def printed(visitor, url: str, name: str) -> None:
    """The page with print media emulated, checked with axe: content only, no menu."""
    page = visitor.page
    page.emulate_media(media="print")
    page.goto(url)
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    visitor.check(f"{name} (printed)", reflow=False)
    page.emulate_media(media="screen")


def test_the_qa_lead_sets_a_target_and_writes_the_commentary_the_board_reads(visit):
    world = build_world()
    for audit in month_sampled_by(world.qa_lead):
        signed_off_audit(reload(audit))
    db.session.commit()
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/reports/?month=2026-11")
    expect(page.get_by_role("heading", name="What changed since October 2026")).to_be_visible()
    qa.check("Monthly summary with what changed")
    page.get_by_role("link", name="Set the board's targets").click()
    qa.check("Targets")
    page.get_by_role("button", name="Set target").click()  # nothing chosen: an error, checked too
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    qa.check("Targets (error)")
    page.get_by_label("Good or better overall").check()
    page.get_by_label("Target (%)").fill("80")
    page.get_by_label("From").select_option("2026-11")
    page.get_by_role("button", name="Set target").click()
    expect(page.get_by_text("Target set: Good or better overall, from November 2026")).to_be_visible()
    page.goto("/reports/?month=2026-11")
    page.get_by_role("link", name="Write the commentary for November 2026").click()
    qa.check("Commentary")
    page.get_by_label("What the audits tell us").fill("Plans are stronger; fathers are still missed.")
    page.get_by_label("What we are doing about it").fill("A practice week on fathers.")
    page.get_by_role("button", name="Save commentary").click()
    expect(page.get_by_text("fathers are still missed")).to_be_visible()
    expect(page.locator(".app-what-changed")).to_contain_text("at least 80%")
    printed(qa, "/reports/?month=2026-11", "Monthly summary with what changed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the pack for the board (PDF)").click()
    assert download.value.suggested_filename == "case-audit-pack-2026-11.pdf"
