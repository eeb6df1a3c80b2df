"""The demo's targets and commentary, set by the QA lead through the rule functions: the targets
the issue names, from the first demo month, and words for each finished month."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import User
from auditapp.months import month_label, month_start
from auditapp.reports.commentary import save_commentary
from auditapp.reports.targets import set_target

TARGETS = {"good_overall": 80, "inadequate_overall": 5, "on_time": 90, "reaudited": 100, "family_feedback": 50}
# Words for each month of the demo's year, oldest first (year.py's story: the priorities raised in
# the fifth month, their training in the seventh), the month's name put in front of each.
TOLD = [
    "Too few plans say who will do what by when; fathers are missing from a quarter of assessments.",
    "Children's own words are recorded more often; supervision is regular but rarely reflective.",
    "A better month for assessments; the plan is still the weakest domain in every team.",
    "Fathers and male carers are now the worry auditors name most; drift after reviews goes unseen.",
    "Three practice priorities raised from the year's themes: plans, supervision and fathers.",
    "Partnership working is strongest in the front door; diversity is still described, not assessed.",
    "The month of the training on fathers and the supervision workshop; figures dipped this month.",
    "Supervision records read as reflective more often since the workshop; fathers named less often.",
    "The best month of the year for Good or better overall; plans are improving slowly.",
    "Family feedback rates held up; parents say they understand the plan when it is shared before reviews.",
    "Oversight has reached its target; fathers are a worry in fewer audits, but not yet as few as we aimed.",
    "Plans remain the domain to watch: better than at the start of the year, still short of the target.",
]
DOING = [
    "A checklist for assessments: every parent and carer, including fathers, named and seen.",
    "Reflective supervision training for every team manager is being planned with the workforce team.",
    "Team managers review one plan each in supervision against the plan descriptors.",
    "Raising practice priorities from the themes at next month's leadership meeting.",
    "Each priority has an owner and a measure on the dashboard; activities booked for the summer.",
    "Identity and culture added to the assessment template; team managers check it in supervision.",
    "Briefings on plans for team managers, the practice guide published, training on fathers delivered.",
    "A learning bulletin on drift; the workshop is now part of every new manager's induction.",
    "A targeted audit of private fostering arrangements is planned, to test what the sample cannot.",
    "Plans are shared with families before every review, in plain words.",
    "Closing the oversight priority as met; a new fathers priority for children in care is being written.",
    "A second briefing on plans for the teams furthest from the target.",
]


def board_pack(past_months: list[str]) -> None:
    qa_lead = db.session.scalar(select(User).where(User.is_qa_lead).order_by(User.email))
    assert qa_lead is not None  # managers.csv names the QA lead
    with clock.frozen_at(datetime.combine(month_start(past_months[0]), time(9))):
        for measure, percent in TARGETS.items():
            set_target(qa_lead, measure, percent, past_months[0], clock.today())
    now = clock.now()
    for number, month in enumerate(past_months):
        # Written in the first days of the next month, when the month's audits are signed off (and
        # never after now: on the 1st, the last month's words were written this morning).
        next_month = month_start(month) + timedelta(days=33)
        with clock.frozen_at(min(datetime.combine(next_month.replace(day=2), time(11)), now)):
            save_commentary(qa_lead, month, f"{month_label(month)}: {TOLD[number % len(TOLD)]}",
                            DOING[number % len(DOING)], seniors_may_write=number == len(past_months) - 1,
                            expected_version=None)
