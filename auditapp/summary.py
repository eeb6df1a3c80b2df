"""The monthly summary's figures, computed once here and used by both the workbook and the dashboard."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from . import stats
from .extensions import db
from .grading import DOMAINS, GRADES_BEST_FIRST, JUDGEMENTS, Grade
from .models import Audit, Cycle
from .moderation import KEY_ISSUES
from .sampling import WITHDRAWAL_REASONS, months_before

SMALL_GROUP = 5  # equality groups smaller than this are suppressed, so no child can be identified
EQUALITY = {"age_band": "Age band", "gender": "Gender", "ethnicity": "Ethnicity", "disability": "Disability"}


@dataclass(frozen=True)
class AuditFacts:
    """One sampled case's figures as plain values: grades keyed by judgement (domains and "overall")."""

    reference: str
    team: str
    case_type: str
    auditor_a: str
    auditor_b: str
    moderator: str
    status: str
    a: dict[str, int | None]  # only once both auditors have submitted
    b: dict[str, int | None]
    moderated: dict[str, int | None]  # only once signed off
    allocated: datetime
    submitted_a: datetime | None
    submitted_b: datetime | None
    signed_off: datetime | None
    withdrawal_reason: str | None
    overdue: bool
    late_roles: frozenset[str]  # "A"/"B": auditors past their due date without submitting
    open_concerns: int
    equality: dict[str, str]
    key_issues: dict[str, str | None]  # "A"/"B" -> the moderator's yes / partly / no, once signed off

    @property
    def withdrawn(self) -> bool:
        return self.status == "Withdrawn"


def _grades(audit: Audit, role: str) -> dict[str, int | None]:
    # Blind review holds in reports too: no auditor's grades appear until both are submitted.
    if not audit.both_submitted:
        return dict.fromkeys(JUDGEMENTS)
    return {key: audit.review(role).grade_value(key) for key in JUDGEMENTS}


def facts_for(audit: Audit, today: date) -> AuditFacts:
    a, b = audit.review("A"), audit.review("B")
    signed = audit.signed_off_at is not None
    return AuditFacts(
        reference=audit.case.reference, team=audit.case.team.name, case_type=audit.case.case_type_label,
        auditor_a=audit.auditor_a.name, auditor_b=audit.auditor_b.name, moderator=audit.moderator.name,
        status=audit.status, a=_grades(audit, "A"), b=_grades(audit, "B"),
        moderated={key: (audit.moderated_grade(key).grade if signed and audit.moderated_grade(key) else None)
                   for key in JUDGEMENTS},
        allocated=audit.allocated_at,
        submitted_a=a and a.submitted_at, submitted_b=b and b.submitted_at,
        signed_off=audit.signed_off_at,
        withdrawal_reason=WITHDRAWAL_REASONS.get(audit.withdrawal_reason) if audit.withdrawn_at else None,
        overdue=audit.is_overdue(today), open_concerns=len(audit.open_concerns),
        late_roles=frozenset(role for role in "AB" if audit.is_late(role, today)),
        equality={attr: getattr(audit.case, attr) or "Not recorded" for attr in EQUALITY},
        key_issues={"A": audit.key_issues_a if signed else None, "B": audit.key_issues_b if signed else None},
    )


def load_facts(months: list[str], today: date) -> dict[str, list[AuditFacts]]:
    """Every sampled case of the given months, in one query per relationship, by month."""
    audits = db.session.scalars(
        select(Audit).join(Cycle).where(Cycle.month.in_(months)).order_by(Cycle.month, Audit.id))
    by_month: dict[str, list[AuditFacts]] = {month: [] for month in months}
    for audit in audits:
        by_month[audit.cycle.month].append(facts_for(audit, today))
    return by_month


@dataclass
class GradeCounts:
    counts: dict[int, int]  # grade value -> audits
    n: int

    @property
    def good_or_better(self) -> int:
        return self.counts[Grade.OUTSTANDING] + self.counts[Grade.GOOD]

    @property
    def pct_good(self) -> float | None:
        return stats.share(self.good_or_better, self.n)

    @property
    def pct_inadequate(self) -> float | None:
        return stats.share(self.counts[Grade.INADEQUATE], self.n)


