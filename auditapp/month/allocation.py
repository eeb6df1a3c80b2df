"""Who audits and moderates each sampled case: independence first, then an even share of the work."""

from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm.attributes import set_committed_value

from auditapp import clock, history
from auditapp.calibration.due import held_out
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Absence, Action, Audit, Case, Cycle, Review, ReviewAnswer, ReviewGrade, ThemeTag, User
from auditapp.outbox import notices
from auditapp.permissions import Actor, can_approve_withdrawal, can_manage, require
from auditapp.workdays import add_working_days


def auditor_b_problem(case: Case, person: User | None) -> str | None:
    """Why this person may not be the case's auditor B (None if they may): the independence rule,
    which the draw, the QA lead's choices and the change form all ask."""
    if person is None or not (person.active and person.is_auditor):
        return "Select an active manager with the auditor role as auditor B"
    if person.id == case.manager_id:
        return "Auditor B cannot be the case-responsible manager"
    if person.team_id == case.team_id:
        return f"Auditor B must be from a team other than {case.team.name}"
    return None


def moderator_problem(case: Case, person: User | None, auditor_b: User | None = None) -> str | None:
    """Why this person may not moderate the case with this auditor B (None if they may)."""
    if person is None or not (person.active and person.is_senior_manager):
        return "Select an active senior manager as moderator"
    if person.id in (case.manager_id, getattr(auditor_b, "id", None)):
        return "The moderator cannot be one of the case's auditors"
    return None


def allocation_problems(case: Case, auditor_b: User | None, moderator: User | None) -> dict[str, str]:
    """The independence rules, as messages keyed by the form field they concern."""
    problems = {"auditor_b": auditor_b_problem(case, auditor_b),
                "moderator": moderator_problem(case, moderator, auditor_b)}
    return {field: message for field, message in problems.items() if message}


@dataclass
class Pool:
    """The month's active people and how many audits and moderations each already has: read once
    per draw, then kept up to date as each case is allocated."""

    people: list[User]
    audits: Counter = field(default_factory=Counter)
    moderations: Counter = field(default_factory=Counter)
    away: dict[int, str] = field(default_factory=dict)  # person -> why they are not allocated
    skipped: dict[int, str] = field(default_factory=dict)  # those passed over in this draw, and why

    @classmethod
    def for_cycle(cls, cycle: Cycle) -> "Pool":
        today = clock.today()
        pool = cls(list(db.session.scalars(select(User).where(User.active.is_(True)))))
        for user_id, reason, ends_on in db.session.execute(
                select(Absence.user_id, Absence.reason, Absence.ends_on)
                .where(Absence.starts_on <= today, Absence.ends_on >= today)):
            pool.away[user_id] = f"{reason} until {ends_on:%d %B %Y}"
        # New auditors the QA lead holds out until their first calibration are passed over the same way.
        for user_id, reason in held_out().items():
            pool.away.setdefault(user_id, reason)
        rows = db.session.execute(
            select(Audit.auditor_a_id, Audit.auditor_b_id, Audit.moderator_id).where(
                Audit.cycle_id == cycle.id, Audit.withdrawn_at.is_(None)))
        for a_id, b_id, moderator_id in rows:
            pool.take(a_id, b_id, moderator_id)
        return pool

    def take(self, a_id: int, b_id: int, moderator_id: int) -> None:
        self.audits.update([a_id, b_id])
        self.moderations[moderator_id] += 1


def _available(pool: Pool, candidates: list[User]) -> list[User]:
    """Those not away and not at their monthly limit; the others are noted with the reason."""
    chosen = []
    for user in candidates:
        if user.id in pool.away:
            pool.skipped[user.id] = f"{user.name} ({pool.away[user.id]})"
        elif user.max_audits_per_month is not None and pool.audits[user.id] >= user.max_audits_per_month:
            pool.skipped[user.id] = f"{user.name} (at their limit of {user.max_audits_per_month} audits a month)"
        else:
            chosen.append(user)
    return chosen


def _least_loaded(candidates: list[User], load: Counter) -> User | None:
    # Ties go to the earliest email address, so the same register always allocates the same way.
    return min(candidates, key=lambda u: (load[u.id], u.email), default=None)


def propose(pool: Pool, case: Case) -> tuple[User | None, User | None]:
    auditor_b = _least_loaded(_available(pool, [
        u for u in pool.people if auditor_b_problem(case, u) is None]),
        pool.audits,
    )
    moderator = _least_loaded(_available(pool, [
        u for u in pool.people if moderator_problem(case, u, auditor_b) is None]),
        pool.moderations,
    )
    return auditor_b, moderator


