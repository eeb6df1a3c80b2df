"""The first page of the pack: for each measure boards watch, this period, the one before, the
change in words ("up 6 points") and the status against the target in force (reports/targets.py).
Changes are worked out from the whole percentages the reader sees, so a reader's own subtraction
of the two figures printed always agrees with the words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditapp.models.board import BOARD_MEASURES
from auditapp.reports.targets import Status, TargetSet, status
from auditapp.rounding import MIN_N, whole_percent

if TYPE_CHECKING:  # the summary holds these rows: only its type is needed here
    from auditapp.reports.summary import MonthSummary


@dataclass(frozen=True)
class Value:
    share: float | None
    n: int  # what the share is of: audits, re-audits due, families

    @property
    def judged(self) -> bool:
        return self.share is not None and self.n >= MIN_N


@dataclass(frozen=True)
class BoardRow:
    measure: str
    name: str
    this: Value
    last: Value | None
    change: str
    target: TargetSet | None
    status: Status | None


def values(summary: MonthSummary) -> dict[str, Value]:
    """Each board measure's share of what it counts, from the summary's own figures."""
    overall = summary.headline.overall
    signed_off = [f for f in summary.facts if not f.withdrawn and f.signed_off]
    on_time = sum(1 for f in signed_off if not f.submitted_late and not f.signed_off_late)
    found = {
        "good_overall": Value(overall.pct_good, overall.n),
        "inadequate_overall": Value(overall.pct_inadequate, overall.n),
        "on_time": Value(on_time / len(signed_off) if signed_off else None, len(signed_off)),
    }
    reaudits = summary.follow_up.reaudits if summary.follow_up else []
    done = sum(1 for r in reaudits if r.after)
    found["reaudited"] = Value(done / len(reaudits) if reaudits else None, len(reaudits))
    family = summary.family
    found["family_feedback"] = Value(family.feedback_rate if family else None, family.counted if family else 0)
    return found


def change_words(this: Value, last: Value | None) -> str:
    if last is None or not last.judged:
        return "No figure to compare with"
    if not this.judged:
        return "Too few to judge this time"
    assert this.share is not None and last.share is not None
    points = whole_percent(this.share) - whole_percent(last.share)
    if points == 0:
        return "No change"
    return f"{'Up' if points > 0 else 'Down'} {abs(points)} {'point' if abs(points) == 1 else 'points'}"


def board_rows(summary: MonthSummary, then: dict[str, Value], targets: dict[str, TargetSet]) -> list[BoardRow]:
    """`then`: the period before's values (board_basis.before_values), empty when there is none."""
    now = values(summary)
    return [BoardRow(key, name, now[key], then.get(key), change_words(now[key], then.get(key)), targets.get(key),
                     status(key, now[key].share, now[key].n, targets.get(key)))
            for key, (name, _) in BOARD_MEASURES.items()]
