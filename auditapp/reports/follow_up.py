"""What followed a month's audits, for the summary, the dashboard and the workbook: actions raised
and how they closed, actions overdue, re-audits due and their change in grade, theme counts and
disputed findings. Plain values only, so a summary holding them can be remembered."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import aliased

from auditapp import clock
from auditapp.extensions import db
from auditapp.findings.themes import ThemeCounts, theme_counts
from auditapp.grading import DOMAINS, grade_from_value, grade_label
from auditapp.models import (
    Action,
    Audit,
    Case,
    Cycle,
    ModeratedGrade,
    PractitionerReply,
    Reaudit,
    Team,
    Theme,
    User,
)
from auditapp.models.findings import ACTION_STATES, PRIORITIES
from auditapp.models.sets import case_type_key
from auditapp.months import in_live_cycle


@dataclass
class ActionRow:
    audit_id: int
    month: str
    reference: str
    team: str
    owner: str
    priority: str
    source: str  # the domain or theme it comes from
    due: date
    status: str
    overdue: bool
    closed: datetime | None  # verified
    description: str = ""  # what must happen


@dataclass
class ReauditChange:
    reference: str
    first_month: str
    month: str
    before: str  # the first audit's moderated overall grade
    after: str  # the re-audit's, once moderated ("" before)
    improved: bool = False  # the re-audit moderated better overall than the first audit


@dataclass
class FollowUp:
    actions: list[ActionRow] = field(default_factory=list)  # raised this month, and overdue today
    raised: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    overdue: int = 0  # every action overdue today, from any month
    reaudits: list[ReauditChange] = field(default_factory=list)  # due this month
    themes: ThemeCounts | None = None
    disputes: int = 0

    @property
    def reaudits_due(self) -> int:
        return len(self.reaudits)

    @property
    def reaudits_improved(self) -> int:
        return sum(r.improved for r in self.reaudits)


def _scoped_by(team: str | None, case_type: str | None):
    def scoped(query):
        if team:
            query = query.where(Team.name == team)
        if case_type:  # the label, as the report filters give it
            query = query.where(Case.case_type == case_type_key(case_type))
        return query
    return scoped


def reaudits_only(month: str, team: str | None = None, case_type: str | None = None) -> FollowUp:
    """The follow-up of the period the board compares with: its re-audits are all the board reads."""
    return FollowUp(reaudits=_reaudits(month, _scoped_by(team, case_type)))


def follow_up(month: str, today: date, team: str | None = None, case_type: str | None = None) -> FollowUp:
    scoped = _scoped_by(team, case_type)

    owner = aliased(User)
    theme = aliased(Theme)
    rows = db.session.execute(scoped(
        select(Action.audit_id, Cycle.month, Case.reference, Team.name, owner.name, Action.priority, Action.domain,
               theme.name, Action.due, Action.status, Action.verified_at, Action.is_overdue(today),
               Action.description)
        .join(Audit, Audit.id == Action.audit_id).join(Cycle, Cycle.id == Audit.cycle_id)
        .join(Case, Case.id == Audit.case_id).join(Team, Team.id == Case.team_id)
        .join(owner, owner.id == Action.owner_id).outerjoin(theme, theme.id == Action.theme_id)
        .where(Action.status.in_(("open", "done", "closed")), in_live_cycle(),
               Action.id.in_(_month_or_overdue(month, today)))
        .order_by(Cycle.month, Case.reference, Action.id))).all()
    result = FollowUp()
    for audit_id, m, reference, team_name, owner_name, priority, domain, theme_name, due, status, verified, late, \
            description in rows:
        overdue = bool(late)
        result.actions.append(ActionRow(audit_id, m, reference, team_name, owner_name, PRIORITIES[priority],
                                        DOMAINS.get(domain) or theme_name or "", due, ACTION_STATES[status],
                                        overdue, verified, description))
        if m == month:
            result.raised += 1
            if status == "closed" and verified is not None:
                on_time = clock.uk_date(verified) <= due
                result.closed_on_time += on_time
                result.closed_late += not on_time
        result.overdue += overdue
    result.reaudits = _reaudits(month, scoped)
    result.themes = theme_counts(month, 12, team)
    result.disputes = db.session.scalar(scoped(
        select(func.count(PractitionerReply.id)).join(Audit, Audit.id == PractitionerReply.audit_id)
        .join(Cycle, Cycle.id == Audit.cycle_id).join(Case, Case.id == Audit.case_id)
        .join(Team, Team.id == Case.team_id)
        .where(PractitionerReply.disputes.is_(True), Cycle.month == month, Cycle.kind == "random",
               in_live_cycle())))
    return result


def reaudits_due(months: list[str]) -> dict[str, list[ReauditChange]]:
    """The re-audits due in each of the months with their change in grade, as the dashboard counts
    them, in one statement whatever the number of months."""
    return _reaudits_in(months, lambda query: query)


def _month_or_overdue(month: str, today: date):
    """The ids of the month's actions and of every overdue one, as two look-ups each along an index
    (the month's audits; status and due date), not one OR that reads every action with its joins."""
    of_month = (select(Action.id).join(Audit, Audit.id == Action.audit_id).join(Cycle, Cycle.id == Audit.cycle_id)
                .where(Cycle.month == month, Cycle.kind == "random"))
    return union(of_month, select(Action.id).where(Action.is_overdue(today)))


def _reaudits(month: str, scoped) -> list[ReauditChange]:
    return _reaudits_in([month], scoped)[month]


def _reaudits_in(months: list[str], scoped) -> dict[str, list[ReauditChange]]:
    first, second = aliased(Audit), aliased(Audit)
    first_cycle, second_cycle = aliased(Cycle), aliased(Cycle)
    before, after = aliased(ModeratedGrade), aliased(ModeratedGrade)
    query = (select(Reaudit.due_month, Case.reference, first_cycle.month, second_cycle.month, before.grade,
                    after.grade, second.signed_off_at)
             .select_from(Reaudit).join(first, first.id == Reaudit.first_audit_id)
             .join(first_cycle, first_cycle.id == first.cycle_id)
             .join(Case, Case.id == first.case_id).join(Team, Team.id == Case.team_id)
             .outerjoin(before, and_(before.audit_id == first.id, before.domain == "overall"))
             .outerjoin(second, second.id == Reaudit.audit_id)
             .outerjoin(second_cycle, second_cycle.id == second.cycle_id)
             .outerjoin(after, and_(after.audit_id == second.id, after.domain == "overall"))
             .where(Reaudit.due_month.in_(months)).order_by(Case.reference))  # re-audits join the random sample
    changes: dict[str, list[ReauditChange]] = {month: [] for month in months}
    for month, reference, first_month, second_month, b, a, signed_off in db.session.execute(scoped(query)):
        was, now = grade_from_value(b), grade_from_value(a) if signed_off else None
        changes[month].append(ReauditChange(reference, first_month, second_month or month, grade_label(was),
                                            grade_label(now), bool(was and now and now > was)))
    return changes
