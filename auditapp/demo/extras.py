"""The demo's families, mail, availability and targeted audit, through the rule functions:
family feedback of every outcome, reminders already sent, a manager away, and a targeted audit
part-way through."""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from auditapp import clock
from auditapp.audits import families
from auditapp.audits.reviewing import save_review
from auditapp.extensions import db
from auditapp.models import Audit, User
from auditapp.month import targeted
from auditapp.outbox import mail, notices
from auditapp.permissions import SYSTEM
from auditapp.security.people import add_absence

PARENT_WORDS = ["The worker explained why they were involved at the first visit.",
                "We were not told what the plan was until the meeting.",
                "She always rang back when she said she would."]
CHILD_WORDS = ["She talked to me on my own and listened.", "I don't know why they keep coming.",
               "Things are calmer at home now."]
OUTCOME_CYCLE = ["gave_feedback", "gave_feedback", "declined", "no_response", "not_contacted"]


def family_contact(rng: random.Random, audit: Audit, moment: datetime, index: int) -> None:
    """The auditor given the task tries to reach the family and records what came of it."""
    role = families.contact_role()
    auditor = audit.auditor(role)
    outcome = OUTCOME_CYCLE[index % len(OUTCOME_CYCLE)]
    with clock.frozen_at(moment):
        if outcome != "not_contacted":
            for attempt in range(1 if outcome == "gave_feedback" else 3):
                families.record_attempt(auditor, audit, clock.today() - timedelta(days=attempt),
                                        rng.choice(["parent", "parent", "child"]),
                                        rng.choice(["phone", "visit", "letter"]))
        answers = {}
        if outcome == "gave_feedback":
            answers["parent"] = families.Answers(
                ratings={"understood": rng.randint(2, 4), "listened": rng.randint(2, 4), "better": rng.randint(1, 4)},
                words={"understood": rng.choice(PARENT_WORDS), "listened": "", "better": "",
                       "change": "Fewer changes of worker."})
            if rng.random() < 0.6:
                answers["child"] = families.Answers(
                    ratings={"understood": None, "listened": rng.randint(2, 4), "better": rng.randint(2, 4)},
                    words={"understood": "", "listened": rng.choice(CHILD_WORDS), "better": "", "change": ""})
        families.save_feedback(auditor, audit, outcome,
                               "Contact could put the child at risk: strategy discussion advised against it."
                               if outcome == "not_contacted" else "", answers, 0)


def manager_away(today: date) -> None:
    manager = db.session.scalar(select(User).where(User.is_auditor, User.active).order_by(User.email).offset(3))
    assert manager is not None  # managers.csv has many more managers than three
    manager.line_manager_id = db.session.scalar(select(User.id).where(User.is_senior_manager).order_by(User.email))
    add_absence(SYSTEM, manager, today - timedelta(days=2), today + timedelta(days=12), "Leave")


def reminders_sent(today: date) -> None:
    """As the daily job would have: notices queued and (with no SMTP in the demo) written to the log."""
    notices.daily(today)
    db.session.commit()
    mail.deliver()


def targeted_audit(rng: random.Random, entry_for) -> None:
    cycle = targeted.start(SYSTEM, "Private fostering arrangements", ["voice", "assessment", "plan"],
                           "Was the arrangement assessed within 42 days of notification?\n"
                           "Has the child been seen alone at every visit?")
    cases = db.session.scalars(select(Audit.case_id).distinct()).all()
    from auditapp.models import Case
    references = db.session.scalars(select(Case.reference).where(Case.closed_date.is_(None), Case.id.not_in(cases))
                                    .order_by(Case.reference).limit(4)).all()
    audits = targeted.add_cases(SYSTEM, cycle, list(references))
    for index, audit in enumerate(audits[:2]):
        roles = ["A", "B"] if index == 0 else ["A"]
        for role in roles:
            review = save_review(audit.auditor(role), audit, role, entry_for(rng), submit=index == 0)
            targeted.save_answers(audit.auditor(role), audit, role, review,
                                  {1: "Yes, at 30 days.", 2: "Not at the last two visits."})
