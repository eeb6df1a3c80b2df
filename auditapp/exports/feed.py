"""The dashboard feed's tables: the monthly figures of `reports/summary.py`, one row per month and
group, in the same columns month after month, for Power BI, Excel's Get data from web and other
tools. Nothing about one child: counts and percentages only, no case reference, no names but
teams', themes' and case types'. Groups under 5 are suppressed as on the page and in the
workbook; team and case-type rows too (with the next smallest when only one would be hidden, so
no hidden figure follows from the month's total by subtraction)."""

import csv
import io
from collections.abc import Callable
from typing import Any

from auditapp.exports.cells import csv_safe
from auditapp.grading import GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.months import month_label
from auditapp.reports.equality import SMALL_GROUP
from auditapp.reports.facts import EQUALITY
from auditapp.reports.summary import GradeCounts, MonthSummary

Row = dict[str, Any]
GRADE_COLUMNS = [grade.label.lower().replace(" ", "_") for grade in GRADES_BEST_FIRST]


def _month(summary: MonthSummary) -> Row:
    return {"month": summary.month, "month_name": month_label(summary.month),
            "includes_imported_audits": summary.month in summary.imported_months}


def _counts(counts: GradeCounts | None) -> Row:
    if counts is None:  # suppressed: every figure blank
        return {**dict.fromkeys(GRADE_COLUMNS), "moderated": None, "pct_good_or_better": None}
    return {**{column: counts.counts[grade] for column, grade in zip(GRADE_COLUMNS, GRADES_BEST_FIRST)},
            # Under 5 the page says "too few to judge": the feed leaves the share blank, so no chart shows it.
            "moderated": counts.n, "pct_good_or_better": counts.pct_good if counts.n >= SMALL_GROUP else None}


def domains(summary: MonthSummary) -> list[Row]:
    return [{**_month(summary), "judgement": JUDGEMENTS[key], **_counts(counts)}
            for key, counts in summary.domains.items()]


def _groups(summary: MonthSummary, groups: dict[str, dict[str, GradeCounts]], column: str) -> list[Row]:
    rows = []
    for key, name in JUDGEMENTS.items():
        sizes = {group: judgements[key].n for group, judgements in groups.items()}
        hidden = hidden_groups(sizes)
        rows += [{**_month(summary), column: group, "judgement": name, "suppressed": group in hidden,
                  **_counts(None if group in hidden else groups[group][key])} for group in sorted(groups)]
    return rows


def hidden_groups(sizes: dict[str, int]) -> set[str]:
    """Groups under SMALL_GROUP, and when only one is, the next smallest too (the page's rule)."""
    hidden = {group for group, n in sizes.items() if n < SMALL_GROUP}
    shown = sorted((n, group) for group, n in sizes.items() if group not in hidden)
    if len(hidden) == 1 and shown:
        hidden.add(shown[0][1])
    return hidden


def teams(summary: MonthSummary) -> list[Row]:
    return _groups(summary, summary.teams, "team")


def case_types(summary: MonthSummary) -> list[Row]:
    return _groups(summary, summary.case_types, "case_type")


def agreement(summary: MonthSummary) -> list[Row]:
    rows = []
    for key, a in summary.agreement.items():
        few = a.n < SMALL_GROUP  # "too few to judge" on the page: blank here
        rows.append({**_month(summary), "judgement": JUDGEMENTS[key], "pairs": a.n,
                     "pct_exact_agreement": None if few else a.exact,
                     "pct_within_one_grade": None if few else a.within_one, "weighted_kappa": None if few else a.kappa})
    return rows


def actions(summary: MonthSummary) -> list[Row]:
    f = summary.follow_up
    assert f is not None  # summarise always sets it
    return [{**_month(summary), "actions_raised": f.raised, "closed_on_time": f.closed_on_time,
             "closed_late": f.closed_late, "overdue_any_month": f.overdue, "reaudits_due": f.reaudits_due,
             "reaudits_better_overall": f.reaudits_improved, "findings_disputed": f.disputes}]


