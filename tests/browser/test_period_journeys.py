"""What followed a quarter's audits, in Chromium with axe on each page (issues 23 and 26): the QA lead
chooses the quarter on the dashboard, reads its actions, re-audits, themes and families headed with
the quarter in words, follows "Actions raised" to the quarter's actions and a theme's count to the
quarter's audits behind it, then narrows the actions to one month with the list's own filters."""

from builders import build_world, confirmed_action, ready_for_moderation, sampled_month, signed_off_audit, tagged
from playwright.sync_api import expect

from auditapp.extensions import db
from auditapp.findings import themes
from auditapp.permissions import SYSTEM

QUARTER = "quarter 3 of 2026-27 (October to November 2026)"


def test_the_qa_lead_reads_a_quarters_follow_up_and_opens_what_is_behind_it(visit):
    world = build_world(cases_per_team=20)
    worry = themes.add_theme(SYSTEM, "Fathers and male carers")
    for month in ("2026-10", "2026-11"):
        for i, audit in enumerate(sampled_month(month, per_team=1)):
            audit = ready_for_moderation(audit)
            if i < 2:
                confirmed_action(audit, audit.auditor_a, f"Speak with the father ({month}, case {i})")
                tagged(audit, "M", worries=[worry])
            signed_off_audit(audit)
    db.session.commit()
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/reports/?month=2026-11")
    page.get_by_label("Period").select_option(label="The quarter of the financial year")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", name=f"What followed the audits of {QUARTER}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Families' feedback: {QUARTER}")).to_be_visible()
    raised = page.locator(".govuk-summary-list__row", has_text="Actions raised")
    expect(raised).to_contain_text("4")  # October's two and November's two
    qa.check("Monthly summary over a quarter")

    raised.get_by_role("link").click()
    expect(page.get_by_role("heading", name="All actions")).to_be_visible()
    expect(page.get_by_label("From the audits of")).to_have_value("2026-10")
    for month in ("2026-10", "2026-11"):
        expect(page.get_by_text(f"Speak with the father ({month}, case 0)")).to_be_visible()
    qa.check("The quarter's actions")
    page.get_by_label("From the audits of").select_option(label="The month alone")
    page.get_by_role("button", name="Show actions").click()
    expect(page.get_by_text("Speak with the father (2026-11, case 0)")).to_be_visible()
    expect(page.get_by_text("Speak with the father (2026-10, case 0)")).to_have_count(0)
    qa.check("November's actions")

    page.go_back()
    page.go_back()
    themes_table = page.get_by_role("region", name="Themes")
    themes_table.get_by_role("link", name="audits with Fathers and male carers as a worry, the period").click()
    expect(page.get_by_text("Quarter 3 of 2026-27 (October to November 2026)")).to_be_visible()
    expect(page.get_by_text("4 signed-off audits tagged with this theme as a worry.")).to_be_visible()
    qa.check("A theme's audits over a quarter")
