"""What each person has to do, and the QA lead's view of a month."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from .extensions import db
from .models import Audit, Concern, Cycle, User


def audits_to_do(user: User) -> list[tuple[Audit, str]]:
    """(audit, role) for each live audit where this person's own review is not yet submitted."""
    audits = db.session.scalars(
        select(Audit)
        .where(or_(Audit.auditor_a_id == user.id, Audit.auditor_b_id == user.id),
               Audit.withdrawn_at.is_(None), Audit.signed_off_at.is_(None))
        .order_by(Audit.auditor_due, Audit.id)
    )
    to_do = []
    for audit in audits:
        role = audit.role_of(user)
        review = audit.review(role)
        if not (review and review.submitted_at):
            to_do.append((audit, role))
    return to_do


def moderation_queue(user: User) -> list[Audit]:
    audits = db.session.scalars(
        select(Audit)
        .where(Audit.moderator_id == user.id, Audit.withdrawn_at.is_(None), Audit.signed_off_at.is_(None))
        .order_by(Audit.id)
    )
    return [a for a in audits if a.both_submitted]


def open_concerns_for(user: User) -> list[Concern]:
    """Open safeguarding concerns this person must know of: all of them for the QA lead."""
    query = select(Concern).join(Audit).where(Concern.acknowledged_at.is_(None)).order_by(Concern.raised_at)
    if not user.is_qa_lead:
        query = query.where(or_(Audit.auditor_a_id == user.id, Audit.moderator_id == user.id,
                                Concern.raised_by_id == user.id))
    return list(db.session.scalars(query))


def withdrawals_awaiting(user: User) -> list[Audit]:
    if not user.is_senior_manager:
        return []
    return list(db.session.scalars(
        select(Audit).where(Audit.withdrawal_requested_at.is_not(None), Audit.withdrawn_at.is_(None),
                            Audit.withdrawal_requested_by_id != user.id)
    ))


@dataclass
class CycleOverview:
    cycle: Cycle
    audits: list[Audit]
    counts: Counter

    @property
    def sampled(self) -> int:
        return len(self.audits)


OVERVIEW_STATUSES = ["Allocated", "In progress", "Ready for moderation", "Moderated",
                     "Withdrawal requested", "Withdrawn"]


def cycle_overview(cycle: Cycle, today: date) -> CycleOverview:
    audits = list(db.session.scalars(select(Audit).where(Audit.cycle_id == cycle.id).order_by(Audit.id)))
    counts = Counter(a.status for a in audits)
    counts["Overdue"] = sum(1 for a in audits if a.is_overdue(today))
    counts["Submitted"] = sum(1 for a in audits for r in a.reviews if r.submitted_at and not a.is_withdrawn)
    return CycleOverview(cycle, audits, counts)


def recent_cycles(limit: int = 3) -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.month.desc()).limit(limit)))
