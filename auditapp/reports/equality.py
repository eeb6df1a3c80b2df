"""Figures by equality characteristic, with small groups suppressed (primary and complementary),
so no child can be identified from a group's count: the dashboard, workbook and feed share these."""

from collections import Counter
from dataclasses import dataclass

from auditapp.grading import Grade
from auditapp.reports import stats
from auditapp.reports.facts import EQUALITY, AuditFacts

SMALL_GROUP = 5  # equality groups smaller than this are suppressed, so no child can be identified


@dataclass
class EqualityRow:
    group: str
    n: int
    good: int
    suppressed: bool = False  # set by equality(): too small, or hidden so a small one cannot be worked out

    @property
    def pct_good(self) -> float | None:
        return None if self.suppressed else stats.share(self.good, self.n)


def equality(facts: list[AuditFacts]) -> dict[str, list[EqualityRow]]:
    """% Good or better overall per group of each equality characteristic."""
    overall = [(f, grade) for f in facts if (grade := f.moderated["overall"]) is not None]
    result = {}
    for attr in EQUALITY:
        groups = Counter(f.equality[attr] for f, _ in overall)
        good = Counter(f.equality[attr] for f, grade in overall if grade >= Grade.GOOD)
        rows = [EqualityRow(group, groups[group], good[group]) for group in sorted(groups, key=_natural)]
        suppress(rows)
        result[attr] = rows
    return result


def suppress(rows: list[EqualityRow]) -> None:
    """Primary suppression of groups under SMALL_GROUP, then complementary: if only one group is
    hidden, the next smallest is hidden too, so the hidden one cannot be worked out by subtracting
    the others from the total. Hidden groups are never named (see the page and the workbook)."""
    for row in rows:
        row.suppressed = row.n < SMALL_GROUP
    hidden = [r for r in rows if r.suppressed]
    shown = sorted((r for r in rows if not r.suppressed), key=lambda r: (r.n, r.group))
    if len(hidden) == 1 and shown:
        shown[0].suppressed = True


def _natural(group: str):
    """Age bands in numeric order (1-4, 5-9, 10-15), other groups alphabetically."""
    digits = "".join(c if c.isdigit() else " " for c in group).split()
    return (int(digits[0]) if digits else float("inf"), group)
