"""What followed a period's audits (one month, a quarter, the financial year to date or 12 months),
for the summary, the dashboard, the workbook and the documents: actions raised from the period's
audits and their state today, actions overdue, re-audits due in the period and their change in
grade, theme counts and disputed findings. Each is one statement over all the period's months (an
IN list), never one a month. Plain values only, so a summary holding them can be remembered."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, func, select, union
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
from auditapp.reports.facts import narrowed_to

# Aliases made once for every request, not per call: each new alias costs SQLAlchemy its column
# proxies again (measured on the large county: a tenth of a month's recomputing).
OWNER, THEME = aliased(User), aliased(Theme)
_REAUDIT_ALIASES = (aliased(Audit), aliased(Audit), aliased(Cycle), aliased(Cycle),
                    aliased(ModeratedGrade), aliased(ModeratedGrade))


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
    months: tuple[str, ...] = ()  # the period's months, oldest first
    actions: list[ActionRow] = field(default_factory=list)  # raised from the period's audits, and overdue today
    raised: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    overdue: int = 0  # every action overdue today, from any month
    reaudits: list[ReauditChange] = field(default_factory=list)  # due in the period
    themes: ThemeCounts | None = None  # the 12 months to the period's end, which hold the period's months
    disputes: int = 0

    @property
    def reaudits_due(self) -> int:
        return len(self.reaudits)

    @property
    def reaudits_done(self) -> int:
        """Due in the period and moderated: what "every Inadequate re-audited" is measured by."""
        return sum(1 for r in self.reaudits if r.after)

    def in_period(self, action: ActionRow) -> bool:
        return action.month in self.months

    def theme_count(self, theme_id: int, kind: str) -> int:
        """Audits signed off in the period with the theme tagged as this kind."""
        if self.themes is None:
            return 0
        return sum(self.themes.count(theme_id, kind, m) for m in self.months)

    @property
    def reaudits_improved(self) -> int:
        return sum(r.improved for r in self.reaudits)


@dataclass(frozen=True)
class _ScopedBy:
    """The report filters, put on a query that already joins the audit's case and team."""

    team: str | None
    case_type: str | None  # the label, as the report filters give it

    def __call__(self, query: Select) -> Select:
        if self.team:
            query = query.where(Team.name == self.team)
        if self.case_type:
            query = query.where(Case.case_type == case_type_key(self.case_type))
        return query


def _scoped_by(team: str | None, case_type: str | None) -> _ScopedBy:
    return _ScopedBy(team, case_type)


def _joined_if_filtered(query: Select, scoped: _ScopedBy) -> Select:
    """A query joining Audit narrowed to the filters, the case and team joined only when a filter
    asks (facts.narrowed_to). Nor is the owner joined: every action has one (a NOT NULL foreign key)."""
    return narrowed_to(query, scoped.team, scoped.case_type)


def _reaudits_of(months: tuple[str, ...], scoped) -> list[ReauditChange]:
    due = _reaudits_in(list(months), scoped)
    return [r for m in months for r in due[m]]  # by month due, then case reference


def reaudits_only(months: tuple[str, ...], team: str | None = None, case_type: str | None = None) -> FollowUp:
    """The follow-up of the period the board compares with: its re-audits are all the board reads."""
    return FollowUp(months=tuple(months), reaudits=_reaudits_of(months, _scoped_by(team, case_type)))


def follow_up(months: tuple[str, ...], today: date, team: str | None = None,
              case_type: str | None = None, listed: bool = True) -> FollowUp:
    """What followed the audits of `months` (a period, oldest first; one month as a 1-tuple).
    `listed`: with every action as a row, for the exports that list them; the pages show only the
    counts, which are then counted without listing the thousand actions overdue from any month."""
    scoped = _scoped_by(team, case_type)
    result = _listed(months, today, scoped) if listed else _counted(months, today, scoped)
    result.reaudits = _reaudits_of(months, scoped)
    # Twelve months to the period's end: the dashboard's "12 months" column, and every period's months.
    result.themes = theme_counts(months[-1], 12, team, case_type)
    result.disputes = db.session.scalar(_joined_if_filtered(
        select(func.count(PractitionerReply.id)).join(Audit, Audit.id == PractitionerReply.audit_id)
        .join(Cycle, Cycle.id == Audit.cycle_id)
        .where(PractitionerReply.disputes.is_(True), Cycle.month.in_(months), Cycle.kind == "random",
               in_live_cycle()), scoped))
    return result


