"""The monthly cycle: opening a month, the reproducible stratified sample, withdrawals and replacements."""

import random
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import exists, func, select

from auditapp import clock, history
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Audit, Case, Concern, Cycle, Review, Team, User
from auditapp.models.loading import CASE_ROW
from auditapp.models.sets import WITHDRAWAL_REASONS
from auditapp.month.allocation import Pool, allocate
from auditapp.months import check_month, month_label, month_of, month_start, months_before
from auditapp.permissions import Actor, can_approve_withdrawal, can_manage, can_request_withdrawal, require


def openable_months(today: date) -> tuple[str, str]:
    """The first and last month a cycle may be opened for: back as far as the look-back window
    (to catch up a missed month), forward only to next month (a typo must not open 2030)."""
    current = month_of(today)
    return months_before(current, current_app.config["SAMPLE_LOOKBACK_MONTHS"]), months_before(current, -1)


def open_cycle_for(month: str) -> Cycle | None:
    """The month's cycle, unless it was cancelled."""
    return db.session.scalar(select(Cycle).where(Cycle.month == month, Cycle.kind == "random",
                                                 Cycle.cancelled_at.is_(None)))


def has_moderated_audit():
    """A month's cycle has a signed-off audit that was not withdrawn: it has figures to report."""
    return exists().where(Audit.cycle_id == Cycle.id, Audit.signed_off_at.is_not(None), Audit.withdrawn_at.is_(None))


def months_to_report() -> list[tuple[str, bool]]:
    """Every live month, newest first, and whether it has moderated audits."""
    return [tuple(row) for row in db.session.execute(
        select(Cycle.month, has_moderated_audit()).where(Cycle.kind == "random", Cycle.cancelled_at.is_(None))
        .order_by(Cycle.month.desc()))]


def month_to_report(months: list[tuple[str, bool]] | None = None) -> str | None:
    """The month reports open on: the latest with a moderated audit (a month just opened has no
    figures yet), or the latest month opened when none has been moderated."""
    months = months_to_report() if months is None else months
    return next((month for month, moderated in months if moderated), months[0][0] if months else None)


def next_month_to_open(today: date) -> str | None:
    """This month if it is not open yet, else next month if that is not; None when both are."""
    for month in (month_of(today), months_before(month_of(today), -1)):
        if open_cycle_for(month) is None:
            return month
    return None


def open_cycle(actor: Actor, month: str, per_team: int | None = None) -> Cycle:
    require(can_manage(actor), "Only the QA lead can open a month")
    month = check_month(month)
    first, last = openable_months(clock.today())
    if not first <= month <= last:
        raise RuleError(f"Enter a month from {month_label(first)} ({first}) to {month_label(last)} ({last}): "
                        "a month can be opened when it is this month or next month, or a missed month in the last "
                        f"{current_app.config['SAMPLE_LOOKBACK_MONTHS']} months", "month")
    if open_cycle_for(month):
        raise RuleError(f"{month_label(month)} is already open", "month")
    config = current_app.config
    cycle = Cycle(
        month=month,
        per_team=per_team or config["SAMPLE_PER_TEAM"],
        lookback_months=config["SAMPLE_LOOKBACK_MONTHS"],
        opened_by_id=actor.id,
        opened_at=clock.now(),
    )
    db.session.add(cycle)
    db.session.flush()
    record(actor, history.MONTH_OPENED, field=month_label(month))
    return cycle


def cancel_cycle(actor: User, cycle: Cycle, reason: str) -> None:
    """Undo a month opened by mistake, while nobody has started on it. The cycle stays on record;
    its audits leave every list and its month can be opened again."""
    require(can_manage(actor), "Only the QA lead can cancel a month")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Enter the reason for cancelling the month", "reason")
    if cycle.cancelled_at is not None:
        raise RuleError(f"{month_label(cycle.month)} is already cancelled")
    audits = select(Audit.id).where(Audit.cycle_id == cycle.id)
    started = db.session.scalar(select(func.count(Review.id)).where(Review.audit_id.in_(audits)))
    concerns = db.session.scalar(select(func.count(Concern.id)).where(Concern.audit_id.in_(audits)))
    if started or concerns:
        raise RuleError(f"{month_label(cycle.month)} cannot be cancelled: auditors have started work on it. "
                        "Withdraw cases one by one instead.")
    cycle.cancelled_at, cycle.cancelled_by_id, cycle.cancel_reason = clock.now(), actor.id, reason
    record(actor, history.MONTH_CANCELLED, field=month_label(cycle.month), after=reason)
    db.session.flush()


def eligible_case_ids(cycle: Cycle, team_id: int | None = None) -> dict[int, list[int]]:
    """Per team, the ids of open cases not audited in the look-back window nor already in this cycle,
    in case-reference order (so that the same seed over the same register draws the same cases)."""
    recent = (
        select(Audit.case_id)
        .join(Cycle)
        .where(
            Audit.withdrawn_at.is_(None),
            Cycle.cancelled_at.is_(None),
            Cycle.month >= months_before(cycle.month, cycle.lookback_months),
            Cycle.month < cycle.month,
        )
    )
    in_cycle = select(Audit.case_id).where(Audit.cycle_id == cycle.id)
    # Ids only: the register can hold tens of thousands of cases, and only the chosen few are loaded.
    query = select(Case.team_id, Case.id).where(
        Case.id.not_in(recent),
        Case.id.not_in(in_cycle),
        Case.open_date < month_start(months_before(cycle.month, -1)),
    )
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    if current_app.config["SAMPLE_EXCLUDE_CLOSED"]:
        query = query.where(Case.closed_date.is_(None))
    by_team: dict[int, list[int]] = {}
    for team, case_id in db.session.execute(query.order_by(Case.reference)):
        by_team.setdefault(team, []).append(case_id)
    return by_team


