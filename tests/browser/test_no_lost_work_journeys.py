"""No lost work in a real browser: two tabs, a session that ends, the idle warning, a cancelled month."""

from builders import build_world, month_sampled_by
from playwright.sync_api import expect

from auditapp.months import month_label


def test_two_tabs_conflict_then_a_signed_out_save_comes_back_after_signing_in(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/review/A"
    browser = visit(audit.auditor_a)
    first, second = browser.page, browser.context.new_page()
    first.goto(url)
    second.goto(url)
    second.get_by_label("What is working well for the child").fill("Words from the second tab")
    second.get_by_role("button", name="Save draft and come back later").click()
    expect(second.get_by_text("Your draft has been saved")).to_be_visible()
    first.get_by_label("What is working well for the child").fill("Words from the first tab")
    first.get_by_role("button", name="Save draft and come back later").click()
    expect(first.get_by_role("heading", name="Changed since you opened this page")).to_be_visible()
    expect(first.get_by_label("What is working well for the child")).to_have_value("Words from the first tab")
    browser.check("Audit form, conflict with another tab")

    second.get_by_role("button", name="Sign out").click()
    first.get_by_label("What needs to change for the child").fill("Typed after signing out elsewhere")
    first.get_by_role("button", name="Save draft and come back later").click()
    expect(first.get_by_role("heading", name="You were signed out, but your answers are kept")).to_be_visible()
    browser.check("Signed out, answers kept")
    first.get_by_role("link", name="Sign in and carry on").click()
    first.get_by_label("Email address").fill(audit.auditor_a.email)
    from builders import PASSWORD
    first.get_by_label("Password", exact=True).fill(PASSWORD)
    first.get_by_role("button", name="Sign in", exact=True).click()
    expect(first.get_by_text("What you typed before you were signed out is back below")).to_be_visible()
    expect(first.get_by_label("What needs to change for the child")).to_have_value("Typed after signing out elsewhere")
    browser.check("Audit form, restored after signing in")


def test_the_idle_warning_offers_to_stay_signed_in(visit, live_app):
    world = build_world()
    browser = visit(world.qa_lead)
    live_app.config["SESSION_IDLE_MINUTES"] = 0.1  # six seconds: the warning shows after three
    try:
        browser.page.reload()
        warning = browser.page.get_by_role("alert").filter(has_text="You will be signed out in 2 minutes")
        expect(warning).to_be_visible(timeout=10_000)
        expect(warning).to_be_focused()
        browser.check("Idle warning")
        browser.page.get_by_role("button", name="Stay signed in").click()
        expect(warning).to_be_hidden()
        browser.page.reload()
        expect(browser.page.get_by_text(f"Signed in as {world.qa_lead.name}")).to_be_visible()
    finally:
        live_app.config["SESSION_IDLE_MINUTES"] = 30


def test_a_month_opened_by_mistake_is_cancelled(visit, tmp_path):
    world = build_world()
    audits = month_sampled_by(world.qa_lead, per_team=1)
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/cycles/new")
    # Only the months that may be opened are offered; one already open (another tab) says why.
    already = month_label(audits[0].cycle.month)
    page.get_by_label("Month").select_option(label=f"{already} (already open)")
    page.get_by_role("button", name="Open the month").click()
    expect(page.get_by_text(f"{already} is already open")).to_have_count(2)
    qa.check("Open a month already open (error)")
    page.goto("/cycles/2026-11")
    page.get_by_role("link", name="Cancel this month").click()
    page.get_by_role("button", name="Cancel this month").click()
    qa.check("Cancel a month (error)")
    page.get_by_label("Why is this month being cancelled?").fill("Opened for the wrong month")
    page.get_by_role("button", name="Cancel this month").click()
    expect(page.get_by_text("Opened for the wrong month")).to_be_visible()
    qa.check("Monthly cycles with a cancelled month")
    bad = tmp_path / "cases.csv"
    bad.write_text("Case reference,Team,Case type,Responsible manager email,Open date\n"
                   "X1,Nowhere,CIN,nobody@council.example.org,31/02/2024\n")
    page.goto("/cases")
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    qa.check("Case list import failed")
    page.goto("/people/?q=manager")
    qa.check("People, searched")
    auditor = visit(audits[0].auditor_a)
    auditor.page.goto("/my/to-do")
    auditor.check("All audits to do (empty after cancelling)")
