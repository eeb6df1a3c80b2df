"""Printing (issue 13), in Chromium with print media emulated and axe on each page: the audit
record, the dashboard and the agreement page print their content only, without the menu, the
filters or link addresses."""

from builders import build_world, month_sampled_by, reload, signed_off_audit
from playwright.sync_api import expect

from auditapp.extensions import db

LINK_ADDRESS = "getComputedStyle(document.querySelector('main a.govuk-link'), '::after').content"


def printed(visitor, url: str, name: str):
    page = visitor.page
    page.emulate_media(media="print")
    page.goto(url)
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    assert page.evaluate(LINK_ADDRESS) in ("none", "normal")
    visitor.check(f"{name} (printed)", reflow=False)
    page.emulate_media(media="screen")


def test_the_audit_record_dashboard_and_agreement_print_cleanly(visit):
    world = build_world()
    audit = signed_off_audit(reload(month_sampled_by(world.qa_lead)[0]))
    db.session.commit()
    qa = visit(world.qa_lead)
    qa.page.goto(f"/audits/{audit.id}")
    expect(qa.page.get_by_role("button", name="Print this audit record")).to_be_visible()
    printed(qa, f"/audits/{audit.id}", "Audit record")
    expect(qa.page.get_by_role("heading", name="What you can do")).to_be_visible()  # on screen again
    qa.page.emulate_media(media="print")
    expect(qa.page.get_by_role("heading", name="What you can do")).to_be_hidden()
    expect(qa.page.get_by_role("heading", name="Moderated grades")).to_be_visible()
    qa.page.emulate_media(media="screen")
    printed(qa, "/reports/?month=2026-11", "Monthly summary")
    expect(qa.page.locator(".app-filters")).to_be_visible()
    printed(qa, "/reports/agreement?month=2026-11", "Agreement")
