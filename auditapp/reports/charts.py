"""Charts drawn on the server as SVG geometry; the templates add the text alternative and data table."""

from dataclasses import dataclass

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
    target_path: str = ""  # the % Good or better target in force each month, where one is set


def trend_line(trend: list[TrendPoint], key: str = "overall", targets: dict[str, int | None] | None = None) -> Line:
    left, right, top, bottom = 60, WIDTH - 20, 20, 220
    step = (right - left) / max(len(trend) - 1, 1)
    points, months = [], []
    for i, point in enumerate(trend):
        x = left + i * step
        months.append((x, point.month))
        value = point.pct_good[key]
        if value is not None:
            points.append(Point(x, bottom - value * (bottom - top), point.month, value, point.in_progress))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
    gridlines = [(bottom - share * (bottom - top), f"{share:.0%}") for share in (0, 0.25, 0.5, 0.75, 1)]
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
    return Line(points, path, months, gridlines, bottom + 40, " ".join(target_path))
