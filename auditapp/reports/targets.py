"""Targets for the measures boards watch, and each month's status against them.

A target applies from its start month on, until a later one for the same measure starts. A
target is never edited: a change is a new target, which may not start before this month, so the
months already reported keep the target (and the status) they were reported against. The first
target on a measure may start earlier: no month had a status on it to rewrite."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from auditapp import clock, history
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Target, User
from auditapp.models.board import BOARD_MEASURES
from auditapp.months import check_month, month_label, month_of
from auditapp.permissions import can_set_targets, require
from auditapp.rounding import MIN_N, whole_percent

CLOSE_POINTS = 5  # within this many points of the target on the wrong side: close, not missed
# Each status in words and in colour together (a GOV.UK tag's colour), so colour is never alone.
STATUSES = {"met": ("Met", "green"), "close": ("Close", "yellow"), "missed": ("Missed", "red"),
            "too_few": ("Too few to judge", "grey")}


@dataclass(frozen=True)
class TargetSet:
    """The target in force for a measure in a month, as plain values (a summary holding them is remembered)."""

    measure: str
    percent: int
    starts: str
    set_at: datetime

    @property
    def words(self) -> str:
        direction = BOARD_MEASURES[self.measure][1]
        return f"{'at least' if direction == 'at_least' else 'at most'} {self.percent}%"


@dataclass(frozen=True)
class Status:
    key: str  # met, close, missed, too_few

    @property
    def words(self) -> str:
        return STATUSES[self.key][0]

    @property
    def colour(self) -> str:
        return STATUSES[self.key][1]


def targets_in(months: list[str]) -> dict[str, dict[str, TargetSet]]:
    """month -> measure -> the target in force that month (measures without one left out), in one query."""
    if not months:
        return {}
    found: dict[str, dict[str, TargetSet]] = {m: {} for m in months}
    rows = db.session.execute(select(Target.measure, Target.percent, Target.starts, Target.set_at)
                              .where(Target.starts <= max(months)).order_by(Target.starts, Target.id)).all()
    for month in months:
        latest: dict[str, tuple] = {}
        for measure, percent, starts, set_at in rows:
            if starts <= month:
                latest[measure] = (percent, starts, set_at)  # later starts (and later settings) win
        found[month] = {measure: TargetSet(measure, percent, starts, set_at)
                        for measure, (percent, starts, set_at) in latest.items() if percent is not None}
    return found


def status(measure: str, share: float | None, n: int, target: TargetSet | None) -> Status | None:
    """Met, close or missed, judged on the whole percentage the reader sees; None without a target."""
    if target is None:
        return None
    if share is None or n < MIN_N:
        return Status("too_few")
    shown = whole_percent(share)
    short = target.percent - shown if BOARD_MEASURES[measure][1] == "at_least" else shown - target.percent
    return Status("met" if short <= 0 else "close" if short <= CLOSE_POINTS else "missed")


def set_target(actor: User, measure: str, percent: int | None, starts: str, today: date) -> Target:
    """A target (or, with percent None, no target) on the measure from the month `starts` on."""
    require(can_set_targets(actor), "Only the QA lead sets the board's targets")
    if measure not in BOARD_MEASURES:
        raise RuleError("Choose a measure from the list", "measure")
    if percent is not None and not 0 <= percent <= 100:
        raise RuleError("Enter the target as a whole percentage from 0 to 100", "percent")
    starts = check_month(starts)
    earlier = db.session.scalars(select(Target).where(Target.measure == measure)
                                 .order_by(Target.starts.desc(), Target.id.desc())).first()
    if earlier is not None and starts < month_of(today):
        raise RuleError(f"A change to a target starts this month ({month_label(month_of(today))}) or later, so "
                        "the months already reported keep the target they were reported against", "starts")
    target = Target(measure=measure, percent=percent, starts=starts, set_by_id=actor.id, set_at=clock.now())
    db.session.add(target)
    db.session.flush()
    name = BOARD_MEASURES[measure][0]
    before = None if earlier is None or earlier.percent is None else f"{earlier.percent}% from {earlier.starts}"
    after = "No target" if percent is None else f"{percent}%"
    record(actor, history.TARGET_SET, field=f"{name}, from {month_label(starts)}", before=before,
           after=after)
    return target


def target_history() -> list[tuple[Target, str]]:
    """Every target ever set, newest first, with who set it (a short list: a few a year)."""
    return [(t, name or "The system") for t, name in db.session.execute(
        select(Target, User.name).outerjoin(User, User.id == Target.set_by_id)
        .order_by(Target.starts.desc(), Target.id.desc()))]
