"""What each person has to do, and the QA lead's view of each month, as SQL (never loops over rows)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, or_, select

from . import actions, permissions
from .extensions import db
from .loading import ACTION_ROW, AUDIT_HEADING, AUDIT_PROGRESS, AUDIT_ROW, CONCERN_ROW
from .models import Audit, Concern, Cycle, Review, User
from .remembered import remembered
from .sampling import in_live_cycle


def _submitted_by(role: str):
    return exists().where(Review.audit_id == Audit.id, Review.role == role, Review.submitted_at.is_not(None))


def _live():
    return and_(Audit.withdrawn_at.is_(None), Audit.signed_off_at.is_(None), in_live_cycle())


def audits_to_do(user: User) -> Select:
    """Live audits where this person's own review is not yet submitted, soonest due first."""
    return (
        select(Audit).options(*AUDIT_ROW, *AUDIT_PROGRESS)
        .where(_live(), or_(and_(Audit.auditor_a_id == user.id, ~_submitted_by("A")),
                            and_(Audit.auditor_b_id == user.id, ~_submitted_by("B"))))
        .order_by(Audit.auditor_due, Audit.id)
    )


def finished_audits(user: User) -> Select:
    """Audits this person did, signed off, newest first: where they read the moderator's feedback to them."""
    return (select(Audit).options(*AUDIT_ROW)
            .where(or_(Audit.auditor_a_id == user.id, Audit.auditor_b_id == user.id),
                   Audit.signed_off_at.is_not(None), Audit.withdrawn_at.is_(None), in_live_cycle())
            .order_by(Audit.signed_off_at.desc(), Audit.id.desc()))


def moderation_queue(user: User) -> Select:
    return (
        select(Audit).options(*AUDIT_ROW, *AUDIT_PROGRESS)
        .where(Audit.moderator_id == user.id, _live(), _submitted_by("A"), _submitted_by("B"))
        .order_by(Audit.moderation_due, Audit.id)
    )


def open_concerns_for(user: User) -> Select:
    """Open safeguarding concerns this person must know of: all of them for the QA lead."""
    query = (select(Concern).options(*CONCERN_ROW).join(Audit)
             .where(Concern.acknowledged_at.is_(None), in_live_cycle())
             .order_by(Concern.raised_at, Concern.id))
    if not permissions.can_manage(user):
        query = query.where(or_(Audit.auditor_a_id == user.id, Audit.moderator_id == user.id,
                                Concern.raised_by_id == user.id))
    return query


def withdrawals_awaiting(user: User) -> Select:
    query = (select(Audit).options(*AUDIT_ROW)
             .where(Audit.withdrawal_requested_at.is_not(None), Audit.withdrawn_at.is_(None),
                    Audit.withdrawal_requested_by_id != user.id, in_live_cycle())
             .order_by(Audit.withdrawal_requested_at, Audit.id))
    return query if permissions.moderates(user) else query.where(False)


def cycle_audits(cycle: Cycle) -> Select:
    return select(Audit).options(*AUDIT_HEADING, *AUDIT_PROGRESS).where(Audit.cycle_id == cycle.id).order_by(Audit.id)


OVERVIEW_STATUSES = ["Allocated", "In progress", "Ready for moderation", "Moderated",
                     "Withdrawal requested", "Withdrawn"]


@dataclass
class CycleOverview:
    cycle: Cycle
    counts: dict[str, int] = field(default_factory=dict)  # by status, plus "Overdue" and "Submitted"

    @property
    def sampled(self) -> int:
        return sum(self.counts.get(status, 0) for status in OVERVIEW_STATUSES)


def status_columns(today: date, cycle_ids: list[int]):
    """Audit.status, Audit.is_overdue and the submitted reviews of a live audit, as SQL expressions
    over Audit outer-joined to the returned per-audit review counts (of these cycles' audits only)."""
    reviews = (select(Review.audit_id, func.count().label("started"),
                      func.count(Review.submitted_at).label("submitted"))
               .join(Audit, Audit.id == Review.audit_id).where(Audit.cycle_id.in_(cycle_ids))
               .group_by(Review.audit_id).subquery())
    started, submitted = func.coalesce(reviews.c.started, 0), func.coalesce(reviews.c.submitted, 0)
    status = case(
        (Audit.withdrawn_at.is_not(None), "Withdrawn"),
        (Audit.withdrawal_requested_at.is_not(None), "Withdrawal requested"),
        (Audit.signed_off_at.is_not(None), "Moderated"),
        (submitted == 2, "Ready for moderation"),
        (started > 0, "In progress"),
        else_="Allocated",
    )
    overdue = case((and_(_live(), or_(and_(submitted < 2, Audit.auditor_due < today),
                                      and_(submitted == 2, Audit.moderation_due < today))), 1), else_=0)
    live_submitted = case((Audit.withdrawn_at.is_(None), submitted), else_=0)
    return reviews, status, overdue, live_submitted


def cycle_overviews(cycles: list[Cycle], today: date) -> list[CycleOverview]:
    """Each cycle's counts by status, overdue and submitted (remembered until the data changes)."""
    counts = remembered("cycle counts", (tuple(c.id for c in cycles), today),
                        lambda: _cycle_counts([c.id for c in cycles], today))
    return [CycleOverview(c, dict(counts.get(c.id, {}))) for c in cycles]


def _cycle_counts(cycle_ids: list[int], today: date) -> dict[int, dict[str, int]]:
    """One grouped query for all the cycles."""
    result: dict[int, dict[str, int]] = {cycle_id: {} for cycle_id in cycle_ids}
    reviews, status, overdue, live_submitted = status_columns(today, cycle_ids)
    rows = db.session.execute(
        select(Audit.cycle_id, status, func.count(), func.sum(overdue), func.sum(live_submitted))
        .outerjoin(reviews, reviews.c.audit_id == Audit.id)
        .where(Audit.cycle_id.in_(cycle_ids))
        .group_by(Audit.cycle_id, status)
    )
    for cycle_id, state, count, late, submitted in rows:
        counts = result[cycle_id]
        counts[state] = count
        counts["Overdue"] = counts.get("Overdue", 0) + int(late or 0)
        counts["Submitted"] = counts.get("Submitted", 0) + int(submitted or 0)
    return result


def cycles_newest_first() -> Select:
    return select(Cycle).where(Cycle.kind == "random").order_by(Cycle.month.desc())


def actions_owned(user: User) -> Select:
    return actions.owned_by(user).options(*ACTION_ROW)


def actions_to_verify(user: User) -> Select:
    return actions.to_verify(user).options(*ACTION_ROW)