def _cases(ids: list[int]) -> list[Case]:
    """The cases with these ids, in the same order, with what allocation reads."""
    found = {c.id: c for c in db.session.scalars(select(Case).options(*CASE_ROW).where(Case.id.in_(ids)))}
    return [found[i] for i in ids]


def draw_sample(actor: Actor, cycle: Cycle, seed: int | None = None,
                per_team: int | None = None) -> list[Audit]:
    require(can_manage(actor), "Only the QA lead can draw the sample")
    if cycle.sampled_at is not None:
        raise RuleError(f"The sample for {cycle.month} has already been drawn")
    cycle.seed = seed if seed is not None else secrets.randbelow(10**9)
    if per_team is not None:
        if per_team < 1:
            raise RuleError("Cases per team must be 1 or more", "per_team")
        cycle.per_team = per_team
    rng = random.Random(cycle.seed)
    from auditapp.month import reaudits
    reaudit_cases = reaudits.due_case_ids(cycle.month)
    candidates = {team: [c for c in cases if c not in reaudit_cases]
                  for team, cases in eligible_case_ids(cycle).items()}
    chosen: list[int] = []
    for team_id in db.session.scalars(select(Team.id).order_by(Team.name)):
        team_cases = candidates.get(team_id, [])
        chosen += rng.sample(team_cases, min(cycle.per_team, len(team_cases)))
    if not chosen:
        raise RuleError("There are no eligible cases in the register to sample")
    pool = Pool.for_cycle(cycle)
    audits = [allocate(actor, cycle, case, pool=pool) for case in _cases(chosen)]
    audits += reaudits.draw(actor, cycle, pool)
    if pool.skipped:
        # The QA lead sees why someone was given no audit this month.
        record(actor, history.passed_over(cycle.month), after="; ".join(sorted(pool.skipped.values())))
    cycle.sampled_at = clock.now()
    record(actor, history.sample_drawn(month_label(cycle.month)),
           after=f"draw number {cycle.seed}, {cycle.per_team} per team, {len(audits)} cases")
    return audits


def request_withdrawal(actor: User, audit: Audit, reason: str, note: str) -> None:
    require(can_request_withdrawal(actor), "Only the QA lead or a senior manager can ask to withdraw a case")
    if reason not in WITHDRAWAL_REASONS:
        raise RuleError("Select a reason for withdrawing the case", "reason")
    if not audit.is_live or audit.withdrawal_requested_at:
        raise RuleError("This audit cannot be withdrawn now")
    audit.withdrawal_reason = reason
    audit.withdrawal_note = note.strip() or None
    audit.withdrawal_requested_by_id = actor.id
    audit.withdrawal_requested_at = clock.now()
    record(actor, history.WITHDRAWAL_REQUESTED, audit, after=WITHDRAWAL_REASONS[reason])
    db.session.flush()


def decide_withdrawal(actor: User, audit: Audit, approve: bool) -> Audit | None:
    """Approve (withdraw and draw a replacement from the same team) or refuse. Returns the replacement."""
    require(can_approve_withdrawal(actor, audit),
            "A different senior manager from the one who asked must decide on a withdrawal")
    if not audit.withdrawal_requested_at or audit.withdrawn_at:
        raise RuleError("There is no withdrawal request waiting for a decision")
    if not approve:
        record(actor, history.WITHDRAWAL_REFUSED, audit, before=WITHDRAWAL_REASONS.get(audit.withdrawal_reason or ""))
        audit.withdrawal_reason = audit.withdrawal_note = None
        audit.withdrawal_requested_by_id = audit.withdrawal_requested_at = None
        db.session.flush()
        return None
    audit.withdrawn_at = clock.now()
    audit.withdrawal_approved_by_id = actor.id
    record(actor, history.WITHDRAWAL_APPROVED, audit, after=WITHDRAWAL_REASONS.get(audit.withdrawal_reason or ""))
    db.session.flush()
    return draw_replacement(actor, audit)


def draw_replacement(actor: User, withdrawn: Audit) -> Audit | None:
    require(can_manage(actor) or can_approve_withdrawal(actor, withdrawn))
    cycle, team = withdrawn.cycle, withdrawn.case.team
    candidates = eligible_case_ids(cycle, team.id).get(team.id, [])
    if not candidates:
        record(actor, history.NO_REPLACEMENT, withdrawn, field=team.name)
        return None
    # Seeded by the cycle and the withdrawn case, so a replacement is reproducible too.
    case = _cases([random.Random(f"{cycle.seed}:{withdrawn.case.reference}").choice(candidates)])[0]
    replacement = allocate(actor, cycle, case, replacement_for=withdrawn)
    record(actor, history.REPLACEMENT_DRAWN, withdrawn, after=case.reference)
    return replacement
