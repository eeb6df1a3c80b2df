"""Calibration exercises (issue 25) in a real browser, with axe on every page: the QA lead sets one
up (with its error state), the panel agrees the grades and it opens; a participant grades the case
blind and submits; after it closes, the participant and the QA lead read the results; the QA lead
sets the due rule and sees who is due."""

import re

from builders import build_world, closed_calibration
from playwright.sync_api import expect

from auditapp.grading import DOMAINS


def test_the_qa_lead_sets_up_an_exercise_and_the_panel_agrees_and_opens_it(visit):
    world = build_world()
    participant = world.auditors["Early Help"][0]
    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/")
    page.get_by_role("link", name="Calibration", exact=True).click()
    qa.check("Calibration exercises")
    page.get_by_role("link", name="Set up an exercise").click()
    qa.check("Set up a calibration exercise")
    page.get_by_role("button", name="Set up the exercise").click()
    expect(page).to_have_title(re.compile("^Error: "))
    qa.check("Set up a calibration exercise (error)")
    page.get_by_label("Title of the exercise").fill("Calibration: a child protection plan")
    page.get_by_label("Case reference from the register (optional)").fill(world.cases[0].reference)
    page.get_by_label("Quality of plan").check()
    page.get_by_label("Named people", exact=True).check()
    page.get_by_label("If named people: their email addresses, one per line").fill(participant.email)
    page.get_by_label(world.seniors[0].name, exact=True).check()
    page.get_by_label("Closing date").fill("30/11/2026")
    page.get_by_role("button", name="Set up the exercise").click()
    expect(page.get_by_text("Exercise set up: the panel agrees its grades next")).to_be_visible()
    qa.check("A calibration exercise being agreed")

    panel = visit(world.seniors[0])
    panel.page.goto(page.url)
    panel.page.get_by_role("link", name="Agree the grades").click()
    panel.check("Agree the grades")
    for heading, grade in (("Quality of plan", "Requires improvement"), ("Overall", "Good")):
        group = panel.page.get_by_role("group", name=re.compile(f"Agreed grade for {heading.lower()}"))
        group.get_by_label(grade, exact=True).check()
    panel.page.get_by_label("Reasons for this grade").first.fill("No owners or dates; no contingency")
    panel.page.get_by_label("Reasons for this grade").last.fill("Good for the child, held back by the plan")
    panel.page.get_by_role("button", name="Save the agreed grades").click()
    expect(panel.page.get_by_text("The agreed grades are saved")).to_be_visible()

    page.reload()
    page.get_by_role("link", name="Check and open the exercise").click()
    qa.check("Check and open the exercise")
    page.get_by_role("button", name="Open the exercise to participants").click()
    expect(page.get_by_text("The exercise is open")).to_be_visible()
    expect(page.get_by_text("Open for grading")).to_be_visible()

    auditor = visit(participant)
    auditor.page.goto(page.url)
    expect(auditor.page.get_by_text("The agreed grades")).to_have_count(0)  # hidden until they submit and it closes
    auditor.check("A calibration exercise, for a participant")
    auditor.page.get_by_role("link", name="Grade the case").click()
    auditor.check("Grade the reference case")
    auditor.page.get_by_role("button", name="Submit your grades").click()
    expect(auditor.page).to_have_title(re.compile("^Error: "))
    expect(auditor.page.locator(".govuk-error-summary")).to_be_focused()
    auditor.check("Grade the reference case (error)")
    auditor.page.get_by_role("group", name="Grade for quality of plan").get_by_label("Good", exact=True).check()
    auditor.page.get_by_label("Evidence for this grade").fill("A plan with actions for each worry")
    auditor.page.get_by_label("Impact on the child").fill("School attendance is up")
    auditor.page.get_by_role("group", name="Overall grade").get_by_label("Good", exact=True).check()
    auditor.page.get_by_role("button", name="Submit your grades").click()
    expect(auditor.page.get_by_text("Your grades are submitted")).to_be_visible()
    expect(auditor.page.get_by_text("Your result, the agreed grades and the group's spread are shown here")) \
        .to_be_visible()
    auditor.check("A calibration exercise, submitted")


def test_a_participant_and_the_qa_lead_read_the_results_and_who_is_due(visit):
    world = build_world()
    people = [u for team in world.auditors.values() for u in team][:6]
    exercise = closed_calibration(world, {p: (3, 1 if n < 3 else 3) for n, p in enumerate(people)},
                                  panel=[world.seniors[0]])
    auditor = visit(people[0])
    page = auditor.page
    page.goto(f"/calibration/{exercise.id}")
    page.get_by_role("link", name="Read the results").click()
    expect(page.get_by_text("Furthest from the panel: Quality of plan")).to_be_visible()
    expect(page.get_by_role("table", name="Your result")).to_be_visible()
    expect(page.get_by_text(people[1].name)).to_have_count(0)
    auditor.check("Calibration results, for a participant")
    page.get_by_role("link", name="Calibration", exact=True).click()
    page.get_by_role("link", name="Your calibration results over time").click()
    expect(page.get_by_role("heading", name=people[0].name)).to_be_visible()
    auditor.check("Calibration over time, for the auditor")

    qa = visit(world.qa_lead)
    qa.page.goto(f"/calibration/{exercise.id}/results")
    expect(qa.page.get_by_role("table", name=re.compile("Each participant's grade"))).to_be_visible()
    qa.check("Calibration results, for the QA lead")
    qa.page.get_by_role("link", name="Calibration", exact=True).click()
    qa.page.get_by_role("link", name="Who needs calibration").click()
    qa.check("Who needs calibration")
    qa.page.get_by_label("Again every this many months (optional)").fill("lots")
    qa.page.get_by_role("button", name="Save the rule").click()
    expect(qa.page).to_have_title(re.compile("^Error: "))
    qa.check("Who needs calibration (error)")
    qa.page.get_by_label("Again every this many months (optional)").fill("6")
    qa.page.get_by_label(re.compile("Hold new auditors out of allocation")).check()
    qa.page.get_by_role("button", name="Save the rule").click()
    expect(qa.page.get_by_text("The calibration rule is saved")).to_be_visible()
    assert len(DOMAINS) == 6
