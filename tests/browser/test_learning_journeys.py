"""Learning in a real browser, with axe on every page: the QA lead raises a practice priority (after
a refused first try), records a learning activity, links an audit and reads the evidence; records
"you said, we did"; a leadership reader reads the priority."""

from builders import build_world, in_full, sampled_month, signed_off_audit
from playwright.sync_api import expect

from auditapp import clock
from auditapp.extensions import db
from auditapp.findings import replies


def test_raising_a_priority_adding_an_activity_and_reading_its_evidence(visit):
    world = build_world(cases_per_team=8)
    for month, good in (("2026-09", 4), ("2026-10", 2)):
        for n, audit in enumerate(sampled_month(month, 2)):
            signed_off_audit(audit, final=3 if n < good else 2)
    disputed = sampled_month("2026-08", 1)[0]
    signed_off_audit(disputed, final=3)
    replies.save_reply(disputed.auditor_a, in_full(disputed), replies.ReplyEntry(
        held=True, held_on=clock.today(), practitioner_view="Fair", disputes=True, dispute_details="Plan grade"), 0)
    db.session.commit()
    reference = disputed.case.reference

    qa = visit(world.qa_lead)
    page = qa.page
    page.get_by_role("link", name="Practice priorities").click()
    qa.check("Practice priorities (none yet)")
    page.get_by_role("link", name="Raise a practice priority").click()
    page.get_by_label("Title").fill("Plans say who does what by when")
    page.get_by_role("button", name="Save priority").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    qa.check("Raise a practice priority (error)")
    expect(page.get_by_label("Title")).to_have_value("Plans say who does what by when")
    page.get_by_label("Why it is a priority").fill("Quality of plan is the weakest domain")
    page.get_by_label("Owner (a senior manager)").select_option(label=world.seniors[0].name)
    page.get_by_label("% Good or better (overall or in one domain) at least the target").check()
    page.get_by_label("Grades measured (for % Good or better)").select_option(label="Quality of plan")
    page.get_by_label("Target percentage (not needed for re-audits)").fill("75")
    page.get_by_label("Target date").fill("31/3/2027")
    page.get_by_label("Review date").fill("31/1/2027")
    page.get_by_role("button", name="Save priority").click()
    expect(page.get_by_text("Practice priority raised: Plans say who does what by when", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="67% (n=6)")).to_be_visible()
    qa.check("A practice priority and its evidence")

    page.get_by_role("link", name="Record a learning activity").click()
    page.get_by_label("Briefing").check()
    page.get_by_label("What it was").fill("Briefing on SMART plans")
    page.get_by_label("Date held or published").fill("2/11/2026")
    page.get_by_label("Who it reached").fill("All team managers")
    page.get_by_label("Number who attended (optional)").fill("22")
    page.get_by_label("Link to the material (optional)").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("link", name="Enter the link to the material as a web address starting https:// "
                                          "or http://")).to_be_visible()
    qa.check("Record a learning activity (error)")
    page.get_by_label("Link to the material (optional)").fill("https://intranet.example.org/smart-plans")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_text("Learning activity recorded", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Briefing: Briefing on SMART plans (All team managers, 22 attended)")) \
        .to_be_visible()
    expect(page.locator("svg line[stroke-dasharray]")).to_have_count(1)
    qa.check("Evidence with a learning activity marked")

    page.get_by_role("link", name="Link what is behind it").click()
    page.get_by_label("Case reference (optional)").fill(reference)
    page.get_by_label("A practitioner's dispute of its findings").check()
    qa.check("Link what is behind a priority")
    page.get_by_role("button", name="Link").click()
    expect(page.get_by_text("1 linked", exact=True)).to_be_visible()
    page.get_by_role("link", name="Back to the priority").click()
    expect(page.get_by_role("link", name=f"Case {reference}, August 2026")).to_be_visible()

    page.goto("/you-said-we-did/new")
    page.get_by_label("Practitioner's dispute").check()
    page.get_by_label("Case reference").fill(reference)
    page.get_by_label("You said").fill("The plan grade ignored the latest review")
    page.get_by_label("We did").fill("Moderators now read the latest review")
    page.get_by_label("Their own words, quoted (optional)").fill("Nobody read the review")
    page.get_by_label("Date of the change").fill("10/11/2026")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    qa.check("You said, we did (error: no consent)")
    page.get_by_label("They agreed that their own words may be quoted").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Nobody read the review”")).to_be_visible()
    qa.check("You said, we did")

    reader = visit(world.leader)
    page = reader.page
    page.get_by_role("link", name="Practice priorities").click()
    page.get_by_role("link", name="Plans say who does what by when").click()
    expect(page.get_by_text(reference)).to_have_count(0)
    reader.check("A practice priority read by leadership")

    # The QA lead changes the priority, then closes it as partly met with a note (each form's error
    # state checked too).
    page = qa.page
    page.get_by_role("link", name="Practice priorities").first.click()
    page.get_by_role("link", name="Plans say who does what by when").click()
    page.get_by_role("link", name="Change").click()
    qa.check("Change a practice priority")
    page.get_by_role("button", name="Save priority").click()
    expect(page.get_by_role("heading", name="Plans say who does what by when")).to_be_visible()
    page.get_by_role("link", name="Close").click()
    page.get_by_role("button", name="Close priority").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    qa.check("Close a practice priority (error)")
    page.get_by_label("Partly met").check()
    page.get_by_label("Closing note").fill("Plans are better in two teams of three; the briefing goes to the third.")
    page.get_by_role("button", name="Close priority").click()
    expect(page.get_by_text("Partly met", exact=False).first).to_be_visible()
    qa.check("A closed practice priority")