def grade_counts(facts: list[AuditFacts], key: str) -> GradeCounts:
    grades = [f.moderated[key] for f in facts if f.moderated[key] is not None]
    found = Counter(grades)
    return GradeCounts({int(g): found[int(g)] for g in GRADES_BEST_FIRST}, len(grades))


def by_judgement(facts: list[AuditFacts]) -> dict[str, GradeCounts]:
    return {key: grade_counts(facts, key) for key in JUDGEMENTS}


def split(facts: list[AuditFacts], attr: str) -> dict[str, list[AuditFacts]]:
    """Facts grouped by an attribute such as team or case type, groups in name order."""
    groups: dict[str, list[AuditFacts]] = {}
    for f in facts:
        groups.setdefault(getattr(f, attr), []).append(f)
    return dict(sorted(groups.items()))


def by_team(facts: list[AuditFacts]) -> dict[str, list[AuditFacts]]:
    return split(facts, "team")


def by_group(facts: list[AuditFacts], attr: str) -> dict[str, dict[str, GradeCounts]]:
    return {group: by_judgement(group_facts) for group, group_facts in split(facts, attr).items()}


@dataclass
class Headline:
    sampled: int
    submitted_a: int
    submitted_b: int
    moderated: int
    withdrawn: int
    withdrawal_reasons: dict[str, int]
    overdue: int
    open_concerns: int
    overall: GradeCounts


def headline(facts: list[AuditFacts]) -> Headline:
    live = [f for f in facts if not f.withdrawn]
    return Headline(
        sampled=len(facts),
        submitted_a=sum(1 for f in live if f.submitted_a),
        submitted_b=sum(1 for f in live if f.submitted_b),
        moderated=sum(1 for f in live if f.signed_off),
        withdrawn=len(facts) - len(live),
        withdrawal_reasons=dict(Counter(f.withdrawal_reason for f in facts if f.withdrawn)),
        overdue=sum(1 for f in live if f.overdue),
        open_concerns=sum(f.open_concerns for f in live),
        overall=grade_counts(facts, "overall"),
    )


@dataclass
class AuditorProgress:
    name: str
    allocated: int
    submitted: int
    overdue: int


def auditor_progress(facts: list[AuditFacts]) -> list[AuditorProgress]:
    """Each manager's audits this month, as auditor A or B: allocated, submitted, overdue."""
    rows: dict[str, AuditorProgress] = {}
    for f in facts:
        if f.withdrawn:
            continue
        for role, name, submitted in (("A", f.auditor_a, f.submitted_a), ("B", f.auditor_b, f.submitted_b)):
            row = rows.setdefault(name, AuditorProgress(name, 0, 0, 0))
            row.allocated += 1
            row.submitted += submitted is not None
            row.overdue += role in f.late_roles
    return sorted(rows.values(), key=lambda r: r.name)


@dataclass
class Agreement:
    n: int
    exact: float | None
    within_one: float | None
    kappa: float | None


def _pairs(facts: list[AuditFacts], key: str, first: str, second: str) -> list[tuple[int, int]]:
    pairs = []
    for f in facts:
        x, y = getattr(f, first)[key], getattr(f, second)[key]
        if x is not None and y is not None:
            pairs.append((x, y))
    return pairs


def agreement(facts: list[AuditFacts]) -> dict[str, Agreement]:
    """A against B, over the audits where both auditors submitted."""
    result = {}
    for key in JUDGEMENTS:
        pairs = _pairs(facts, key, "a", "b")
        result[key] = Agreement(len(pairs), stats.exact_agreement(pairs), stats.within_one(pairs),
                                stats.quadratic_weighted_kappa(pairs))
    return result


def agreement_by_team(facts: list[AuditFacts]) -> dict[str, dict[str, Agreement]]:
    return {team: agreement(team_facts) for team, team_facts in by_team(facts).items()}


@dataclass
class Shift:
    raised: int
    kept: int
    lowered: int

    @property
    def n(self) -> int:
        return self.raised + self.kept + self.lowered


def moderation_shift(facts: list[AuditFacts]) -> dict[str, dict[str, Shift]]:
    """Per judgement, for auditor "A" and "B": how often moderation raised, kept or lowered their grade."""
    return {key: {role: Shift(*stats.shift(_pairs(facts, key, role.lower(), "moderated"))) for role in "AB"}
            for key in JUDGEMENTS}


