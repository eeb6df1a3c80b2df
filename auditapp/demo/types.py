"""The demo's audits of the three ready types (issue 24), this month, through the rule functions:
supervision-record audits (single, with a senior manager's review), practice observations (consent
first: one family refuses) and case-file compliance checks (single), some finished, some in
progress, so each type's summary, and the monthly summary's list of them, have something to show."""

import random
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from auditapp import clock
from auditapp.audits import single
from auditapp.audits.reviewing import DomainEntry, ReviewEntry, save_review
from auditapp.demo.framework import QA_LEAD, db_user
from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.grading import DOMAINS
from auditapp.models import Audit, AuditType, Case, Cycle
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.month import targeted
from auditapp.months import month_of
from auditapp.permissions import SYSTEM

SUPERVISION, OBSERVATION, COMPLIANCE = "Supervision-record audit", "Practice observation", "Case-file compliance check"
# How many audits of each, and what happens to them: finished, submitted (waiting for review), a
# draft, not started; for observations, the first refuses consent.
PLAN = {SUPERVISION: (8, ["finished"] * 5 + ["submitted", "draft", "none"]),
        OBSERVATION: (6, ["refused", "finished", "finished", "finished", "finished", "none"]),
        COMPLIANCE: (9, ["finished"] * 7 + ["draft", "none"])}
GRADES = ["outstanding", "good", "good", "good", "requires_improvement", "requires_improvement", "inadequate"]
IMPROVE = ["Record the reasons for each decision, not only the decision.",
           "Pick up last month's actions at the start of each supervision.",
           "Reflect on the child's lived experience, not only the tasks."]
OBSERVED = ["A home visit with the mother and two children: the worker saw the children alone in their room.",
            "A child protection core group: the worker chaired, the school and health visitor attended.",
            "A direct-work session at school using a three houses tool."]
FAMILY = ["She listened and explained what would happen next.", "We felt judged at first, better by the end.",
          "The children liked her and want her to keep coming."]


def load_typed_audits(at: Callable[[float], datetime]) -> None:
    """`at(days)`: the moment that many days into this month's demo work (never after now). Its own
    random numbers, so the rest of the demo is drawn as it was before these audits."""
    rng = random.Random(24)
    qa_lead = db_user(QA_LEAD)
    # This month's, even on the 1st, when its demo work is squeezed into hours that began last month.
    month = month_of(clock.today())
    with clock.frozen_at(at(0.5)):
        audit_types.ensure_shipped(SYSTEM)
    taken = set(db.session.scalars(select(Audit.case_id).join(Cycle, Cycle.id == Audit.cycle_id)
                                   .where(Cycle.month == month)))
    free = list(db.session.scalars(select(Case.reference).where(Case.id.not_in(taken), Case.closed_date.is_(None))
                                   .order_by(Case.reference)))
    for name, (count, stages) in PLAN.items():
        kind = db.session.scalars(select(AuditType).where(AuditType.name == name)).one()
        with clock.frozen_at(at(1)):
            cycle = targeted.start_of_type(qa_lead, f"{name}s this month", audit_types.latest(kind.id))
            cycle.month = month
            chosen = rng.sample(free, count)
            free = [ref for ref in free if ref not in chosen]
            audits = targeted.add_cases(qa_lead, cycle, chosen, confirmed=True)
        for index, (audit, stage) in enumerate(zip(audits, stages)):
            _work(rng, _again(audit), name, stage, at(3 + index % 5))


def _work(rng: random.Random, audit: Audit, name: str, stage: str, moment: datetime) -> None:
    if stage == "none":
        return
    auditor = audit.auditor_b
    with clock.frozen_at(moment):
        if name == OBSERVATION:
            single.record_consent(auditor, audit, "B", "refused" if stage == "refused" else "given")
            if stage == "refused":
                return
        entry = ReviewEntry(working_well="The records are easy to follow.",
                            needs_to_change=rng.choice(IMPROVE), safeguarding_concern="no")
        entry.domains = {key: DomainEntry() for key in DOMAINS}
        review = save_review(auditor, audit, "B", entry, submit=False)
        targeted.save_answers(auditor, audit, "B", review, _answers(rng, name))
        if stage == "draft":
            return
        save_review(auditor, _again(audit), "B", entry, submit=True)
    if stage == "finished" and name != COMPLIANCE:  # a single audit is signed off on submission
        with clock.frozen_at(moment.replace(hour=15)):
            reviewed = _again(audit)
            single.agree(reviewed.moderator, reviewed, "Agreed: a fair reading of the records.")


def _again(audit: Audit) -> Audit:
    found = db.session.get(Audit, audit.id, options=AUDIT_IN_FULL, populate_existing=True)
    assert found is not None
    return found


def _answers(rng: random.Random, name: str) -> dict[int, str]:
    if name == SUPERVISION:
        return {**{n: rng.choice(GRADES) for n in range(1, 6)}, 6: rng.choice(IMPROVE)}
    if name == OBSERVATION:
        return {1: clock.today().isoformat(), 2: rng.choice(OBSERVED), 3: rng.choice(GRADES[:-1]),
                4: rng.choice(FAMILY)}
    items = {n: rng.choices(["yes", "no", "not applicable"], weights=[7, 2, 1])[0] for n in range(1, 7)}
    missing = [n for n, answer in items.items() if answer == "no"]
    return {**items, 7: "The genogram and chronology need bringing up to date." if missing else ""}