def family_feedback(summary: MonthSummary) -> list[Row]:
    f = summary.family
    assert f is not None
    few = f.counted < SMALL_GROUP  # a rate over fewer than 5 audits reads "too few to judge" on the page
    return [{**_month(summary), "audits_counted": f.counted, "families_contacted": f.contacted,
             "gave_feedback": f.gave_feedback, "pct_contacted": None if few else f.contact_rate,
             "pct_gave_feedback": None if few else f.feedback_rate}]


def themes(summary: MonthSummary) -> list[Row]:
    f = summary.follow_up
    if f is None or f.themes is None:
        return []
    rows = []
    for theme_id, name in f.themes.themes:
        for kind in ("strength", "worry"):
            n = f.theme_count(theme_id, kind)
            rows.append({**_month(summary), "theme": name, "tagged_as": kind, "suppressed": 0 < n < SMALL_GROUP,
                         "audits": None if 0 < n < SMALL_GROUP else n})
    return rows


def equality(summary: MonthSummary) -> list[Row]:
    rows = []
    for attr, label in EQUALITY.items():
        groups = summary.equality[attr]
        rows += [{**_month(summary), "field": label, "group": row.group, "moderated": row.n,
                  "good_or_better": row.good, "pct_good_or_better": row.pct_good}
                 for row in groups if not row.suppressed]
        hidden = sum(row.suppressed for row in groups)
        if hidden:  # never named, never counted: only how many groups are not shown
            rows.append({**_month(summary), "field": label, "group": f"{hidden} groups not shown", "moderated": None,
                         "good_or_better": None, "pct_good_or_better": None})
    return rows


TABLES: dict[str, Callable[[MonthSummary], list[Row]]] = {
    "domains": domains, "teams": teams, "case-types": case_types, "agreement": agreement, "actions": actions,
    "family-feedback": family_feedback, "themes": themes, "equality": equality,
}
# Each table's columns, in order, whatever the month holds (a month with no themes has none of its rows).
COLUMNS: dict[str, list[str]] = {
    "domains": ["month", "month_name", "includes_imported_audits", "judgement", *GRADE_COLUMNS, "moderated",
                "pct_good_or_better"],
    "teams": ["month", "month_name", "includes_imported_audits", "team", "judgement", "suppressed", *GRADE_COLUMNS,
              "moderated", "pct_good_or_better"],
    "case-types": ["month", "month_name", "includes_imported_audits", "case_type", "judgement", "suppressed",
                   *GRADE_COLUMNS, "moderated", "pct_good_or_better"],
    "agreement": ["month", "month_name", "includes_imported_audits", "judgement", "pairs", "pct_exact_agreement",
                  "pct_within_one_grade", "weighted_kappa"],
    "actions": ["month", "month_name", "includes_imported_audits", "actions_raised", "closed_on_time", "closed_late",
                "overdue_any_month", "reaudits_due", "reaudits_better_overall", "findings_disputed"],
    "family-feedback": ["month", "month_name", "includes_imported_audits", "audits_counted", "families_contacted",
                        "gave_feedback", "pct_contacted", "pct_gave_feedback"],
    "themes": ["month", "month_name", "includes_imported_audits", "theme", "tagged_as", "suppressed", "audits"],
    "equality": ["month", "month_name", "includes_imported_audits", "field", "group", "moderated", "good_or_better",
                 "pct_good_or_better"],
}


def rows_of(table: str, summaries: list[MonthSummary]) -> list[Row]:
    return [{column: row[column] for column in COLUMNS[table]}
            for summary in summaries for row in TABLES[table](summary)]


def as_csv(table: str, rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[table])
    for row in rows:
        writer.writerow([_cell(row[column]) for column in COLUMNS[table]])
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return round(value, 4)
    return csv_safe(value) if isinstance(value, str) else value


