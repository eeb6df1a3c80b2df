"""The lists people scan, in a real browser with axe on every page (issue 18): sorting by column
headings with no JavaScript needed, the actions' month filter, the activity log's filters and
their errors, opening a month from a list of months, and the reports as each kind of reader."""

from builders import (
    build_world,
    confirmed_action,
    month_sampled_by,
    ready_for_moderation,
    sampled_month,
    signed_off_audit,
)
from playwright.sync_api import expect

from auditapp.extensions import db
from auditapp.months import month_label


def heading(page, name: str):
    return page.get_by_role("columnheader", name=name, exact=True)


def test_the_qa_lead_sorts_filters_and_opens_from_lists(visit):
    world = build_world(cases_per_team=20)
    audits = month_sampled_by(world.qa_lead, per_team=2)
    ready = ready_for_moderation(audits[0])
    confirmed_action(ready, ready.auditor_a, "Speak with the father about the plan", priority="immediate")
    confirmed_action(ready, ready.auditor_b, "Update the chronology", priority="standard")
    db.session.commit()
    qa = visit(world.qa_lead)
    page = qa.page
    main_menu = page.get_by_role("navigation", name="Main menu")

    # All actions: sort by a heading, then filter by a month chosen by name; the order is kept.
    main_menu.get_by_role("link", name="Actions").click()
    heading(page, "Priority").get_by_role("link").click()
    expect(heading(page, "Priority")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("tbody tr").first).to_contain_text("Speak with the father")
    qa.check("All actions sorted by priority")
    heading(page, "Priority").get_by_role("link").click()
    expect(heading(page, "Priority")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("tbody tr").first).to_contain_text("Update the chronology")
    month = audits[0].cycle.month
    page.get_by_label("Month of the audit").select_option(value=month)
    page.get_by_role("button", name="Show actions").click()
    expect(heading(page, "Priority")).to_have_attribute("aria-sort", "descending")
    qa.check("All actions of a month, sorted")

    # The month's audits, sorted by auditor B.
    main_menu.get_by_role("link", name="Months").click()
    page.get_by_role("main").get_by_role("link", name=month_label(month), exact=True).first.click()
    heading(page, "Auditor B").get_by_role("link").click()
    expect(heading(page, "Auditor B")).to_have_attribute("aria-sort", "ascending")
    qa.check("A month's audits sorted by auditor B")

    # Opening a month: the months that may be opened, by name.
    main_menu.get_by_role("link", name="Months").click()
    page.get_by_role("link", name="Open a new month").click()
    expect(page.get_by_label("Month")).to_be_visible()
    qa.check("Open a month: a list of months")

    # The case register, sorted by reference, the other way round, across its pages.
    main_menu.get_by_role("link", name="Case register").click()
    heading(page, "Reference").get_by_role("link").click()
    expect(heading(page, "Reference")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("tbody tr").first).to_contain_text("C2019")
    qa.check("The case register sorted by reference, newest first")

    # People, sorted by team; then the activity log, filtered, and a date that is not one.
    main_menu.get_by_role("link", name="People and teams").click()
    heading(page, "Team").get_by_role("link").click()
    expect(heading(page, "Team")).to_have_attribute("aria-sort", "ascending")
    qa.check("People sorted by team")
    page.get_by_role("link", name="Activity log").click()
    page.get_by_label("Who").select_option(label=world.qa_lead.name)
    page.get_by_label("Kind of entry").select_option(label="Signed in")
    page.get_by_label("From").fill("1/11/2026")
    page.get_by_role("button", name="Show entries").click()
    expect(page.locator("tbody tr").first).to_contain_text("Signed in")
    qa.check("Activity log filtered by person, kind and date")
    page.get_by_label("To").fill("31/11/2026")
    page.get_by_role("button", name="Show entries").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("To")).to_have_value("31/11/2026")
    qa.check("Activity log with a date that is not one (error)")


def test_report_figures_are_links_only_for_readers_who_may_follow_them(visit):
    world = build_world()
    for audit in sampled_month("2026-11", per_team=1):
        signed_off_audit(audit)
    db.session.commit()
    for reader, links in ((world.qa_lead, True), (world.leader, False)):
        session = visit(reader)
        page = session.page
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
        moderated = page.locator("dt", has_text="Moderated").locator("xpath=following-sibling::dd[1]")
        expect(moderated.get_by_role("link")).to_have_count(1 if links else 0)
        session.check(f"Monthly summary for {'the QA lead' if links else 'a leadership reader'}")
        if links:
            moderated.get_by_role("link").click()
            expect(page.get_by_role("heading", name="Moderated: 3")).to_be_visible()
            session.check("The audits behind a figure")
        else:
            page.get_by_role("link", name="Agreement between auditors and moderation").click()
            session.check("Agreement page for a leadership reader")
            page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Grade descriptors").click()
            expect(page.get_by_text("Version 1, published 22 November 2026")).to_be_visible()
            session.check("Grade descriptors, known by the date published")


def test_the_qa_lead_creates_a_token_for_the_dashboard_feed(visit):
    world = build_world()
    qa = visit(world.qa_lead)
    page = qa.page
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="People and teams").click()
    page.get_by_role("link", name="Dashboard feed").click()
    expect(page.get_by_role("heading", name="Dashboard feed", exact=True)).to_be_visible()
    page.get_by_role("button", name="Create a token").click()  # no name: an error, checked too
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    qa.check("Dashboard feed (error)")
    page.get_by_label("Name of the token").fill("Improvement board Power BI")
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_role("heading", name="Token created")).to_be_visible()
    expect(page.get_by_role("cell", name="Improvement board Power BI", exact=True)).to_be_visible()
    qa.check("Dashboard feed with a token")
