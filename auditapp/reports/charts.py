"""Charts drawn on the server as SVG geometry; the templates add the text alternative and data table."""

from dataclasses import dataclass, field

from auditapp.grading import GRADE_PALETTE, GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.reports.summary import GradeCounts, TrendPoint

# GOV.UK palette colours with at least 3:1 contrast against white (WCAG 1.4.11).
GRADE_COLOURS = {int(grade): f"#{colours['strong'].lower()}" for grade, colours in GRADE_PALETTE.items()}
WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 720, 300, 22, 10
NARROWEST_LABELLED = 24  # px: a narrower segment's count would not fit inside it (the table has every count)


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    label: str
    count: int

    @property
    def labelled(self) -> bool:
        return self.width >= NARROWEST_LABELLED


@dataclass
class Bar:
    y: float
    label: str
    n: int
    segments: list[Segment]


def stacked_bars(domains: dict[str, GradeCounts]) -> tuple[list[Bar], int]:
    """One horizontal bar per domain and overall, each 100% wide, split by moderated grade."""
    bars, span = [], WIDTH - LABEL_WIDTH - 60
    for row, (key, counts) in enumerate(domains.items()):
        x, segments = float(LABEL_WIDTH), []
        for grade in GRADES_BEST_FIRST:
            count = counts.counts[int(grade)]
            width = span * count / counts.n if counts.n else 0
            if count:
                segments.append(Segment(x, width, GRADE_COLOURS[int(grade)], grade.label, count))
            x += width
        bars.append(Bar(row * (BAR_HEIGHT + GAP) + 10, JUDGEMENTS[key], counts.n, segments))
    return bars, len(bars) * (BAR_HEIGHT + GAP) + 20


@dataclass
class Point:
    x: float
    y: float
    month: str
    value: float
    in_progress: bool = False


@dataclass
class Line:
    points: list[Point]
    path: str
    months: list[tuple[float, str]]
    gridlines: list[tuple[float, str]]
    height: int
    marks: list[tuple[float, str]] = field(default_factory=list)  # (x, month) of events drawn as upright lines
    target: tuple[float, str] | None = None  # (y, label) of a target drawn across the chart
    target_path: str = ""  # the % Good or better target in force each month, where one is set


TOP, BOTTOM = 20, 220


def trend_line(trend: list[TrendPoint], key: str = "overall", targets: dict[str, int | None] | None = None) -> Line:
    return share_line([(point.month, point.pct_good[key], point.in_progress) for point in trend], targets=targets)


def share_line(series: list[tuple[str, float | None, bool]], marks: set[str] | None = None,
               target: float | None = None, targets: dict[str, int | None] | None = None) -> Line:
    """A line of shares (0 to 1) by month, straight from point to point (never smoothed: a curve
    would show values no month had); months with no figure (None) are left out of the line.
    `marks`: months to mark with an upright line (a learning activity held then); `target`: a share
    drawn across; `targets`: the percentage in force each month, drawn as steps (the board's target)."""
    left, right, top, bottom = 60, WIDTH - 20, TOP, BOTTOM
    step = (right - left) / max(len(series) - 1, 1)
    points, months, marked = [], [], []
    for i, (month, value, in_progress) in enumerate(series):
        x = left + i * step
        months.append((x, month))
        if marks and month in marks:
            marked.append((x, month))
        if value is not None:
            points.append(Point(x, bottom - value * (bottom - top), month, value, in_progress))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
    gridlines = [(bottom - share * (bottom - top), f"{share:.0%}") for share in (0, 0.25, 0.5, 0.75, 1)]
    level = (bottom - target * (bottom - top), f"Target {target:.0%}") if target is not None else None
    # A step at each month the target changes; a gap in a month without one.
    target_path, pen = [], "M"
    for x, month in months:
        percent = (targets or {}).get(month)
        if percent is None:
            pen = "M"
            continue
        y = bottom - percent / 100 * (bottom - top)
        target_path.append(f"{pen}{x - step / 2 if pen == 'M' else x:.1f},{y:.1f} L{x + step / 2:.1f},{y:.1f}")
        pen = "L"
    return Line(points, path, months, gridlines, bottom + 40, marked, level, " ".join(target_path))
