"""The audit types whose audits were started in a month or period, for the monthly summary to list
apart from the random sample (issue 24): their figures are each type's own summary's, never the month's."""

from dataclasses import dataclass

from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.models import Audit, AuditType, AuditTypeVersion, Case, Cycle, Team
from auditapp.models.sets import case_type_key

REFUSED = "refused"


@dataclass(frozen=True)
class TypeInMonth:
    """A type's audits started in a month (or period): the monthly summary lists them apart."""

    type_id: int
    name: str
    started: int
    finished: int


def types_started(months: tuple[str, ...], team: str | None = None, case_type: str | None = None) -> list[TypeInMonth]:
    """The audit types with audits started in these months, by name, with how many and how many are
    finished: one statement. Their figures stay on each type's own summary, never in the month's."""
    done = (Audit.signed_off_at.is_not(None) & (Audit.consent.is_(None) | (Audit.consent != REFUSED)))
    query = (select(AuditType.id, AuditType.name, func.count(Audit.id), func.count(Audit.id).filter(done))
             .select_from(Audit).join(Cycle, Cycle.id == Audit.cycle_id)
             .join(AuditTypeVersion, AuditTypeVersion.id == Cycle.type_version_id)
             .join(AuditType, AuditType.id == AuditTypeVersion.audit_type_id)
             .where(Cycle.month.in_(months), Cycle.cancelled_at.is_(None), Audit.withdrawn_at.is_(None)))
    if team or case_type:
        query = query.join(Case, Case.id == Audit.case_id)
    if team:
        query = query.join(Team, Team.id == Case.team_id).where(Team.name == team)
    if case_type:
        query = query.where(Case.case_type == case_type_key(case_type))
    return [TypeInMonth(*row) for row in db.session.execute(
        query.group_by(AuditType.id, AuditType.name).order_by(AuditType.name))]