def allocate(actor: Actor, cycle: Cycle, case: Case, replacement_for: Audit | None = None,
             pool: Pool | None = None) -> Audit:
    """Allocate one case; the case must come with its team and manager loaded (loading.CASE_ROW)."""
    require(can_manage(actor) or (replacement_for is not None and can_approve_withdrawal(actor, replacement_for)))
    pool = pool or Pool.for_cycle(cycle)
    auditor_b, moderator = propose(pool, case)
    problems = allocation_problems(case, auditor_b, moderator)
    if problems or auditor_b is None or moderator is None:  # no one proposed is itself a problem named
        raise RuleError(f"Case {case.reference} cannot be allocated: " + "; ".join(problems.values()))
    audit = Audit(
        cycle=cycle,
        case=case,
        auditor_a=case.manager,
        auditor_b=auditor_b,
        moderator=moderator,
        allocated_at=clock.now(),
        auditor_due=add_working_days(clock.today(), current_app.config["AUDITOR_DUE_WORKING_DAYS"]),
        replacement_for_id=replacement_for.id if replacement_for else None,
        # A new audit has none of these yet: saying so lets its pages read them without a query.
        reviews=[], moderated_grades=[], concerns=[],
    )
    db.session.add(audit)
    db.session.flush()
    pool.take(case.manager_id, auditor_b.id, moderator.id)
    record(actor, history.ALLOCATED, audit,
           after=f"A: {case.manager.email}, B: {auditor_b.email}, moderator: {moderator.email}")
    notices.allocated(audit)
    return audit


def change_allocation(actor: User, audit: Audit, auditor_b: User | None, moderator: User | None,
                      expected_version: int | None = None, reason: str = "", discard_draft: bool = False) -> None:
    """A new auditor B or moderator, with the reason. Auditor B with a saved draft is replaced only
    when the QA lead confirms that draft is discarded (the new auditor starts afresh, blind); one who
    has submitted, or a moderator who has started, is not replaced at all. Both the new person and
    the one replaced are told at once."""
    require(can_manage(actor), "Only the QA lead can change an allocation")
    if not audit.is_live:
        raise RuleError("This audit is signed off or withdrawn, so its allocation cannot change")
    check_version(audit.allocation_version, expected_version, "This allocation")
    reason = " ".join((reason or "").split())
    problems = allocation_problems(audit.case, auditor_b, moderator)
    changing_b = audit.auditor_b_id != getattr(auditor_b, "id", None)
    changing_m = audit.moderator_id != getattr(moderator, "id", None)
    if not (changing_b or changing_m):
        return  # nothing changes: no version moves, so no other tab meets a false conflict
    draft = audit.review("B") if changing_b else None
    if draft is not None and draft.submitted_at:
        problems.setdefault("auditor_b", "Auditor B has already submitted this audit, so cannot be replaced")
    elif draft is not None and not discard_draft:
        problems.setdefault("discard_draft", f"{audit.auditor_b.name} has saved a draft of this audit: confirm "
                                             "that it is discarded, or keep them as auditor B")
    if changing_m and audit.moderated_grades:
        problems.setdefault("moderator", "Moderation has started, so the moderator cannot change")
    if (changing_b or changing_m) and not reason:
        problems.setdefault("reason", "Say why the allocation is changing")
    if problems or auditor_b is None or moderator is None:  # no one chosen is itself a problem named
        raise Invalid(problems)
    if draft is not None:
        _discard_draft(actor, audit, draft)
    for label, role, person in (("Auditor B", "B", auditor_b), ("Moderator", "M", moderator)):
        current = audit.auditor_b if role == "B" else audit.moderator
        if current.id != person.id:
            record(actor, history.ALLOCATION_CHANGED, audit, field=label, before=current.email,
                   after=f"{person.email}: {reason}")
            notices.reallocated(audit, role, person, current)
    claim_version(audit, "allocation_version", "This allocation")
    audit.auditor_b, audit.moderator = auditor_b, moderator
    db.session.flush()


def _discard_draft(actor: User, audit: Audit, draft) -> None:
    """Auditor B's unsubmitted work, confirmed discarded by the QA lead: the review, its answers,
    proposals and theme tags. The history keeps what was saved; the new auditor B does not see it."""
    record(actor, history.B_DRAFT_DISCARDED, audit, field=audit.auditor_b.email)
    db.session.execute(delete(ReviewAnswer).where(ReviewAnswer.review_id == draft.id))
    db.session.execute(delete(Action).where(Action.audit_id == audit.id, Action.proposed_role == "B",
                                            Action.status == "proposed"))
    db.session.execute(delete(ThemeTag).where(ThemeTag.audit_id == audit.id, ThemeTag.role == "B"))
    db.session.execute(delete(ReviewGrade).where(ReviewGrade.review_id == draft.id))
    db.session.execute(delete(Review).where(Review.id == draft.id))
    # Gone from the database: gone from the loaded audit too, without the session deleting it again.
    set_committed_value(audit, "reviews", [r for r in audit.reviews if r is not draft])
    db.session.expunge(draft)


def audits_this_month(audit: Audit) -> Counter:
    """How many live audits of the audit's month each person is already auditor or moderator of:
    shown beside each candidate, so a change does not overload someone."""
    counts: Counter = Counter()
    for column in (Audit.auditor_a_id, Audit.auditor_b_id, Audit.moderator_id):
        for person, count in db.session.execute(
                select(column, func.count(Audit.id)).where(Audit.cycle_id == audit.cycle_id,
                                                           Audit.withdrawn_at.is_(None)).group_by(column)):
            counts[person] += count
    return counts
