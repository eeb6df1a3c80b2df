"""The monthly summary's figures, computed once here and used by both the workbook and the dashboard."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from auditapp.grading import DOMAINS, GRADES_BEST_FIRST, JUDGEMENTS, Grade
from auditapp.models.sets import KEY_ISSUES
from auditapp.months import month_label, months_before
from auditapp.remembered import remembered
from auditapp.reports import stats
from auditapp.reports.board_basis import before_values
from auditapp.reports.commentary import Words, words_for
from auditapp.reports.equality import EqualityRow, equality
from auditapp.reports.facts import (
    AuditFacts,
    MonthCounts,
    Scope,
    counts_from_facts,
    grade_pairs,
    imported_months,
    load_facts,
    trend_counts,
)
from auditapp.reports.family_figures import FamilyFigures, family_figures
from auditapp.reports.follow_up import FollowUp, follow_up
from auditapp.reports.measures import BoardRow, board_rows
from auditapp.reports.periods import Period, in_sentence
from auditapp.reports.targets import targets_in
from auditapp.reports.type_listing import TypeInMonth, types_started

_IS_MONTH = re.compile(r"^\d{4}-\d{2}$")


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


def _counted(grades: list[int | None]) -> GradeCounts:
    """The moderated grades given (None: not moderated), counted by grade."""
    found = Counter(grades)
    return GradeCounts({int(g): found[int(g)] for g in GRADES_BEST_FIRST}, len(grades) - found[None])


def grade_counts(facts: list[AuditFacts], key: str) -> GradeCounts:
    return _counted([f.moderated[key] for f in facts])


def by_judgement(facts: list[AuditFacts]) -> dict[str, GradeCounts]:
    # Each fact's moderated grades looked up once for the seven judgements: made for every team and
    # case type too, so a 12-month summary made about 300 passes of attribute look-ups here.
    moderated = [f.moderated for f in facts]
    return {key: _counted([grades[key] for grades in moderated]) for key in JUDGEMENTS}


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
    submitted_late: int = 0  # auditors' audits submitted after their due date
    moderated_late: int = 0  # moderations signed off after their due date


# The headline's figures as tests on one audit's facts: the drill-down lists the audits behind each.
BEHIND = {
    "sampled": ("Audits sampled", lambda f: True),
    "submitted_a": ("Submitted by auditor A", lambda f: not f.withdrawn and f.submitted_a),
    "submitted_b": ("Submitted by auditor B", lambda f: not f.withdrawn and f.submitted_b),
    "moderated": ("Moderated", lambda f: not f.withdrawn and f.signed_off),
    "withdrawn": ("Withdrawn", lambda f: f.withdrawn),
    "overdue": ("This month's audits overdue", lambda f: not f.withdrawn and f.overdue),
    "submitted_late": ("Audits submitted late", lambda f: not f.withdrawn and f.submitted_late),
    "moderated_late": ("Moderations signed off late", lambda f: not f.withdrawn and f.signed_off_late),
    "concerns": ("With an open immediate safeguarding concern", lambda f: not f.withdrawn and f.open_concerns),
}


def behind(which: str):
    """(label, test) for a headline figure, one grade count ("grade:<judgement>:<grade>") or one
    auditor's audits ("auditor:<name>")."""
    if which in BEHIND:
        return BEHIND[which]
    if which.startswith("auditor:") and len(which) > 8:
        name = which[8:]
        return (f"Allocated to {name} as auditor A or B", lambda f: name in (f.auditor_a, f.auditor_b))
    parts = which.split(":")
    if len(parts) == 3 and parts[0] == "grade" and parts[1] in JUDGEMENTS and parts[2] in {str(int(g)) for g in Grade}:
        key, grade = parts[1], int(parts[2])
        return (f"{JUDGEMENTS[key]}: moderated {Grade(grade).label}",
                lambda f: not f.withdrawn and f.moderated[key] == grade)
    return None


