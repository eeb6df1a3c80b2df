"""A type's summary as a workbook (issue 24): its figures on the first sheet, exactly as the page
shows them (reports/type_summary.py computes both), and its finished audits with each answer.

Written as the monthly workbook is: Excel tables through exports/sheet.py (every typed cell
neutralised, never a formula), printed A4 landscape with the protective marking (exports/printing.py).
A share over fewer than 5 is written as the page's words ("Too few to judge"), not as a number."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook

from auditapp import clock
from auditapp.clock import uk_day
from auditapp.exports.printing import set_up_printing
from auditapp.exports.sheet import Sheet
from auditapp.grading import GRADE_KEYS, GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.models.sets import YES_NO_NA
from auditapp.months import month_label
from auditapp.reports.summary import GradeCounts
from auditapp.reports.type_summary import QuestionFigures, TypeSummary, number_text
from auditapp.rounding import MIN_N, TOO_FEW

PERCENT = "0%"
GRADE_NAMES = [g.label for g in GRADES_BEST_FIRST]
NOT_APPLICABLE_NOTE = "% met is yes ÷ (yes + no): not applicable is left out"
MATCHING_NOTE = ("Questions are matched by their position within a version, and across versions by identical "
                 "wording: a reworded question has a row of its own")
TEXT_WITHHELD = "Typed answers are in the QA lead's and senior managers' download only"


def share_cell(share: float | None, n: int) -> float | str | None:
    """The share as a number for a percentage cell, or the page's words under the small-number rule."""
    if n < MIN_N:
        return TOO_FEW
    return share


def type_workbook_bytes(summary: TypeSummary, scope_words: str, with_text: bool) -> bytes:
    book = Workbook()
    figures = Sheet(book.worksheets[0])
    figures.ws.title = "Summary"
    _summary(figures, summary, scope_words)
    audits = Sheet(book.create_sheet("Audits"))
    _audits(audits, summary, with_text)
    set_up_printing(book, f"Audit type summary: {summary.name}", clock.now())
    for sheet in (figures, audits):
        sheet.finish()
    stream = BytesIO()
    book.save(stream)
    return stream.getvalue()


def _percent_rows(sheet: Sheet, first: int, last: int, column: int) -> None:
    for row in range(first, last + 1):
        sheet.ws.cell(row, column).number_format = PERCENT


def _grade_row(label: str, counts: GradeCounts) -> list:
    return [label, *[counts.counts[int(g)] for g in GRADES_BEST_FIRST], counts.n,
            share_cell(counts.pct_good, counts.n)]


def _summary(sheet: Sheet, summary: TypeSummary, scope_words: str) -> None:
    sheet.title(f"Audit type summary: {summary.name}")
    rows: list[list] = [
        ["Showing", scope_words],
        ["Audits started", summary.started],
        ["Finished (counted in the figures)", summary.finished],
        ["Still in progress (nothing from them is shown)", summary.in_progress],
        ["Ended: consent refused (counted apart, in no figure)", summary.consent_refused],
        ["Withdrawn", summary.withdrawn],
    ]
    sheet.table("Headline", ["Measure", "Value"], rows, freeze=True)
    if summary.matched_across_versions:
        sheet.title(MATCHING_NOTE)
        sheet.row += 1
    if summary.domains:
        sheet.title("Domains graded by the type (final grades)")
        first, last = sheet.table("Domains", ["Domain", *GRADE_NAMES, "n", "% Good or better"],
                                  [_grade_row(JUDGEMENTS[key], counts) for key, counts in summary.domains.items()])
        _percent_rows(sheet, first, last, 7)
    graded = summary.of_kind("grade")
    if graded:
        sheet.title("Grade questions")
        first, last = sheet.table("GradeQuestions", ["Question", *GRADE_NAMES, "n", "% Good or better"],
                                  [_grade_row(q.text, q.grades) for q in graded if q.grades is not None])
        _percent_rows(sheet, first, last, 7)
    items = summary.of_kind("yes no")
    if items:
        sheet.title(f"Yes / no items ({NOT_APPLICABLE_NOTE})")
        rows = [_met_row(q) for q in [*items, summary.all_items]]
        first, last = sheet.table("YesNoItems", ["Item", "Yes", "No", "Not applicable", "n (yes + no)", "% met"],
                                  rows)
        _percent_rows(sheet, first, last, 6)
    numbers = summary.of_kind("number")
    if numbers:
        sheet.title("Numbers")
        sheet.table("Numbers", ["Question", "Answered", "Median", "Lowest", "Highest"],
                    [[q.text, q.answered, *_number_cells(q)] for q in numbers])
    others = summary.of_kind("date") + summary.of_kind("text")
    if others:
        sheet.title("Dates and written answers")
        sheet.table("Answered", ["Question", "Kind", "Answered", "Asked"],
                    [[q.text, "A date" if q.kind == "date" else "Free text", q.answered, q.asked] for q in others])


def _met_row(q: QuestionFigures) -> list:
    return [q.text, q.yes, q.no, q.not_applicable, q.met_n, share_cell(q.pct_met, q.met_n)]


def _number_cells(q: QuestionFigures) -> list:
    if not q.judged:
        return [TOO_FEW, None, None]
    return [_number(value) for value in (q.median, q.lowest, q.highest)]


def _number(value: Decimal | None) -> float | str | None:
    if value is None:
        return None
    text = number_text(value)
    return float(text) if text != TOO_FEW else text


def _answer(kind: str, answer: str | None):
    if answer is None:
        return None
    if kind == "grade":
        grade = GRADE_KEYS.get(answer)
        return grade.label if grade else answer
    if kind == "yes no":
        return YES_NO_NA.get(answer, answer)
    if kind == "number":
        return _number(Decimal(answer))
    if kind == "date":
        try:
            return date.fromisoformat(answer)
        except ValueError:
            return answer
    return answer


def _audits(sheet: Sheet, summary: TypeSummary, with_text: bool) -> None:
    sheet.title(f"The finished audits of the type {summary.name}")
    shown = [q for q in summary.questions if with_text or q.kind != "text"]
    has_items = bool(summary.of_kind("yes no"))
    header = ["Case reference", "Team", "Case type", "Month started", "Version", "Allocated", "Finished",
              *(["% met"] if has_items else []), *[f"{q.key.upper()}: {q.text}" for q in shown]]
    rows = []
    for a in summary.audits:
        rows.append([a.reference, a.team, a.case_type, month_label(a.month), a.version, uk_day(a.allocated),
                     uk_day(a.finished), *([a.pct_met] if has_items else []),
                     *[_answer(q.kind, a.answers.get(q.key)) for q in shown]])
    first, last = sheet.table("Audits", header, rows, freeze=True)
    if has_items:
        _percent_rows(sheet, first, last, 8)
    if not with_text and len(shown) < len(summary.questions):
        sheet.title(TEXT_WITHHELD)
