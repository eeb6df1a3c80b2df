"""A practice priority's evidence: its measure month by month, from the very figures the dashboard
shows (summary.py's trend, themes.py's counts, follow_up.py's re-audits), never recomputed another
way; with n beside every figure and "too few to judge" below 5, before and after its activities.

`priorities_in(start_month, end_month)` gives the priorities of a period with their evidence, for
the quarterly report and the self-evaluation built on it."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.findings.themes import theme_counts
from auditapp.learning.priorities import activities_of, describe
from auditapp.models import LearningActivity, Priority
from auditapp.models.learning import ACTIVITY_KINDS, PRIORITY_STATES
from auditapp.models.loading import PRIORITY_ROW
from auditapp.months import month_of, months_before
from auditapp.reports import stats
from auditapp.reports.charts import Line, share_line
from auditapp.reports.facts import Scope, trend_counts
from auditapp.reports.follow_up import reaudits_due
from auditapp.reports.summary import trend
from auditapp.rounding import MIN_N, percent_text

MONTHS_BEFORE = 6  # the evidence starts this many months before the priority was raised: its baseline
MOST_MONTHS = 24  # and shows at most two years, ending with the month it closed (or this month)


@dataclass(frozen=True)
class EvidencePoint:
    month: str
    count: int  # audits meeting the measure: Good or better, tagged with the worry, re-audit improved
    n: int  # the audits the figure is out of
    share: float | None
    in_progress: bool = False  # the month's audits are not all signed off: its figure can still change
    activities: tuple[str, ...] = ()  # learning activities held that month, in words

    @property
    def too_few(self) -> bool:
        return self.n < MIN_N

    @property
    def judged(self) -> float | None:
        """The share, or None where there are too few audits to judge it."""
        return None if self.too_few else self.share

    @property
    def text(self) -> str:
        return percent_text(self.share, self.n)


@dataclass
class Evidence:
    measure: str  # "good", "worry" or "reaudits"
    target: float | None  # the target as a share (1.0 for "every re-audit improves")
    points: list[EvidencePoint]
    first_activity: str | None  # the month of the first learning activity
    line: Line = field(init=False)

    def __post_init__(self) -> None:
        marks = {p.month for p in self.points if p.activities}
        self.line = share_line([(p.month, p.judged, p.in_progress) for p in self.points], marks, self.target)

    def _last(self, points: list[EvidencePoint]) -> EvidencePoint | None:
        return next((p for p in reversed(points) if p.judged is not None and not p.in_progress), None)

    @property
    def before(self) -> EvidencePoint | None:
        """The last month judged before the first activity: the figure the work set out to move."""
        if self.first_activity is None:
            return None
        return self._last([p for p in self.points if p.month < self.first_activity])

    @property
    def latest(self) -> EvidencePoint | None:
        """The latest finished month with enough audits to judge."""
        return self._last(self.points)

    def reaches(self, point: EvidencePoint | None) -> bool | None:
        """Whether a month's figure meets the target (None: nothing to judge)."""
        if point is None or point.judged is None or self.target is None:
            return None
        if self.measure == "worry":
            return point.judged < self.target
        return point.judged >= self.target


def _months(first: str, last: str) -> list[str]:
    months = [last]
    while months[0] > first and len(months) < MOST_MONTHS:
        months.insert(0, months_before(months[0], 1))
    return months


