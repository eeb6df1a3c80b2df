"""The demo's calibration exercises, through the rule functions: one before the first live month,
one last month where the group graded the plan far more kindly than the panel, and one open now
for the Children in Care team."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from auditapp import clock
from auditapp.calibration import due, exercises, taking
from auditapp.extensions import db
from auditapp.grading import DOMAINS
from auditapp.models import CalibrationExercise, Case, User
from auditapp.models.loading import EXERCISE_IN_FULL
from auditapp.security.people import team_named

REASONS = {
    "voice": "The child was seen alone twice and her words shaped the safety plan.",
    "assessment": "Analysis rather than description, with the father's history included.",
    "plan": "The plan names actions but few owners or dates, and no contingency: progress cannot be tested.",
    "partnership": "School and health attended every core group and shared information on time.",
    "oversight": "Supervision is regular but reads as a task list; drift after the review went unchallenged.",
    "diversity": "Language and faith are recorded and assessed; an interpreter was used at every visit.",
    "overall": "Good practice for the child, held back by a plan that cannot show progress.",
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _people() -> tuple[User, list[User]]:
    qa_lead = db.session.scalar(select(User).where(User.is_qa_lead).order_by(User.email))
    panel = list(db.session.scalars(select(User).where(User.is_senior_manager).order_by(User.email).limit(2)))
    assert qa_lead is not None  # the demo's people include the QA lead
    return qa_lead, panel


def _exercise(qa_lead: User, panel: list[User], title: str, reference: str, opened: date, closes_on: date,
              agreed: dict[str, int], takes_part: str = "all", team_id: int | None = None) -> CalibrationExercise:
    with clock.frozen_at(_at(opened, 9)):
        exercise = exercises.set_up(qa_lead, exercises.Setup(
            title=title, case_reference=reference, domains=list(DOMAINS), takes_part=takes_part, team_id=team_id,
            panel_ids=[p.id for p in panel], closes_on=closes_on))
        loaded = db.session.get(CalibrationExercise, exercise.id, options=EXERCISE_IN_FULL, populate_existing=True)
        assert loaded is not None  # just set up
        exercise = loaded
        exercises.save_agreed(panel[0], exercise, agreed, {k: REASONS[k] for k in agreed}, None)
        exercises.open_exercise(qa_lead, exercise, None)
    return exercise


def _grade(rng: random.Random, exercise: CalibrationExercise, user: User, day: datetime, leaning: dict[str, list[int]],
           submit: bool = True) -> None:
    entry = taking.Grading()
    for key in DOMAINS:
        entry.grades[key] = rng.choice(leaning[key])
        entry.evidence[key] = f"What the record shows for {DOMAINS[key].lower()}."
        entry.impact[key] = "What difference it made to the child."
    entry.overall_grade = rng.choice(leaning["overall"])
    with clock.frozen_at(day):
        taking.save_grading(user, exercise, entry, submit, None)


def load(rng: random.Random, first_live_month: date, last_month: date, today: date) -> None:
    qa_lead, panel = _people()
    references = list(db.session.scalars(select(Case.reference).order_by(Case.reference).limit(3)))
    good = {key: 3 for key in [*DOMAINS, "overall"]}
    # Before the first live month: the group mostly agrees with the panel.
    first = _exercise(qa_lead, panel, "Calibration: a child in care review", references[0],
                      first_live_month - timedelta(days=10), first_live_month - timedelta(days=4),
                      {**good, "diversity": 2})
    near = {key: [3, 3, 3, 2] for key in [*DOMAINS, "overall"]} | {"diversity": [2, 2, 3, 1]}
    for n, member in enumerate(m for m in first.members if m.role == "participant"):
        _grade(rng, first, member.user, _at(first_live_month - timedelta(days=9 - n % 4), 11), near)
    # Last month: the panel saw a plan that cannot show progress (Requires improvement); most of
    # the group called it Good or Outstanding, crossing the line.
    second = _exercise(qa_lead, panel, "Calibration: a child protection plan", references[1],
                       last_month + timedelta(days=2), last_month + timedelta(days=12), {**good, "plan": 2})
    kind = {key: [3, 3, 3, 2, 4] for key in [*DOMAINS, "overall"]} | {"plan": [3, 3, 4, 4, 3, 2]}
    members = [m for m in second.members if m.role == "participant"]
    for n, member in enumerate(members[:-3]):  # three did not submit in time
        _grade(rng, second, member.user, _at(last_month + timedelta(days=3 + n % 8), 14), kind)
    # Open now, for one team: some have submitted, one has a draft.
    team = team_named("Children in Care")
    started = today - timedelta(days=2)
    third = _exercise(qa_lead, panel, "Calibration: early help for a family of four", references[2], started,
                      today + timedelta(days=10), good, takes_part="team", team_id=team.id if team else None)
    # Lowri Lloyd, a demo sign-in, is still to grade; of the others one has submitted, one saved a draft.
    others = sorted((m.user for m in third.members if m.role == "participant"
                     and m.user.email != "lowri.lloyd@council.example.org"), key=lambda u: u.email)
    for n, user in enumerate(others[:2]):
        _grade(rng, third, user, _at(started, 11 + n), near, submit=n == 0)
    with clock.frozen_at(_at(first_live_month - timedelta(days=11), 9)):
        due.save_rule(qa_lead, True, "6", True, False, None)
