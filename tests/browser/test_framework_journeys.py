"""The council's own framework (issue 24) in Chromium, with axe on every page: the QA lead drafts a
change to the grade descriptors, meets a refusal and another editor's save, publishes it with a
note, and everyone reads the new version, its changes and the old one; the descriptors print one
domain a page."""

import re

from builders import build_world, person
from playwright.sync_api import expect

NEW_LINE = "The child's own words are quoted at each visit and change the plan."


def test_the_qa_lead_drafts_and_publishes_the_grade_descriptors(visit):
    world = build_world()
    practice_lead = person("Priya Practice", "Quality Assurance", {"is_auditor", "is_practice_lead"})
    qa = visit(world.qa_lead)
    page = qa.page
    page.get_by_role("link", name="Grade descriptors").first.click()
    expect(page.get_by_text("Version 1, published 22 November 2026")).to_be_visible()
    qa.check("Grade descriptors, version 1")
    page.get_by_role("button", name="Start a draft of the next version").click()
    expect(page.get_by_text("Draft started")).to_be_visible()
    qa.check("Draft of the descriptors")

    page.get_by_role("link", name="Change voice of the child in assessment and planning").click()
    good = page.get_by_label("Good", exact=True)
    good.fill("")
    page.get_by_role("button", name="Save the draft").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=re.compile("Enter at least one indicator for Good"))).to_be_visible()
    qa.check("Draft domain (error)")
    good.fill("The child is seen regularly and alone.\n" + NEW_LINE)

    # A practice lead saves the same domain first: the QA lead's save is refused, their typing kept.
    other = visit(practice_lead)
    other.page.goto("/grade-descriptors/draft/voice")
    other.page.get_by_label("Inadequate", exact=True).fill("The child has not been seen.")
    other.page.get_by_role("button", name="Save the draft").click()
    expect(other.page.get_by_text("draft saved")).to_be_visible()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Changed since you opened this page")).to_be_visible()
    expect(page.get_by_text("Priya Practice: Grade descriptors draft changed")).to_be_visible()
    expect(page.get_by_label("Good", exact=True)).to_have_value(re.compile(re.escape(NEW_LINE)))
    qa.check("Draft domain (changed by another editor)")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Voice of the child in assessment and planning: draft saved")).to_be_visible()

    page.get_by_role("link", name="Continue to publish").click()
    expect(page.get_by_text(NEW_LINE)).to_be_visible()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_role("link", name="Enter a note of what changed in this version")).to_be_visible()
    qa.check("Publish the descriptors (error)")
    page.get_by_label("What changed in this version").fill("Voice of the child: the child's own words")
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_text("Version 2 of the grade descriptors is published")).to_be_visible()

    reader = visit(world.auditors["Early Help"][0])
    reader.page.goto("/grade-descriptors")
    expect(reader.page.get_by_text("Version 2, published 23 November 2026 by Quinn Lead")).to_be_visible()
    expect(reader.page.get_by_role("button", name="Start a draft of the next version")).to_have_count(0)
    reader.page.get_by_text("What changed from version 1").click()
    expect(reader.page.locator(".govuk-details__text").get_by_text(NEW_LINE)).to_be_visible()
    reader.check("Grade descriptors, version 2, with its changes")
    reader.page.get_by_role("link", name="Every version of the grade descriptors").click()
    reader.check("Every version of the descriptors")
    reader.page.get_by_role("link", name="Version 1").click()
    expect(reader.page.get_by_text("A later version has been published")).to_be_visible()
    reader.check("Grade descriptors, version 1 (superseded)")

    # On paper: the content only, each domain from the top of a new page.
    reader.page.goto("/grade-descriptors")
    reader.page.emulate_media(media="print")
    expect(reader.page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(reader.page.get_by_role("link", name="Every version of the grade descriptors")).to_be_hidden()
    breaks = reader.page.evaluate("[...document.querySelectorAll('.app-descriptor-domain')]"
                                  ".map(s => getComputedStyle(s).breakBefore)")
    assert breaks == ["auto"] + ["page"] * 5
    reader.check("Grade descriptors (printed)", reflow=False)
