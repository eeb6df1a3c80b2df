"""Journeys of issue 10 in a real browser, with axe on each page of ours: single sign-on with a
council account, the QA lead reading the record of reads, and signing out for good."""

from builders import build_world, month_sampled_by
from playwright.sync_api import expect


def test_sign_in_with_a_council_account_then_sign_out(visit):
    world = build_world()
    visitor = visit()
    page = visitor.page
    page.goto("/sign-in")
    visitor.check("Sign in with single sign-on offered")
    page.get_by_role("button", name="Sign in with your council account").click()
    # The provider's own page (the council's, in production): sign in as the QA lead.
    page.locator("input[name=sub]").fill(world.qa_lead.email)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text(f"Signed in as {world.qa_lead.name} (")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    page.goto("/cycles")
    expect(page.get_by_role("heading", name="Sign in to case audit")).to_be_visible()


def test_a_council_account_not_in_the_service_is_told_what_to_do(visit):
    build_world()
    visitor = visit()
    page = visitor.page
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.locator("input[name=sub]").fill("stranger@council.example.org")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("not set up for case audit")).to_be_visible()
    visitor.check("Single sign-on refused")


def test_the_qa_lead_sees_who_read_an_audit(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    auditor = visit(audit.auditor_a)
    auditor.page.goto(f"/audits/{audit.id}")
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/people/activity")
    page.get_by_role("link", name="Who has read which audits and exports").click()
    page.get_by_role("searchbox").fill(audit.case.reference)
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name=audit.auditor_a.name)).to_be_visible()
    qa.check("Record of reads, searched by case")
