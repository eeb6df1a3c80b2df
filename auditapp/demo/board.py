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
TOLD = ["Plans are more specific than last month, but fathers are still missing from too many assessments.",
        "Children's own words are recorded more often; supervision is regular but rarely reflective.",
        "Partnership working is strongest in the front door; diversity is still described, not assessed."]
DOING = ["A practice week on working with fathers, and a checklist for assessments.",
         "Reflective supervision training for every team manager by the end of next month.",
         "Identity and culture added to the assessment template; team managers check it in supervision."]


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