def _listed(months: tuple[str, ...], today: date, scoped) -> FollowUp:
    """The period's actions and every overdue one as rows, with the counts made from them."""
    owner, theme = OWNER, THEME
    rows = db.session.execute(scoped(
        select(Action.audit_id, Cycle.month, Case.reference, Team.name, owner.name, Action.priority, Action.domain,
               theme.name, Action.due, Action.status, Action.verified_at, Action.is_overdue(today),
               Action.description)
        .join(Audit, Audit.id == Action.audit_id).join(Cycle, Cycle.id == Audit.cycle_id)
        .join(Case, Case.id == Audit.case_id).join(Team, Team.id == Case.team_id)
        .join(owner, owner.id == Action.owner_id).outerjoin(theme, theme.id == Action.theme_id)
        .where(Action.status.in_(("open", "done", "closed")), in_live_cycle(),
               Action.id.in_(_period_or_overdue(months, today)))
        .order_by(Cycle.month, Case.reference, Action.id))).all()
    result = FollowUp(months=tuple(months))
    for audit_id, m, reference, team_name, owner_name, priority, domain, theme_name, due, status, verified, late, \
            description in rows:
        overdue = bool(late)
        result.actions.append(ActionRow(audit_id, m, reference, team_name, owner_name, PRIORITIES[priority],
                                        DOMAINS.get(domain) or theme_name or "", due, ACTION_STATES[status],
                                        overdue, verified, description))
        if m in result.months:
            result.raised += 1
            if status == "closed" and verified is not None:
                on_time = clock.uk_date(verified) <= due
                result.closed_on_time += on_time
                result.closed_late += not on_time
        result.overdue += overdue
    return result


def _actions_in_scope(query, scoped):
    """An actions query with _listed()'s conditions, so the same actions are counted (its joins to
    the case, team and owner drop no action: see _joined_if_filtered)."""
    return _joined_if_filtered(query.select_from(Action).join(Audit, Audit.id == Action.audit_id)
                               .join(Cycle, Cycle.id == Audit.cycle_id)
                               .where(Action.status.in_(("open", "done", "closed")), in_live_cycle()), scoped)


def _counted(months: tuple[str, ...], today: date, scoped) -> FollowUp:
    """_listed()'s counts without its rows, in two statements: the period's actions (those of its
    random samples, and of its other audits when overdue, as _listed() reads them) as three
    columns each, and every overdue action counted by the database. The period's are found by
    _listed()'s ids (along the indexes), not by an OR of their conditions, which SQLite answered
    by reading every action (19 ms against 6 for the large county's 12 months)."""
    result = FollowUp(months=tuple(months))
    overdue = Action.is_overdue(today)
    for status, verified, due in db.session.execute(_actions_in_scope(
            select(Action.status, Action.verified_at, Action.due), scoped)
            .where(Cycle.month.in_(months), Action.id.in_(_period_or_overdue(months, today)))):
        result.raised += 1
        if status == "closed" and verified is not None:
            on_time = clock.uk_date(verified) <= due
            result.closed_on_time += on_time
            result.closed_late += not on_time
    result.overdue = db.session.scalar(_actions_in_scope(select(func.count()), scoped).where(overdue)) or 0
    return result


def reaudits_due(months: list[str]) -> dict[str, list[ReauditChange]]:
    """The re-audits due in each of the months with their change in grade, as the dashboard counts
    them, in one statement whatever the number of months."""
    return _reaudits_in(months, lambda query: query)


def _period_or_overdue(months: tuple[str, ...], today: date):
    """The ids of the period's actions and of every overdue one, as two look-ups each along an index
    (the period's audits; status and due date), not one OR that reads every action with its joins."""
    of_period = (select(Action.id).join(Audit, Audit.id == Action.audit_id).join(Cycle, Cycle.id == Audit.cycle_id)
                 .where(Cycle.month.in_(months), Cycle.kind == "random"))
    return union(of_period, select(Action.id).where(Action.is_overdue(today)))


def _reaudits_in(months: list[str], scoped) -> dict[str, list[ReauditChange]]:
    first, second, first_cycle, second_cycle, before, after = _REAUDIT_ALIASES
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
