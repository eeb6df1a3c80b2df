"""The monthly summary as an Excel workbook for leadership, scrutiny and inspectors (openpyxl)."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from auditapp import clock
from auditapp.audits.family_words import ASKED, TOPICS
from auditapp.calibration.results import Results
from auditapp.clock import uk_day
from auditapp.exports import calibration_sheet
from auditapp.exports.printing import set_up_printing
from auditapp.exports.sheet import DECIMAL, Sheet, write_value
from auditapp.exports.workbook_charts import add_charts
from auditapp.findings.themes import ThemeCounts
from auditapp.grading import DOMAINS, GRADES_BEST_FIRST, JUDGEMENTS, grade_words
from auditapp.models.families import QUESTIONS, RESPONDENTS
from auditapp.models.sets import KEY_ISSUES
from auditapp.months import month_label
from auditapp.reports.commentary import DOING, TOLD
from auditapp.reports.facts import EQUALITY
from auditapp.reports.family_figures import FamilyFigures
from auditapp.reports.follow_up import FollowUp
from auditapp.reports.measures import Value
from auditapp.reports.summary import GradeCounts, MonthSummary
from auditapp.rounding import percent_text

SHEETS = ["Summary", "Charts", "Auditors", "Audits", "Domains", "Teams", "Agreement", "Trend", "Equality", "Actions",
          "Themes", "Family feedback", "Calibration"]
TARGETED_SHEETS = ["Summary", "Charts", "Auditors", "Audits", "Domains", "Teams", "Agreement", "Equality"]
PERCENT = "0%"
KAPPA_UNDEFINED = "Kappa undefined: both auditors gave every case the same grade, or no pairs"
GRADE_NAMES = [g.label for g in GRADES_BEST_FIRST]
TARGET_HEADER = "Target: % Good or better overall"
WRAPPED = Alignment(wrap_text=True, vertical="top")


def _counts_row(counts: GradeCounts) -> list:
    return [counts.counts[int(g)] for g in GRADES_BEST_FIRST] + [counts.n, counts.pct_good]


def build_workbook(summary: MonthSummary, names: list[str] = SHEETS, calibration: list[Results] | None = None,
                   named: bool = False) -> Workbook:
    """The workbook with the sheets `names` (a targeted audit's has no month-by-month sheets);
    `calibration`: the month's closed exercises, with participants' names only when `named`."""
    book = Workbook()
    sheets = {name: Sheet(book.worksheets[0] if i == 0 else book.create_sheet()) for i, name in enumerate(names)}
    for name, sheet in sheets.items():
        sheet.ws.title = name
    writers = {"Domains": _domains, "Summary": _summary, "Audits": _audits, "Teams": _teams,
               "Agreement": _agreement, "Trend": _trend, "Equality": _equality, "Actions": _actions,
               "Themes": _themes, "Family feedback": _family, "Charts": _charts_title,
               "Auditors": _auditors,
               "Calibration": lambda sheet, _: calibration_sheet.write(sheet, calibration or [], named)}
    for name in ["Domains", *[n for n in names if n != "Domains"]]:  # the charts read Domains
        writers[name](sheets[name], summary)
    trend = book["Trend"] if "Trend" in book.sheetnames else None
    headings = [c.value for c in trend[1]] if trend else []
    add_charts(book, summary, headings.index(TARGET_HEADER) + 1 if TARGET_HEADER in headings else None)
    set_up_printing(book, f"Case audit summary: {summary.period_words or summary.month_words}", clock.now())
    for sheet in sheets.values():
        sheet.finish()
    return book


def workbook_bytes(summary: MonthSummary, names: list[str] = SHEETS, calibration: list[Results] | None = None,
                   named: bool = False) -> bytes:
    stream = BytesIO()
    build_workbook(summary, names, calibration, named).save(stream)
    return stream.getvalue()


def _summary(sheet: Sheet, summary: MonthSummary) -> None:
    h = summary.headline
    rows: list[list] = [
        ["Month" if summary.period == 1 else "Period", summary.period_words or summary.month_words, None],
        ["Audits sampled", h.sampled, None],
        ["Audits submitted by auditor A", h.submitted_a, None],
        ["Audits submitted by auditor B", h.submitted_b, None],
        ["Audits moderated", h.moderated, None],
        ["Audits withdrawn", h.withdrawn, None],
        *[[f"Withdrawn: {reason}", count, None] for reason, count in sorted(h.withdrawal_reasons.items())],
        ["This month's audits overdue", h.overdue, None],
        ["Auditors' audits submitted late", h.submitted_late, None],
        ["Moderations signed off late", h.moderated_late, None],
        ["Open immediate safeguarding concerns", h.open_concerns, None],
        ["% Good or better overall", h.overall.pct_good, h.overall.n],
        ["% Inadequate overall", h.overall.pct_inadequate, h.overall.n],
        *[[f"% Good or better: {name}", summary.domains[key].pct_good, summary.domains[key].n]
          for key, name in DOMAINS.items()],
        *(_follow_up_rows(summary) if summary.follow_up else []),
        # Said beside the figures: past audits imported from the council's records count in them.
        ["Months including imported past audits",
         ", ".join(month_label(m) for m in summary.imported_months) or "None", None],
        # Audits of the council's other types: counted here, their figures on each type's own summary.
        *[row for t in summary.other_types for row in (
            [f"Audits of the type {t.name} started (reported apart, on its own summary)", t.started, None],
            [f"Audits of the type {t.name} finished", t.finished, None])],
    ]
    sheet.title(f"Case audit monthly summary: {summary.month_words}" if summary.period == 1
                else f"Case audit summary: {summary.period_words}")
    if summary.board:
        _first_page(sheet, summary)
    first, last = sheet.table("Headline", ["Measure", "Value", "n"], rows, freeze=not summary.board)
    for row in range(first, last + 1):
        if str(sheet.ws.cell(row, 1).value).startswith("%"):
            sheet.ws.cell(row, 2).number_format = PERCENT


STATUS_FILLS = {"green": "CCE2D8", "yellow": "FFF7BF", "red": "F4CDC6", "grey": "F3F2F1"}


def _share_or_words(value: Value | None):
    """The share as a percentage cell, or the words when there is none to judge on."""
    if value is None:
        return None
    return value.share if value.judged else percent_text(value.share, value.n)


def _first_page(sheet: Sheet, summary: MonthSummary) -> None:
    """What changed: each board measure this month and the one before, the change in words, and the
    status against its target in words (its colour beside them, never alone); then the commentary."""
    now, then = summary.period_words or summary.month_words, summary.before_words or "Before"
    header = ["Measure", now, "n", then, "n ", "Change", "Target", "Against the target"]
    rows = [[r.name, _share_or_words(r.this), r.this.n, _share_or_words(r.last), r.last.n if r.last else None,
             r.change, r.target.words if r.target else "No target set", r.status.words if r.status else None]
            for r in summary.board]
    first, last = sheet.table("WhatChanged", header, rows, freeze=True)
    for row, board in zip(range(first, last + 1), summary.board):
        for col in (2, 4):
            if isinstance(sheet.ws.cell(row, col).value, float):
                sheet.ws.cell(row, col).number_format = PERCENT
        if board.status:
            sheet.ws.cell(row, 8).fill = PatternFill("solid", fgColor=STATUS_FILLS[board.status.colour])
    words = summary.commentary
    sheet.title(TOLD)
    _paragraph(sheet, words.told if words and words.told else "Not written yet.")
    sheet.title(DOING)
    _paragraph(sheet, words.doing if words and words.doing else "Not written yet.")
    if words:
        _paragraph(sheet, f"Written by {words.written_by}, {clock.uk_format(words.written_at, '%-d %B %Y %H:%M')}")
    sheet.row += 1


def _paragraph(sheet: Sheet, text: str) -> None:
    """Words across the page's width, wrapped, in a merged row tall enough for them."""
    cell = sheet.ws.cell(sheet.row, 1)
    write_value(cell, text)
    cell.alignment = WRAPPED
    sheet.ws.merge_cells(start_row=sheet.row, start_column=1, end_row=sheet.row, end_column=8)
    sheet.ws.row_dimensions[sheet.row].height = 15 * max(1, len(text) // 110 + text.count("\n") + 1)
    sheet.row += 1


def _auditors(sheet: Sheet, summary: MonthSummary) -> None:
    # A sheet of its own: a county's 400 managers would push the Summary over many pages.
    sheet.title("Audits by auditor (as auditor A or B)")
    sheet.table("Auditors", ["Auditor", "Allocated", "Submitted", "Overdue"],
                [[a.name, a.allocated, a.submitted, a.overdue] for a in summary.auditors], freeze=True)


def _month_only(summary: MonthSummary) -> tuple[FollowUp, FamilyFigures, ThemeCounts]:
    """A period's follow-up, families and themes: only a month's or period's summary has them, and a
    targeted audit's workbook has none of the sheets that read them."""
    f, family = summary.follow_up, summary.family
    if f is None or family is None or f.themes is None:
        raise ValueError("Only a month's summary has follow-up, family and theme figures")
    return f, family, f.themes


def _follow_up_rows(summary: MonthSummary) -> list[list]:
    f, family, themes = _month_only(summary)
    return [
        ["Actions raised", f.raised, None],
        ["Actions closed on time", f.closed_on_time, None],
        ["Actions closed late", f.closed_late, None],
        ["Actions overdue (any month)", f.overdue, None],
        ["Re-audits due", f.reaudits_due, None],
        ["Re-audits done (moderated)", f.reaudits_done, None],
        ["Re-audits moderated better overall", f.reaudits_improved, None],
        ["Findings disputed by the practitioner", f.disputes, None],
        ["% Families contacted", family.contact_rate, family.counted],
        ["% Families who gave feedback", family.feedback_rate, family.counted],
        *[[f"Average rating, {RESPONDENTS[who].lower()}: {TOPICS[q].lower()}", average, n]
          for who, by_q in family.averages.items() for q, (average, n) in by_q.items()],
        *[[f"Theme as a strength: {name}", f.theme_count(i, "strength"), None]
          for i, name in themes.themes if f.theme_count(i, "strength")],
        *[[f"Theme as a worry: {name}", f.theme_count(i, "worry"), None]
          for i, name in themes.themes if f.theme_count(i, "worry")],
    ]


def _actions(sheet: Sheet, summary: MonthSummary) -> None:
    sheet.title(f"Actions raised from the audits of {summary.in_sentence}, and every action overdue on the export date")
    follow_up = _month_only(summary)[0]
    header = ["Month", "Case reference", "Team", "What must happen", "Owner", "Priority", "Domain or theme", "Due",
              "Status", "Overdue", "Closed (verified)"]
    rows = [[month_label(a.month), a.reference, a.team, a.description, a.owner, a.priority, a.source or None,
             a.due, a.status, "Yes" if a.overdue else "No", a.closed] for a in follow_up.actions]
    first, last = sheet.table("Actions", header, rows, freeze=True)
    # What must happen is read, not filtered: wrapped in a column of its own width rather than one line.
    for row in range(first, last + 1):
        sheet.ws.cell(row, 4).alignment = WRAPPED
    sheet.widths[4] = 50
    sheet.title(f"Re-audits due in {summary.in_sentence}")
    sheet.table("Reaudits", ["Case reference", "First audit", "Re-audit", "Overall before", "Overall after"],
                [[r.reference, r.first_month, r.month, r.before or None, r.after or None]
                 for r in follow_up.reaudits])


def _themes(sheet: Sheet, summary: MonthSummary) -> None:
    counts = _month_only(summary)[2]
    # From the first month with audits: months before the service began would read as nine months of zeros.
    months = [m for m in counts.months if m >= summary.first_month]
    for kind, label in (("strength", "strengths"), ("worry", "worries")):
        sheet.title(f"Themes seen as {label}: audits signed off, by month")
        header = ["Theme", *[month_label(m) for m in months], "12 months"]
        rows = [[name, *[counts.count(i, kind, m) for m in months], counts.count(i, kind)]
                for i, name in counts.themes]
        sheet.table(f"Themes_{label}", header, rows, freeze=kind == "strength")


def _family(sheet: Sheet, summary: MonthSummary) -> None:
    sheet.title(f"Family feedback for the audits of {summary.in_sentence} both auditors have submitted "
                "(ratings: 4 yes, completely to 1 not at all)")
    header = ["Case reference", "Team", "Contact attempts", "Outcome"]
    for who, label in RESPONDENTS.items():
        for question in ASKED[who].values():
            header += [f"{label}: {question}", f"{label}: {question} (their words)"]
        header.append(f"{label}: what they would change")
    rows = []
    for row in _month_only(summary)[1].rows:
        values = [row.reference, row.team, row.attempts, row.outcome]
        for who in RESPONDENTS:
            said = row.answers.get(who, {})
            for q in QUESTIONS:
                values += [said.get(q), said.get(f"{q}_words")]
            values.append(said.get("change"))
        rows.append(values)
    sheet.table("Family", header, rows, freeze=True)


# What a reader of the printed Audits sheet needs; the rest stays on the sheet, to the right, for filtering.
PRINTED_AUDIT_COLUMNS = 3 + 3 + len(DOMAINS)


def _audits(sheet: Sheet, summary: MonthSummary) -> None:
    names = list(DOMAINS.values())
    header = ["Case reference", "Team", "Case type", "Overall - A", "Overall - B", "Overall - Moderated",
              *[f"{name} - Moderated" for name in names], "Auditor A", "Auditor B", "Moderator", "Status"]
    for name in names:
        header += [f"{name} - A", f"{name} - B"]
    header += ["Allocated", "Auditor A submitted", "Auditor B submitted", "Moderated"]
    rows = []
    for f in summary.facts:
        words = grade_words(f.a, f.b, f.moderated)  # A, B, moderated per judgement, overall last
        a, b, moderated = words[0::3], words[1::3], words[2::3]
        row: list[object] = [f.reference, f.team, f.case_type, a[-1], b[-1], moderated[-1], *moderated[:-1],
               f.auditor_a, f.auditor_b, f.moderator, f.status]
        for i in range(len(names)):
            row += [a[i], b[i]]
        row += [uk_day(m) for m in (f.allocated, f.submitted_a, f.submitted_b, f.signed_off)]
        rows.append(row)
    _, last = sheet.table("Audits", header, rows, freeze=True)
    sheet.ws.print_area = f"A1:{get_column_letter(PRINTED_AUDIT_COLUMNS)}{last}"


def _domains(sheet: Sheet, summary: MonthSummary) -> None:
    rows = [[JUDGEMENTS[key], *_counts_row(counts)] for key, counts in summary.domains.items()]
    sheet.table("Domains", ["Domain", *GRADE_NAMES, "n", "% Good or better"], rows, {7: PERCENT}, freeze=True)


def _teams(sheet: Sheet, summary: MonthSummary) -> None:
    rows = []
    for kind, groups in (("Team", summary.teams), ("Case type", summary.case_types)):
        for group, judgements in groups.items():
            rows += [[kind, group, JUDGEMENTS[key], *_counts_row(c)] for key, c in judgements.items()]
    sheet.table("Teams", ["Breakdown", "Group", "Domain", *GRADE_NAMES, "n", "% Good or better"], rows,
                {9: PERCENT}, freeze=True)


def _agreement(sheet: Sheet, summary: MonthSummary) -> None:
    rows = [[JUDGEMENTS[key], a.n, a.exact, a.within_one, a.kappa, None if a.kappa is not None else KAPPA_UNDEFINED]
            for key, a in summary.agreement.items()]
    sheet.table("Agreement", ["Domain", "n", "% exact agreement", "% within one grade",
                              "Quadratic-weighted kappa", "Note"], rows, {3: PERCENT, 4: PERCENT}, freeze=True)
    sheet.title("Moderation shift: how often the moderator raised, kept or lowered each auditor's grade")
    rows = [[JUDGEMENTS[key], *(getattr(s[role], part) for role in "AB" for part in ("raised", "kept", "lowered"))]
            for key, s in summary.shift.items()]
    sheet.table("ModerationShift",
                ["Domain", "A raised", "A kept", "A lowered", "B raised", "B kept", "B lowered"], rows)
    sheet.title("Did the audit identify the key issues? The moderator's judgement, per auditor")
    rows = [[f"Auditor {role}", *counts.values()] for role, counts in summary.key_issues.items()]
    sheet.table("KeyIssues", ["Auditor", *KEY_ISSUES.values()], rows)
    sheet.title("Self-assessment gap: case-responsible manager's grade minus moderated grade, in grade steps")
    rows = [[team, gap.n, gap.mean] for team, gap in summary.gaps.items()]
    sheet.table("SelfAssessmentGap", ["Team", "Domain grades compared", "Mean gap (grade steps)"], rows, {3: DECIMAL})


def _trend(sheet: Sheet, summary: MonthSummary) -> None:
    names = [*DOMAINS.values()]
    header = ["Month", "Audits moderated", "Overall % Good or better",
              *[f"{n} % Good or better" for n in names], *[f"{n} kappa" for n in names], "In progress",
              "Includes imported past audits"]
    rows = [[month_label(p.month), p.moderated, p.pct_good["overall"], *[p.pct_good[k] for k in DOMAINS],
             *[p.kappa[k] for k in DOMAINS], "Yes" if p.in_progress else "No",
             "Yes" if p.month in summary.imported_months else "No"] for p in summary.trend]
    formats = {col: PERCENT for col in range(3, 4 + len(names))}
    formats |= {col: DECIMAL for col in range(4 + len(names), 4 + 2 * len(names))}
    if any(summary.trend_targets.get(p.month) is not None for p in summary.trend):
        # The target in force each month: a month keeps the target it was reported against.
        header.append(TARGET_HEADER)
        formats[len(header)] = PERCENT
        for row, p in zip(rows, summary.trend):
            percent = summary.trend_targets.get(p.month)
            row.append(None if percent is None else percent / 100)
    sheet.table("Trend", header, rows, formats, freeze=True)
    sheet.title("Blank kappa: undefined that month (no pairs, or every case given the same grade by both).")


def _equality(sheet: Sheet, summary: MonthSummary) -> None:
    rows = []
    for attr, label in EQUALITY.items():
        hidden = [row for row in summary.equality[attr] if row.suppressed]
        rows += [[label, row.group, row.n, row.good, row.pct_good, None]
                 for row in summary.equality[attr] if not row.suppressed]
        if hidden:
            # Never named: under a filter a group's name alone can point to a child.
            rows.append([label, f"{len(hidden)} {'group' if len(hidden) == 1 else 'groups'} not shown",
                         None, None, None,
                         "Suppressed: too few audits, or hidden so a small group cannot be worked out"])
    sheet.table("Equality", ["Characteristic", "Group", "n", "Good or better", "% Good or better", "Note"],
                rows, {5: PERCENT}, freeze=True)


def _charts_title(sheet: Sheet, summary: MonthSummary) -> None:
    sheet.title(f"Charts: {summary.month_words}. Every figure is on the Domains and Trend sheets; a bar too "
                "narrow to label has its figure there only.")
