"""What each person has to do, and the QA lead's view of each month, as SQL (never loops over rows)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm.attributes import set_committed_value

from auditapp import permissions
from auditapp.extensions import db
from auditapp.findings import actions
from auditapp.models import Audit, Concern, Cycle, Review, SentMessage, User
from auditapp.models.loading import ACTION_ROW, AUDIT_HEADING, AUDIT_PROGRESS, AUDIT_ROW, CONCERN_ROW
from auditapp.months import in_live_cycle, month_label
from auditapp.remembered import remembered


def _submitted_by(role: str):
    return exists().where(Review.audit_id == Audit.id, Review.role == role, Review.submitted_at.is_not(None))


def _single():
    """The audit is of a type with one auditor (B): the case-responsible manager has nothing to write."""
    return Audit.cycle_id.in_(select(Cycle.id).where(Cycle.course.in_(("single", "single with review"))))


def _live():
    return and_(Audit.withdrawn_at.is_(None), Audit.signed_off_at.is_(None), in_live_cycle())


def audits_to_do(user: User) -> Select:
    """Live audits where this person's own review is not yet submitted, soonest due first."""
    return (
        select(Audit).options(*AUDIT_ROW, *AUDIT_PROGRESS)
        .where(_live(), or_(and_(Audit.auditor_a_id == user.id, ~_submitted_by("A"), ~_single()),
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
        .where(Audit.moderator_id == user.id, _live(),
               or_(and_(_submitted_by("A"), _submitted_by("B")),
                   and_(_submitted_by("B"), Audit.cycle_id.in_(select(Cycle.id).where(
                       Cycle.course == "single with review")))))
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
    return query if permissions.moderates(user) else query.where(false())


def cycle_audits(cycle: Cycle) -> Select:
    """A month's audits in order, for its overview and its allocation file: `with_people` then
    gives them their auditors and moderator."""
    return select(Audit).options(*AUDIT_HEADING, *AUDIT_PROGRESS).where(Audit.cycle_id == cycle.id).order_by(Audit.id)


PEOPLE_OF_AN_AUDIT = ("auditor_a", "auditor_b", "moderator")


def with_people(audits: list[Audit]) -> list[Audit]:
    """The audits with each one's auditors and moderator set as loaded: every person of every
    audit in one statement."""
    ids = {getattr(audit, f"{role}_id") for audit in audits for role in PEOPLE_OF_AN_AUDIT}
    ids.discard(None)
    people = {person.id: person for person in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    for audit in audits:
        for role in PEOPLE_OF_AN_AUDIT:
            set_committed_value(audit, role, people.get(getattr(audit, f"{role}_id")))
    return audits


COUNTED_BESIDE_STATUS = ("Overdue", "Submitted")  # in CycleOverview.counts, but not statuses
OVERVIEW_STATUSES = ["Allocated", "In progress", "Ready for moderation", "Moderated",
                     "Withdrawal requested", "Withdrawn"]


@dataclass
class CycleOverview:
    cycle: Cycle
    counts: dict[str, int] = field(default_factory=dict)  # by status, plus "Overdue" and "Submitted"
    overdue: list["Overdue"] = field(default_factory=list)  # from this month and those before, newest first

    @property
    def sampled(self) -> int:
        return sum(self.counts.get(status, 0) for status in OVERVIEW_STATUSES)

    @property
    def audits(self) -> int:
        """Every audit of the month, whatever its status (what `cycle_audits` lists)."""
        return sum(count for key, count in self.counts.items() if key not in COUNTED_BESIDE_STATUS)


@dataclass(frozen=True)
class StatusColumns:
    """An audit's state as SQL over Audit outer-joined to `reviews` (per-audit review counts)."""
    reviews: Any
    status: Any
    overdue: Any  # 1 when a live audit is past a due date with that part not done, else 0
    live_submitted: Any
    auditors_late: Any  # past the auditors' due date with a review not submitted
    moderation_late: Any  # both reviews in, past the moderation due date
    role_late: dict[str, Any]  # auditor A's or B's own part past due


def status_columns(today: date, cycle_ids: list[int] | None = None) -> StatusColumns:
    """Audit.status, Audit.is_overdue and the submitted reviews, as SQL: the one statement of what
    "overdue" means for lists, counts and the task list alike. The review counts are of these
    cycles' audits, or (None) of every live audit."""
    which = Audit.cycle_id.in_(cycle_ids) if cycle_ids is not None else _live()
    reviews = (select(Review.audit_id, func.count().label("started"),
                      func.count(Review.submitted_at).label("submitted"),
                      *(func.count(case((Review.role == role, Review.submitted_at))).label(f"submitted_{role}")
                        for role in ("A", "B")))
               .join(Audit, Audit.id == Review.audit_id).where(which)
               .group_by(Review.audit_id).subquery())
    started, submitted = func.coalesce(reviews.c.started, 0), func.coalesce(reviews.c.submitted, 0)
    single = _single()  # one auditor (B): its states are its own, as Audit.status says
    status = case(
        (Audit.consent == "refused", "Ended: consent refused"),
        (Audit.withdrawn_at.is_not(None), "Withdrawn"),
        (Audit.withdrawal_requested_at.is_not(None), "Withdrawal requested"),
        (and_(single, Audit.signed_off_at.is_not(None)), "Signed off"),
        (Audit.signed_off_at.is_not(None), "Moderated"),
        (and_(single, submitted > 0), "Waiting for the senior manager's review"),
        (and_(single, Audit.returned_at.is_not(None)), "Returned to the auditor"),
        (submitted == 2, "Ready for moderation"),
        (started > 0, "In progress"),
        else_="Allocated",
    )
    auditors_late = and_(_live(), submitted < case((single, 1), else_=2), Audit.auditor_due < today)
    moderation_late = and_(_live(), submitted == 2, Audit.moderation_due < today)
    overdue = case((or_(auditors_late, moderation_late), 1), else_=0)
    live_submitted = case((Audit.withdrawn_at.is_(None), submitted), else_=0)
    role_late = {role: and_(auditors_late, func.coalesce(reviews.c[f"submitted_{role}"], 0) == 0,
                            ~single if role == "A" else true())
                 for role in ("A", "B")}
    return StatusColumns(reviews, status, overdue, live_submitted, auditors_late, moderation_late, role_late)


def cycle_overviews(cycles: list[Cycle], today: date) -> list[CycleOverview]:
    """Each cycle's counts by status, overdue and submitted, and what is overdue from it and the
    months before it (remembered until the data changes)."""
    counts = remembered("cycle counts", (tuple(c.id for c in cycles), today),
                        lambda: _cycle_counts([c.id for c in cycles], today))
    late = overdue_by_month(today) if cycles else {}
    return [CycleOverview(c, dict(counts.get(c.id, {})), overdue_up_to(late, c.month)) for c in cycles]


def _cycle_counts(cycle_ids: list[int], today: date) -> dict[int, dict[str, int]]:
    """One grouped query for all the cycles."""
    result: dict[int, dict[str, int]] = {cycle_id: {} for cycle_id in cycle_ids}
    c = status_columns(today, cycle_ids)
    rows = db.session.execute(
        select(Audit.cycle_id, c.status, func.count(), func.sum(c.overdue), func.sum(c.live_submitted))
        .outerjoin(c.reviews, c.reviews.c.audit_id == Audit.id)
        .where(Audit.cycle_id.in_(cycle_ids))
        .group_by(Audit.cycle_id, c.status)
    )
    for cycle_id, state, count, late, submitted in rows:
        counts = result[cycle_id]
        counts[state] = count
        counts["Overdue"] = counts.get("Overdue", 0) + int(late or 0)
        counts["Submitted"] = counts.get("Submitted", 0) + int(submitted or 0)
    return result


@dataclass(frozen=True)
class Overdue:
    """Live audits of one month's sample past a due date today: the auditors' part or moderation."""
    month: str
    auditors: int
    moderation: int

    @property
    def total(self) -> int:
        return self.auditors + self.moderation


def overdue_by_month(today: date) -> dict[str, Overdue]:
    """Every monthly sample's overdue audits today, by month, in one grouped statement (remembered)."""
    def count() -> dict[str, Overdue]:
        c = status_columns(today)
        late = func.sum(case((c.auditors_late, 1), else_=0)), func.sum(case((c.moderation_late, 1), else_=0))
        rows = db.session.execute(
            select(Cycle.month, *late).join(Cycle, Cycle.id == Audit.cycle_id)
            .outerjoin(c.reviews, c.reviews.c.audit_id == Audit.id)
            .where(_live(), Cycle.kind == "random").group_by(Cycle.month))
        return {month: Overdue(month, int(a or 0), int(m or 0)) for month, a, m in rows if a or m}
    return remembered("overdue by month", today, count)


def overdue_up_to(late: dict[str, Overdue], month: str | None = None) -> list[Overdue]:
    """What is overdue from this month and the months before it (None: from every month), newest first."""
    return sorted((o for o in late.values() if month is None or o.month <= month), key=lambda o: o.month,
                  reverse=True)


def overdue_text(late: list[Overdue], part: str = "total") -> str:
    """"3 overdue: 2 from November 2026, 1 from October 2026", or "None overdue"; `part` counts
    only the auditors' or the moderation part."""
    months = [(o.month, getattr(o, part)) for o in late if getattr(o, part)]
    if not months:
        return "None overdue"
    return (f"{sum(n for _, n in months)} overdue: "
            + ", ".join(f"{n} from {month_label(month)}" for month, n in months))


def overdue_auditors(today: date) -> list[str]:
    """The auditors with a part of a monthly sample's audit past due and not submitted, by name."""
    c = status_columns(today)
    late = [select(column).outerjoin(c.reviews, c.reviews.c.audit_id == Audit.id)
            .join(Cycle, Cycle.id == Audit.cycle_id).where(c.role_late[role], Cycle.kind == "random")
            for role, column in (("A", Audit.auditor_a_id), ("B", Audit.auditor_b_id))]
    return list(db.session.scalars(select(User.name).where(or_(*(User.id.in_(q) for q in late)))
                                   .order_by(User.name)))


def cycles_newest_first() -> Select:
    return select(Cycle).where(Cycle.kind == "random").order_by(Cycle.month.desc())


def newest_cycles(count: int) -> list[Cycle]:
    """The newest months, for a start page's overviews: no count of every month (no pager there)."""
    return list(db.session.scalars(cycles_newest_first().limit(count)))


def actions_owned(user: User) -> Select:
    return actions.owned_by(user).options(*ACTION_ROW)


def actions_to_verify(user: User) -> Select:
    return actions.to_verify(user).options(*ACTION_ROW)


def sent_to(user: User, limit: int = 5) -> list[SentMessage]:
    """What the service has emailed this person lately, for their start page."""
    # About audits still in the sample: a cancelled month's audits leave every list.
    live = or_(SentMessage.audit_id.is_(None),
               SentMessage.audit_id.in_(select(Audit.id).where(in_live_cycle(), Audit.withdrawn_at.is_(None))))
    return list(db.session.scalars(select(SentMessage).where(SentMessage.user_id == user.id, live)
                                   .order_by(SentMessage.id.desc()).limit(limit)))