def key_issues_found(facts: list[AuditFacts]) -> dict[str, dict[str, int]]:
    """Per auditor role, how often the moderator judged the key issues found: yes, partly, no."""
    return {role: {answer: sum(1 for f in facts if f.key_issues[role] == answer) for answer in KEY_ISSUES}
            for role in "AB"}


@dataclass
class Gap:
    n: int  # domain grades compared
    mean: float | None  # positive: the manager graded their own case higher than moderation did


def self_assessment_gap(facts: list[AuditFacts]) -> dict[str, Gap]:
    """Per team: the case-responsible manager's domain grades against the moderated grades."""
    gaps = {}
    for team, team_facts in by_team(facts).items():
        pairs = [p for key in DOMAINS for p in _pairs(team_facts, key, "a", "moderated")]
        gaps[team] = Gap(len(pairs), stats.mean_gap(pairs))
    return gaps


@dataclass
class EqualityRow:
    group: str
    n: int
    good: int

    @property
    def suppressed(self) -> bool:
        return self.n < SMALL_GROUP

    @property
    def pct_good(self) -> float | None:
        return None if self.suppressed else stats.share(self.good, self.n)


def equality(facts: list[AuditFacts]) -> dict[str, list[EqualityRow]]:
    """% Good or better overall per group of each equality characteristic."""
    moderated = [f for f in facts if f.moderated["overall"] is not None]
    result = {}
    for attr in EQUALITY:
        groups = Counter(f.equality[attr] for f in moderated)
        good = Counter(f.equality[attr] for f in moderated if f.moderated["overall"] >= Grade.GOOD)
        result[attr] = [EqualityRow(group, groups[group], good[group]) for group in sorted(groups)]
    return result


@dataclass
class TrendPoint:
    month: str
    moderated: int
    pct_good: dict[str, float | None]  # per judgement
    n: dict[str, int]
    kappa: dict[str, float | None]


def trend_months(month: str, count: int = 12) -> list[str]:
    return [months_before(month, back) for back in range(count - 1, -1, -1)]


def trend(by_month: dict[str, list[AuditFacts]]) -> list[TrendPoint]:
    points = []
    for month, facts in by_month.items():
        counts, agreed = by_judgement(facts), agreement(facts)
        points.append(TrendPoint(
            month, counts["overall"].n,
            {k: c.pct_good for k, c in counts.items()}, {k: c.n for k, c in counts.items()},
            {k: a.kappa for k, a in agreed.items()},
        ))
    return points


@dataclass
class MonthSummary:
    month: str
    facts: list[AuditFacts]
    headline: Headline = field(init=False)
    auditors: list[AuditorProgress] = field(init=False)
    domains: dict[str, GradeCounts] = field(init=False)
    teams: dict[str, dict[str, GradeCounts]] = field(init=False)
    case_types: dict[str, dict[str, GradeCounts]] = field(init=False)
    agreement: dict[str, Agreement] = field(init=False)
    shift: dict[str, dict[str, Shift]] = field(init=False)
    gaps: dict[str, Gap] = field(init=False)
    key_issues: dict[str, dict[str, int]] = field(init=False)
    equality: dict[str, list[EqualityRow]] = field(init=False)
    trend: list[TrendPoint] = field(default_factory=list)

    def __post_init__(self):
        self.headline = headline(self.facts)
        self.auditors = auditor_progress(self.facts)
        self.domains = by_judgement(self.facts)
        self.teams = by_group(self.facts, "team")
        self.case_types = by_group(self.facts, "case_type")
        self.agreement = agreement(self.facts)
        self.shift = moderation_shift(self.facts)
        self.gaps = self_assessment_gap(self.facts)
        self.key_issues = key_issues_found(self.facts)
        self.equality = equality(self.facts)


def summarise(month: str, today: date, team: str | None = None, case_type: str | None = None,
              with_trend: bool = True) -> MonthSummary:
    """The month's summary (optionally for one team or case type), with the 12 months to it."""

    def keep(facts: list[AuditFacts]) -> list[AuditFacts]:
        return [f for f in facts if (team is None or f.team == team)
                and (case_type is None or f.case_type == case_type)]

    months = trend_months(month) if with_trend else [month]
    by_month = {m: keep(f) for m, f in load_facts(months, today).items()}
    summary = MonthSummary(month, by_month[month])
    if with_trend:
        summary.trend = trend(by_month)
    return summary