def measure_series(measure: str, months: list[str], judgement: str | None = None,
                   theme_id: int | None = None) -> list[tuple[str, int, int, float | None, bool]]:
    """(month, count, n, share, in progress) for each month, from the dashboard's own figures: the
    12-month trend's grouped counts (summary.trend), the theme counts, the re-audits due."""
    points = {p.month: p for p in trend(trend_counts(Scope(tuple(months))))}
    rows = []
    worries = theme_counts(months[-1], len(months)) if measure == "worry" else None
    reaudits = reaudits_due(months) if measure == "reaudits" else {}
    for month in months:
        point = points.get(month)
        in_progress = bool(point and point.in_progress)
        if measure == "good":
            key = judgement or "overall"
            n = point.n[key] if point else 0
            share = point.pct_good[key] if point else None
            rows.append((month, round((share or 0) * n), n, share, in_progress))
        elif measure == "worry" and worries is not None and theme_id is not None:
            n = point.n["overall"] if point else 0  # the audits moderated that month, as the trend counts them
            count = worries.count(theme_id, "worry", month)
            rows.append((month, count, n, stats.share(count, n), in_progress))
        else:
            moderated = [r for r in reaudits.get(month, []) if r.after]
            improved = sum(r.improved for r in moderated)
            rows.append((month, improved, len(moderated), stats.share(improved, len(moderated)), in_progress))
    return rows


def activity_words(activity: LearningActivity) -> str:
    reached = f", {activity.attended} attended" if activity.attended is not None else ""
    return f"{ACTIVITY_KINDS[activity.kind]}: {activity.what} ({activity.reached}{reached})"


def evidence(priority: Priority, activities: list[LearningActivity], months: list[str],
             from_first_audits: bool = False) -> Evidence:
    """`from_first_audits`: start at the first month with audits, as the dashboard's trend does (a
    priority's page); otherwise every month given (a period's report)."""
    by_month: dict[str, list[str]] = {}
    for activity in activities:
        by_month.setdefault(month_of(activity.held_on), []).append(activity_words(activity))
    rows = measure_series(priority.measure, months, priority.judgement, priority.theme_id)
    points = [EvidencePoint(month, count, n, share, in_progress, tuple(by_month.get(month, ())))
              for month, count, n, share, in_progress in rows]
    if from_first_audits:
        first_used = next((i for i, p in enumerate(points) if p.n or p.activities), len(points) - 1)
        points = points[first_used:]
    first = min((month_of(a.held_on) for a in activities), default=None)
    target = 1.0 if priority.measure == "reaudits" else (priority.target or 0) / 100
    return Evidence(priority.measure, target, points, first)


def evidence_months(priority: Priority, today: date) -> list[str]:
    """From six months before it was raised to the month it closed, or this month."""
    raised = month_of(clock.uk_date(priority.raised_at))
    last = month_of(clock.uk_date(priority.closed_at)) if priority.closed_at else month_of(today)
    return _months(months_before(raised, MONTHS_BEFORE), max(last, raised))


# For the quarterly report and the self-evaluation (issue 26's second half).

@dataclass
class PriorityInPeriod:
    id: int
    title: str
    why: str
    owner: str
    status: str  # In progress, Met, Partly met, Not met
    measure: str  # in words
    target_by: date
    review_on: date
    closing_note: str | None
    activities: list[LearningActivity]  # held in the period
    evidence: Evidence  # the measure in each month of the period


def priorities_in(start_month: str, end_month: str) -> list[PriorityInPeriod]:
    """The priorities open at some time in the months from `start_month` to `end_month` (raised by its
    end, not closed before its start), each with its measure in every month of the period."""
    months = _months(start_month, end_month)
    found = []
    for priority in db.session.scalars(select(Priority).options(*PRIORITY_ROW).order_by(Priority.raised_at)):
        if month_of(clock.uk_date(priority.raised_at)) > end_month:
            continue
        if priority.closed_at and month_of(clock.uk_date(priority.closed_at)) < start_month:
            continue
        found.append(priority)
    activities = activities_of([p.id for p in found])
    result = []
    for priority in found:
        held = [a for a in activities[priority.id] if start_month <= month_of(a.held_on) <= end_month]
        result.append(PriorityInPeriod(
            priority.id, priority.title, priority.why, priority.owner.name, PRIORITY_STATES[priority.status],
            describe(priority, priority.theme.name if priority.theme else None), priority.target_by,
            priority.review_on, priority.closing_note, held, evidence(priority, activities[priority.id], months)))
    return result
