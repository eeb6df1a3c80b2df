"""Re-audits: a case whose audit is moderated Inadequate overall is audited again, about three
months later, beside that month's random sample, so the change in each domain shows."""

from dataclasses import dataclass
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import joinedload, selectinload

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.grading import JUDGEMENTS, Grade
from auditapp.history import record
from auditapp.models import Audit, Case, Cycle, Reaudit, User
from auditapp.month.allocation import Pool, allocate
from auditapp.months import month_label, months_before
from auditapp.permissions import Actor


def schedule_if_inadequate(actor: User, audit: Audit, overall: int | None) -> Reaudit | None:
    """Called at sign-off with the moderated overall grade."""
    if overall != Grade.INADEQUATE:
        return None
    existing = db.session.scalar(select(Reaudit).where(Reaudit.first_audit_id == audit.id))
    if existing is not None:
        return existing
    due = months_before(audit.cycle.month, -current_app.config["REAUDIT_AFTER_MONTHS"])  # months after
    reaudit = Reaudit(first_audit_id=audit.id, due_month=due, scheduled_at=clock.now())
    db.session.add(reaudit)
    record(actor, history.REAUDIT_SCHEDULED, audit, after=due)
    return reaudit


def cancel_on_reopen(actor: User, audit: Audit) -> None:
    """A reopened audit may be signed off with another grade: a re-audit not yet drawn waits for that."""
    # A DELETE's result is a cursor's, which counts the rows it removed.
    gone = cast(CursorResult, db.session.execute(delete(Reaudit).where(Reaudit.first_audit_id == audit.id,
                                                                       Reaudit.audit_id.is_(None)))).rowcount
    if gone:
        record(actor, history.REAUDIT_UNSCHEDULED, audit)


def due_case_ids(month: str) -> set[int]:
    return set(db.session.scalars(select(Audit.case_id).join(Reaudit, Reaudit.first_audit_id == Audit.id)
                                  .where(Reaudit.due_month <= month, Reaudit.audit_id.is_(None),
                                         Reaudit.note.is_(None))))


def draw(actor: Actor, cycle: Cycle, pool: Pool) -> list[Audit]:
    """Re-audits due this month (or missed from an earlier one) join the month's sample."""
    due = list(db.session.scalars(
        select(Reaudit).options(joinedload(Reaudit.first_audit).options(
            joinedload(Audit.cycle), joinedload(Audit.case).options(joinedload(Case.team), joinedload(Case.manager))))
        .where(Reaudit.due_month <= cycle.month, Reaudit.audit_id.is_(None), Reaudit.note.is_(None))
        .order_by(Reaudit.id)))
    drawn = []
    for reaudit in due:
        case = reaudit.first_audit.case
        if case.closed_date is not None:
            reaudit.note = f"Not re-audited: the case closed on {case.closed_date:%d %B %Y}"
            record(actor, history.REAUDIT_NOT_DRAWN, reaudit.first_audit, after=reaudit.note)
            continue
        audit = allocate(actor, cycle, case, pool=pool)
        reaudit.audit_id = audit.id
        record(actor, history.REAUDIT_DRAWN, reaudit.first_audit, after=f"{cycle.month}, audit {audit.id}")
        record(actor, history.ALLOCATED_AS_REAUDIT, audit, after=f"of the {reaudit.first_audit.cycle.month} audit")
        drawn.append(audit)
    return drawn


def links(audit: Audit) -> tuple[Reaudit | None, Reaudit | None]:
    """(the re-audit this audit is, the re-audit scheduled from this audit)."""
    rows = db.session.scalars(select(Reaudit).where(
        (Reaudit.audit_id == audit.id) | (Reaudit.first_audit_id == audit.id))).all()
    return (next((r for r in rows if r.audit_id == audit.id), None),
            next((r for r in rows if r.first_audit_id == audit.id), None))


@dataclass
class ReauditRow:
    reaudit: Reaudit
    first: Audit
    second: Audit | None
    # judgement -> (first grade, second grade): both moderated
    change: dict[str, tuple[int | None, int | None]]

    @property
    def state(self) -> str:
        if self.reaudit.note:
            return self.reaudit.note
        if self.second is None:
            return f"Due {month_label(self.reaudit.due_month)}"
        if self.second.signed_off_at is None:
            return f"In progress ({month_label(self.second.cycle.month)})"
        return f"Moderated ({month_label(self.second.cycle.month)})"


def overview(month: str | None = None) -> list[ReauditRow]:
    """Every re-audit, soonest due first, with the change in each moderated grade once known.
    `month`: only those due in that month."""
    query = (select(Reaudit).options(
        joinedload(Reaudit.first_audit).options(joinedload(Audit.case).joinedload(Case.team),
                                                joinedload(Audit.cycle), selectinload(Audit.moderated_grades)),
        joinedload(Reaudit.audit).options(joinedload(Audit.cycle), selectinload(Audit.moderated_grades)))
        .order_by(Reaudit.due_month.desc(), Reaudit.id))
    if month:
        query = query.where(Reaudit.due_month == month)
    rows = []
    for reaudit in db.session.scalars(query).unique():
        first, second = reaudit.first_audit, reaudit.audit
        change = {}
        for key in JUDGEMENTS:
            before = first.moderated_grade(key)
            after = second.moderated_grade(key) if second is not None and second.signed_off_at else None
            change[key] = (before.grade if before else None, after.grade if after else None)
        rows.append(ReauditRow(reaudit, first, second, change))
    return rows
