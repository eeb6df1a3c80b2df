"""A whole month, role by role, as people do it: each person signs in and reaches their work by
clicking from the start page, never by typing an address. Any page answering 4xx or 5xx fails the
walk, as does a dead end (a link or button the next step needs and cannot find). Each page that
a role sees for the first time is checked with axe."""

import re

import pytest
from builders import build_world, this_month
from playwright.sync_api import expect

from auditapp.months import month_label

from .test_journeys import fill_review


@pytest.fixture
def walk(visit):
    """visit(person), failing the test on any page (not asset) that answers 4xx or 5xx."""
    failures = []

    def open_as(user):
        session = visit(user)
        session.page.on("response", lambda r: failures.append(f"{r.status} {r.url}")
                        if r.status >= 400 and r.request.resource_type == "document" else None)
        return session

    yield open_as
    assert failures == []


def test_a_whole_month_by_each_role_from_the_start_page(walk):
    world = build_world()
    month = month_label(this_month())

    # QA lead: opens the month and draws the sample from the task list.
    qa = walk(world.qa_lead)
    page = qa.page
    page.locator(".govuk-task-list").get_by_role("link", name=f"Open {month}").click()
    page.get_by_role("button", name="Open the month").click()
    page.get_by_role("button", name="Draw sample").click()
    expect(page.get_by_text(re.compile(r"\d+ cases sampled and allocated"))).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.locator(".govuk-task-list")).to_contain_text("Completed")
    qa.check("Month walk: QA lead's task list after the draw")

    # Auditor A: their first audit from the start page, an action proposed, checked and submitted.
    # A manager with a case of their own drawn (their start page may also list another team's case,
    # where they are auditor B).
    team = "Assessment North"
    for auditor_a in world.auditors[team]:
        a = walk(auditor_a)
        page = a.page
        own = [c.reference for c in world.cases if c.manager_id == auditor_a.id
               and page.locator("main").get_by_role("link", name=c.reference, exact=True).count()]
        if own:
            break
    case = own[0]
    page.locator("main").get_by_role("link", name=case, exact=True).first.click()  # straight to their audit form
    page.get_by_role("link", name="Propose actions").click()
    page.get_by_label("What must happen").fill("See the child alone and record their wishes")
    page.get_by_label("Who owns it").select_option(label=f"{auditor_a.name} ({team})")
    page.get_by_label("Urgent").check()
    page.get_by_role("button", name="Save action").click()
    page.get_by_role("link", name=re.compile("^(Start|Continue) your audit")).click()
    fill_review(page, "Good", "Good")
    page.get_by_role("button", name="Continue to check your answers").click()
    a.check("Month walk: auditor A checks their answers")
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_text("What happens next")).to_be_visible()

    # Auditor B: the same case, from their own start page, blind to A until they submit.
    b = _whose_start_page_lists(walk, [u for t, people in world.auditors.items() if t != team for u in people],
                                case)
    page = b.page
    page.locator("main").get_by_role("link", name=case, exact=True).first.click()
    expect(page.get_by_text("See the child alone")).to_have_count(0)  # A's proposal is blind
    fill_review(page, "Requires improvement", "Requires improvement")
    page.get_by_role("button", name="Continue to check your answers").click()
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_text("What happens next")).to_be_visible()

    # Moderator: the queue, the proposal decided from the moderation page, checked, signed off.
    m = _whose_start_page_lists(walk, world.seniors, f"Case {case}")
    page = m.page
    page.locator("main").get_by_role("link", name=f"Case {case}").first.click()
    for name in ["Voice of the child in assessment and planning", "Quality of assessment", "Quality of plan",
                 "Quality of partnership working", "Supervision and management oversight",
                 "Recognition and inclusion of diversity", "Overall"]:
        page.get_by_role("group", name=f"Moderated grade for {name.lower()}").get_by_label(
            "Requires improvement", exact=True).check()
    for field in page.get_by_label(re.compile("Rationale for ")).all():
        field.fill("The independent view is better evidenced")
    page.get_by_role("group", name="Did auditor A identify the key issues?").get_by_label("Partly").check()
    page.get_by_role("group", name="Did auditor B identify the key issues?").get_by_label("Yes").check()
    page.get_by_label("Feedback to auditor A").fill("Grades were generous")
    page.get_by_label("Feedback to auditor B").fill("Well evidenced")
    page.get_by_role("button", name="Continue to check and sign off").click()
    expect(page.get_by_text("saved as a draft")).to_be_visible()  # refused: the proposal is undecided
    m.check("Month walk: a refused sign-off keeps the moderation")
    page.get_by_role("link", name="Confirm or change").first.click()
    page.get_by_role("button", name="Confirm action").click()
    expect(page.get_by_label("Feedback to auditor A")).to_have_value("Grades were generous")  # nothing lost
    page.get_by_role("button", name="Continue to check and sign off").click()
    page.get_by_role("button", name="Sign off audit").click()
    expect(page.get_by_text("The audit is signed off and locked")).to_be_visible()

    # Action owner (auditor A): the action from their start page, done with evidence.
    page = a.page
    page.get_by_role("link", name="Home").click()
    page.get_by_role("link", name="See the child alone and record their wishes").first.click()
    page.get_by_label("What was done").fill("Seen alone at school")
    page.get_by_label("Where the case file records it").fill("Case note, visit record")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("heading", name="Action: done, to verify")).to_be_visible()

    # Verifier: a manager of the case's team, from the start page's list to verify.
    colleague = next(u for u in world.auditors[team] if u.id != auditor_a.id)
    v = walk(colleague)
    page = v.page
    page.get_by_role("link", name="See the child alone and record their wishes").first.click()
    page.get_by_label("Yes: verify and close the action").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="Check before closing the action")).to_be_visible()
    page.get_by_role("button", name="Close the action").click()
    expect(page.get_by_role("heading", name="Action: closed")).to_be_visible()

    # Leadership reader: the start page and the month's report, which opens on this month.
    lead = walk(world.leader)
    page = lead.page
    expect(page.get_by_text(f"{month} at a glance")).to_be_visible()
    page.get_by_role("link", name="Read the monthly summary reports").click()
    expect(page.get_by_role("heading", name=f"Monthly summary: {month}")).to_be_visible()
    lead.check("Month walk: the leadership reader's report")

    # QA lead: the pack, from the task list.
    page = qa.page
    page.get_by_role("link", name="Home").click()
    page.locator(".govuk-task-list").get_by_role("link", name="Export the monthly pack").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the workbook")).click()
    assert download.value.suggested_filename.endswith(".xlsx")


def _whose_start_page_lists(walk, people, name: str):
    """The signed-in session of the one person whose start page links to `name`."""
    for person in people:
        session = walk(person)
        if session.page.locator("main").get_by_role("link", name=name, exact=True).count():
            return session
        session.close()
    raise AssertionError(f"nobody's start page links to {name}: a dead end")
