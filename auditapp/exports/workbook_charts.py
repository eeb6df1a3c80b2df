"""The workbook's native charts, drawn so they cannot mislead: each data label shows its value only
(a label small enough to sit on another's is left off, and the table on the Domains sheet has every
figure), lines are straight between real points with a marker at each, and axes start at zero."""

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import _BaseAxis
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.marker import Marker
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.worksheet.worksheet import Worksheet

from auditapp.grading import GRADE_PALETTE, GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.months import span_label
from auditapp.reports.summary import MonthSummary

# A label on a segment narrower than this share of its bar would overlap its neighbours' labels.
SMALLEST_LABELLED = 0.08
PERCENT = "0%"
TARGET_COLOUR = "0B0C0C"  # GOV.UK black, dashed: the target is not a grade


def values_only() -> DataLabelList:
    """Labels that say the value and nothing else. LibreOffice draws the series and category names
    too unless each flag is set False explicitly (FACTS.md), which piles the labels on each other."""
    labels = DataLabelList()
    labels.showVal = True
    labels.showSerName = labels.showCatName = labels.showLegendKey = labels.showPercent = False
    labels.showBubbleSize = labels.showLeaderLines = False
    return labels


def _hidden_label(idx: int) -> DataLabel:
    # openpyxl does not write a point label's `delete`, so every flag is set off instead (an unset flag
    # reads as on in LibreOffice, which would draw the names this point's label is dropped to avoid).
    return DataLabel(idx=idx, showVal=False, showSerName=False, showCatName=False, showLegendKey=False,
                     showPercent=False, showBubbleSize=False, showLeaderLines=False)


def _axes_shown(*axes: _BaseAxis) -> None:
    # openpyxl 3.1 leaves `delete` unset, which some readers take as a hidden axis.
    for axis in axes:
        axis.delete = False


def grade_bars(domains: Worksheet, summary: MonthSummary) -> BarChart:
    """Moderated grades per judgement as 100% stacked bars, in the grade palette and the tables' order."""
    bars = BarChart()
    bars.type, bars.grouping, bars.overlap, bars.gapWidth = "bar", "stacked", 100, 60
    bars.title = f"Moderated grades by domain, {summary.month_words}"
    last = 1 + len(JUDGEMENTS)
    bars.add_data(Reference(domains, min_col=2, max_col=5, min_row=1, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(domains, min_col=1, min_row=2, max_row=last))
    bars.x_axis.title = "Judgement"
    bars.y_axis.title = "Audits"
    bars.y_axis.scaling.min = 0
    bars.y_axis.majorGridlines = None
    _axes_shown(bars.x_axis, bars.y_axis)
    bars.legend.position = "b"
    bars.width, bars.height = 26, 12
    totals = [counts.n for counts in summary.domains.values()]
    for series, grade in zip(bars.series, GRADES_BEST_FIRST):
        series.graphicalProperties.solidFill = GRADE_PALETTE[grade]["strong"]
        series.graphicalProperties.line.solidFill = "FFFFFF"
        series.dLbls = values_only()
        series.dLbls.position = "ctr"
        # White on every grade's strong colour: each has at least 4.5:1 against it (grading.GRADE_PALETTE).
        series.dLbls.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(
            defRPr=CharacterProperties(b=True, sz=1000, solidFill="FFFFFF")), endParaRPr=CharacterProperties())])
        counts = [c.counts[int(grade)] for c in summary.domains.values()]
        series.dLbls.dLbl = [_hidden_label(i) for i, (count, n) in enumerate(zip(counts, totals))
                             if not n or count / n < SMALLEST_LABELLED]
    return bars


def trend_line(trend: Worksheet, summary: MonthSummary, target_column: int | None) -> LineChart:
    """% Good or better overall by month: straight, a marker on each real month, from 0% to 100%,
    with the target (when one is set) as a dashed line of its own."""
    line = LineChart()
    first, last = summary.trend[0].month if summary.trend else summary.month, summary.month
    line.title = f"% Good or better overall, {span_label(first, last)}"
    months = 1 + len(summary.trend)
    line.add_data(Reference(trend, min_col=3, max_col=3, min_row=1, max_row=months), titles_from_data=True)
    if target_column:
        line.add_data(Reference(trend, min_col=target_column, max_col=target_column, min_row=1, max_row=months),
                      titles_from_data=True)
    line.set_categories(Reference(trend, min_col=1, min_row=2, max_row=months))
    line.x_axis.title = "Month"
    line.y_axis.title = "% Good or better"
    line.y_axis.number_format = PERCENT
    line.y_axis.scaling.min, line.y_axis.scaling.max = 0, 1
    line.y_axis.majorUnit = 0.25
    _axes_shown(line.x_axis, line.y_axis)
    if line.legend is not None:  # a new chart has one; the type allows for a chart without
        line.legend.position = "b"
    line.width, line.height = 26, 12
    measured = line.series[0]
    measured.smooth = False  # openpyxl smooths by default: a curve through values that never existed
    measured.marker = Marker(symbol="circle", size=7)
    colour = GRADE_PALETTE[GRADES_BEST_FIRST[1]]["strong"]
    measured.graphicalProperties.line.solidFill = colour
    measured.marker.graphicalProperties = None
    measured.dLbls = values_only()
    measured.dLbls.position = "t"
    measured.dLbls.numFmt = PERCENT
    if target_column:
        target = line.series[1]
        target.smooth = False
        target.marker = Marker(symbol="none")
        target.graphicalProperties.line.solidFill = TARGET_COLOUR
        target.graphicalProperties.line.dashStyle = "dash"
    return line


def add_charts(book: Workbook, summary: MonthSummary, target_column: int | None = None) -> None:
    """On a sheet of their own, so each prints whole."""
    target = _worksheet(book, "Charts")
    target.add_chart(grade_bars(_worksheet(book, "Domains"), summary), "A3")
    if "Trend" in book.sheetnames:
        target.add_chart(trend_line(_worksheet(book, "Trend"), summary, target_column), "A28")


def _worksheet(book: Workbook, name: str) -> Worksheet:
    # The workbook's sheets are all worksheets (no chart sheets): book[name] may be either to its type.
    sheet = book[name]
    if not isinstance(sheet, Worksheet):
        raise TypeError(f"{name} is not a worksheet")
    return sheet
