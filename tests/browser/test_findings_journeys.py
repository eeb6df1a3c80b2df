"""Findings in a real browser, with axe on every page: an action raised by auditor A, confirmed by
the moderator, done by its owner with evidence and verified by a manager of the case's team; the
themes list, tagging, the practitioner's reply, all actions and the re-audits page."""

from builders import build_world, month_sampled_by, ready_for_moderation, reload, signed_off_audit
from playwright.sync_api import expect

from auditapp.extensions import db
from auditapp.findings.themes import add_theme


def test_an_action_from_proposal_to_verified_closure(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    auditor = visit(audit.auditor_a)
    page = auditor.page
    page.goto(f"/audits/{audit.id}")
    page.get_by_role("link", name="Propose an action").click()
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    auditor.check("Propose an action (error)")
    page.get_by_label("What must happen").fill("See the child alone and record their wishes")
    page.get_by_label("Who owns it").select_option(label=f"{audit.auditor_a.name} ({audit.case.team.name})")
    page.get_by_label("Urgent").check()
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_text("Action proposed: the moderator will confirm it")).to_be_visible()
    auditor.check("Audit page with a proposed action")

    ready_for_moderation(reload(audit))
    db.session.commit()
    moderator = visit(audit.moderator)
    page = moderator.page
    page.goto(f"/audits/{audit.id}#actions")
    page.get_by_role("link", name="Confirm or change").click()
    moderator.check("Confirm a proposed action")
    page.get_by_role("button", name="Confirm action").click()
    expect(page.get_by_text("Action confirmed", exact=True)).to_be_visible()

    page = auditor.page
    page.goto("/")
    page.get_by_role("link", name="See the child alone and record their wishes").click()
    auditor.check("Action page for its owner")
    page.get_by_label("What was done").fill("Seen alone at school on 20 November")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("link", name="Say where the case file records it")).to_be_visible()
    auditor.check("Mark an action as done (error)")
    page.get_by_label("Where the case file records it").fill("Case note 20/11/2026")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("heading", name="Action: done, to verify")).to_be_visible()

    colleague = next(u for u in world.auditors[audit.case.team.name] if u.id != audit.auditor_a_id)
    manager = visit(colleague)
    page = manager.page
    page.get_by_role("link", name="See the child alone and record their wishes").click()
    page.get_by_label("Yes: verify and close the action").check()
    manager.check("Verify an action")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="Check before closing the action")).to_be_visible()
    manager.check("Check before closing an action")
    page.get_by_role("button", name="Close the action").click()
    expect(page.get_by_role("heading", name="Action: closed")).to_be_visible()


def test_themes_replies_and_the_lists_for_the_qa_lead(visit):
    world = build_world()
    audit = month_sampled_by(world.qa_lead)[0]
    add_theme(world.qa_lead, "Fathers and male carers")
    db.session.commit()
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/themes")
    page.get_by_label("Theme name").fill("Drift and delay")
    page.get_by_role("button", name="Add theme").click()
    qa.check("Themes")

    auditor = visit(audit.auditor_a)
    auditor.page.goto(f"/audits/{audit.id}")
    auditor.page.get_by_role("link", name="Tag themes seen in this audit").click()
    auditor.page.get_by_role("group", name="Themes seen as worries").get_by_label("Drift and delay").check()
    auditor.check("Tag themes")
    auditor.page.get_by_role("button", name="Save themes").click()
    expect(auditor.page.get_by_text("Worries: Drift and delay")).to_be_visible()

    signed_off_audit(reload(audit))
    db.session.commit()
    auditor.page.goto(f"/audits/{audit.id}")
    auditor.page.get_by_role("link", name="Record the practitioner's reply").click()
    auditor.page.get_by_role("button", name="Save the practitioner's reply").click()
    auditor.check("The practitioner's reply (error)")

    page.goto("/actions")
    qa.check("All actions")
    page.goto("/reaudits")
    qa.check("Re-audits")


def test_the_remaining_findings_pages_pass_axe(visit):
    """Removing a proposal, the team's actions, a dispute's response, and the audits behind a
    dashboard figure and a theme count."""
    from builders import in_full, proposed_action, tagged

    from auditapp.findings import replies
    world = build_world()
    audits = month_sampled_by(world.qa_lead)
    fathers = add_theme(world.qa_lead, "Fathers and male carers")
    draft, done = audits[0], audits[1]
    proposal = proposed_action(draft, "A", draft.auditor_a, "Update the chronology")
    db.session.commit()  # (reload() below starts a fresh transaction)
    tagged(ready_for_moderation(reload(done)), "M", worries=[fathers])
    db.session.commit()
    signed_off_audit(reload(done))
    done = in_full(done)
    replies.save_reply(done.auditor_a, done, replies.ReplyEntry(
        held=True, held_on=done.allocated_at.date(), practitioner_view="Fair", disputes=True,
        dispute_details="The plan grade"), 0)
    db.session.commit()

    auditor = visit(draft.auditor_a)
    auditor.page.goto(f"/actions/{proposal.id}/remove")
    auditor.page.get_by_role("button", name="Remove action").click()
    auditor.check("Remove an action (error)")
    auditor.page.goto("/actions/team")
    auditor.check("Your team's actions")

    moderator = visit(done.moderator)
    moderator.page.goto(f"/audits/{done.id}/reply/response")
    moderator.check("Respond to a dispute")

    qa = visit(world.qa_lead)
    qa.page.goto("/reports/audits?month=2026-11&which=sampled")
    qa.check("The audits behind a figure")
    qa.page.goto(f"/reports/themes/{fathers.id}/worry/2026-11")
    expect(qa.page.get_by_role("link", name=f"Case {done.case.reference}")).to_be_visible()
    qa.check("The audits behind a theme count")