def headline(facts: list[AuditFacts]) -> Headline:
    live = [f for f in facts if not f.withdrawn]
    return Headline(
        sampled=len(facts),
        submitted_a=sum(1 for f in live if f.submitted_a),
        submitted_b=sum(1 for f in live if f.submitted_b),
        moderated=sum(1 for f in live if f.signed_off),
        withdrawn=len(facts) - len(live),
        withdrawal_reasons=dict(Counter(f.withdrawal_reason for f in facts if f.withdrawn and f.withdrawal_reason)),
        overdue=sum(1 for f in live if f.overdue),
        open_concerns=sum(f.open_concerns for f in live),
        overall=grade_counts(facts, "overall"),
        submitted_late=sum(len(f.submitted_late) for f in live),
        moderated_late=sum(1 for f in live if f.signed_off_late),
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


def agreement(facts: list[AuditFacts]) -> dict[str, Agreement]:
    """A against B, over the audits where both auditors submitted."""
    result = {}
    a, b = [f.a for f in facts], [f.b for f in facts]
    for key in JUDGEMENTS:
        pairs = grade_pairs(a, b, key)
        result[key] = Agreement(pairs.total(), stats.exact_agreement(pairs), stats.within_one(pairs),
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
    graded = {"A": [f.a for f in facts], "B": [f.b for f in facts]}
    moderated = [f.moderated for f in facts]
    return {key: {role: Shift(*stats.shift(grade_pairs(graded[role], moderated, key))) for role in "AB"}
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
        a, moderated = [f.a for f in team_facts], [f.moderated for f in team_facts]
        pairs = grade_pairs(a, moderated, *DOMAINS)
        gaps[team] = Gap(pairs.total(), stats.mean_gap(pairs))
    return gaps


@dataclass
class TrendPoint:
    month: str
    moderated: int
    pct_good: dict[str, float | None]  # per judgement
    n: dict[str, int]
    kappa: dict[str, float | None]
    in_progress: bool = False  # audits still to be signed off: not an ordinary point on the trend


def trend_months(month: str, count: int = 12) -> list[str]:
    return [months_before(month, back) for back in range(count - 1, -1, -1)]


def trend(by_month: dict[str, MonthCounts]) -> list[TrendPoint]:
    points = []
    for month, counts in by_month.items():
        graded = {key: GradeCounts({int(g): counts.grades[key].get(int(g), 0) for g in GRADES_BEST_FIRST},
                                   sum(counts.grades[key].values())) for key in JUDGEMENTS}
        kappas = {key: stats.quadratic_weighted_kappa(counts.pairs[key]) for key in JUDGEMENTS}
        points.append(TrendPoint(month, graded["overall"].n, {k: c.pct_good for k, c in graded.items()},
                                 {k: c.n for k, c in graded.items()}, kappas, counts.unfinished > 0))
    # The trend starts at the first month with audits in it, not twelve months back regardless.
    first = next((i for i, month in enumerate(by_month) if by_month[month].sampled), len(points))
    return points[first:]


@dataclass
class MonthSummary:
    month: str
    facts: list[AuditFacts]
    period: int = 1  # months covered, ending with `month`
    kind: str = "1"  # which kind of period (periods.KINDS): the drill-downs' links carry it
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
    # Over the period's months, as every other figure here: actions, re-audits, themes and disputes
    # (follow_up.py); family contact and feedback (family_figures.py)
    follow_up: FollowUp | None = None
    family: FamilyFigures | None = None
    imported_months: list[str] = field(default_factory=list)  # months here holding imported past audits
    period_words: str = ""  # "October 2026", "Quarter 3 of 2026-27 (October to November 2026)" (periods.py)
    before_words: str = ""  # the period the board rows compare with, in words
    board: list[BoardRow] = field(default_factory=list)  # the first page: against the period before, and targets
    before: str | None = None  # the last month of the period the board rows compare with
    commentary: Words | None = None  # the month's words for the board (commentary.py)
    # month -> the % Good or better overall target in force: the trend chart's target line
    trend_targets: dict[str, int | None] = field(default_factory=dict)
    # Audits of the council's other types started in the period: listed apart, never in these figures.
    other_types: list[TypeInMonth] = field(default_factory=list)

    @property
    def month_words(self) -> str:
        """The month as people read it ("October 2026"); a targeted audit's title as it is."""
        return month_label(self.month) if _IS_MONTH.match(self.month) else self.month

    @property
    def in_sentence(self) -> str:
        """The period's words inside a sentence: "the audits of quarter 3 …", "of October 2026"."""
        return in_sentence(self.period_words or self.month_words)

    @property
    def first_month(self) -> str:
        """The first month with audits in the trend: sheets by month start here, not with empty months."""
        return self.trend[0].month if self.trend else self.month

    @cached_property
    def agreement_by_team(self) -> dict[str, dict[str, Agreement]]:
        """Only the agreement page needs it; computed once per remembered summary."""
        return agreement_by_team(self.facts)

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


PERIODS = {"1": "The month", "12": "The 12 months to the month", "quarter": "The quarter of the financial year",
           "year": "The financial year to date"}


def summarise(month: str, today: date, team: str | None = None, case_type: str | None = None,
              with_trend: bool = True, period: int = 1, with_board: bool = True,
              kind: str | None = None, listed: bool = True) -> MonthSummary:
    """The summary of the month (or the `period` months to it), optionally for one team or case type,
    with the 12-month trend and (`with_board`) the first page: each board measure against the period
    before and the targets in force, and the month's commentary. `listed`: with the follow-up's
    actions as rows (the workbook and the pack list them; the pages show their counts only)."""
    span_months = tuple(trend_months(month, period))
    facts = load_facts(Scope(span_months, team, case_type), today)
    summary = MonthSummary(month, facts, period)
    # Which kind of period these `period` months are (periods.py): a quarter or year to date, or else
    # one month or the 12 months to it.
    span = Period(kind or ("1" if period == 1 else "12"), month, period)
    summary.kind, summary.period_words, summary.before_words = span.kind, span.words, span.before.words
    summary.follow_up = follow_up(span_months, today, team, case_type, listed)
    summary.family = family_figures(span_months, team, case_type, listed)
    if with_trend:
        months = tuple(trend_months(month))
        if period == len(months):
            # The 12 months to the month: the trend's months, already loaded as facts (which do not
            # say which audits were imported, so that is one small statement of its own).
            by_month = counts_from_facts(facts, months)
            summary.imported_months = imported_months(months)
        else:
            by_month = trend_counts(Scope(months, team, case_type))
            summary.imported_months = sorted(m for m, counts in by_month.items() if counts.imported)
        summary.trend = trend(by_month)
    else:
        summary.imported_months = imported_months(trend_months(month, period))
    if with_board:
        summary.before = span.before.end
        before = before_values(tuple(trend_months(summary.before, period)), team, case_type)
        in_force = targets_in(sorted({month, *(p.month for p in summary.trend)}))
        summary.board = board_rows(summary, before, in_force[month])
        summary.trend_targets = {m: t["good_overall"].percent if "good_overall" in t else None
                                 for m, t in in_force.items()}
        summary.commentary = words_for(month)
        summary.other_types = types_started(span.months, team, case_type)
    return summary


def summarise_targeted(cycle, today: date) -> MonthSummary:
    """A targeted audit's own figures: its hand-picked cases, apart from any month's random sample."""
    facts = load_facts(Scope((), cycle_id=cycle.id), today)
    return MonthSummary(f"{cycle.title} (targeted audit, started {cycle.month})", facts)


def cached_summary(month: str, today: date, team: str | None = None, case_type: str | None = None,
                   with_trend: bool = True, period: int = 1, with_board: bool = True,
                   kind: str | None = None) -> MonthSummary:
    """summarise(), remembered until the data changes: readers at month end share one computation.
    For the pages, which show the follow-up's counts, never its list of actions (the exports call
    summarise() for theirs)."""
    return remembered("summary", (month, today, team, case_type, with_trend, period, with_board, kind),
                      lambda: summarise(month, today, team, case_type, with_trend, period, with_board, kind,
                                        listed=False))
