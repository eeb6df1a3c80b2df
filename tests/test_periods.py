"""Periods boards use (issue 23): quarters of the financial year (April to June is quarter 1) and
the financial year to date, beside one month and 12 months, on the dashboard, in the workbook
and on the command line."""

import io

import pytest
from builders import sampled_month, signed_off_audit
from openpyxl import load_workbook

from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.models import Case
from auditapp.reports.periods import parse_period, period_code, period_of


def test_quarters_and_years_start_in_april_and_say_their_months_in_words():
    q3 = period_of("quarter", "2026-11")
    assert q3.months == ("2026-10", "2026-11") and q3.words == "Quarter 3 of 2026-27 (October to November 2026)"
    assert q3.before.words == "Quarter 2 of 2026-27 (July to August 2026)"  # the same part of the quarter before
    assert period_of("quarter", "2027-01").words == "Quarter 4 of 2026-27 (January 2027)"
    assert period_of("quarter", "2026-06").months == ("2026-04", "2026-05", "2026-06")
    year = period_of("year", "2027-03")
    assert year.count == 12 and year.words == "The financial year 2026-27 (April 2026 to March 2027)"
    assert period_of("year", "2026-10").before.words == "The financial year 2025-26 (April to October 2025)"
    assert period_of("12", "2026-10").words == "The 12 months to October 2026"
    assert parse_period("2026-27-Q3", latest="2026-12").months == ("2026-10", "2026-11", "2026-12")
    assert parse_period("2026-27-Q3", latest="2026-11").months == ("2026-10", "2026-11")  # to date
    assert parse_period("2026-27", latest="2026-11").count == 8
    assert parse_period("2026-10", latest="2026-11").words == "October 2026"
    assert [period_code(p) for p in (period_of("1", "2026-10"), period_of("quarter", "2026-10"),
                                     period_of("year", "2026-10"), period_of("12", "2026-10"))] == \
        ["2026-10", "2026-27-Q3", "2026-27", "2025-11-to-2026-10"]
    for wrong in ("2026-28-Q1", "2026-27-Q5", "Q3", "2027-28"):
        with pytest.raises(RuleError):
            parse_period(wrong, latest="2026-11")


def _october_and_november(world) -> None:
    for case in list(world.cases):  # a case audited in October is not drawn again in November
        db.session.add(Case(reference=f"{case.reference}X", team_id=case.team_id, case_type=case.case_type,
                            manager_id=case.manager_id, open_date=case.open_date))
    db.session.commit()
    for month, grade in (("2026-09", 2), ("2026-10", 3), ("2026-11", 2)):
        for audit in sampled_month(month, per_team=1 if month == "2026-09" else 4):
            signed_off_audit(audit, final=grade)
    db.session.commit()


def test_the_dashboard_and_the_workbook_cover_a_quarter_and_the_year_to_date(world, as_user):
    _october_and_november(world)
    leader = as_user(world.leader)
    page = leader.get("/reports/?month=2026-11&period=quarter").get_data(as_text=True)
    assert "Summary: Quarter 3 of 2026-27 (October to November 2026)" in page
    assert "What changed since Quarter 2 of 2026-27 (July to August 2026)" in page
    # October's 12 all Good, November's 9 (the cases not audited in the last 12 months) all Requires
    # improvement: 12 of 21 over the quarter.
    row = page[page.index("Good or better overall</th>"):]
    assert "57% (n=21)" in row[:400]
    response = leader.get("/reports/2026-11.xlsx?period=year")
    assert response.status_code == 200
    assert 'filename="case-audit-summary-2026-27.xlsx"' in response.headers["Content-Disposition"]
    summary = {row[0]: row[1] for row in load_workbook(io.BytesIO(response.data))["Summary"].iter_rows(
        values_only=True) if row[0] and row[0] == "Period"}
    assert summary["Period"] == "The financial year 2026-27 (April to November 2026)"
    assert leader.get("/reports/2026-11.xlsx?period=decade").status_code == 404
    assert leader.get("/reports/?month=2026-11&period=decade").status_code == 404


def test_the_command_line_exports_a_quarter_by_its_code_or_a_month_with_a_period(world, app, tmp_path):
    _october_and_november(world)
    runner, output = app.test_cli_runner(), tmp_path / "q3.xlsx"
    result = runner.invoke(args=["export-month", "2026-27-Q3", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Quarter 3 of 2026-27 (October to November 2026)" in result.output
    sheet = load_workbook(output)["Summary"]
    assert sheet["A1"].value == "Case audit summary: Quarter 3 of 2026-27 (October to November 2026)"
    result = runner.invoke(args=["export-month", "2026-11", "--period", "year", "--output", str(output)])
    assert result.exit_code == 0 and "The financial year 2026-27 (April to November 2026)" in result.output
    assert runner.invoke(args=["export-month", "2025-26-Q1", "--output", str(output)]).exit_code == 1
    assert runner.invoke(args=["export-month", "2026-27-Q3", "--period", "year",
                               "--output", str(output)]).exit_code == 1
