"""The monthly summary: the workbook's sheets and figures, the dashboard, and blind review in reports."""

import io
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine
from builders import count_queries, fresh, month_sampled_by, review_data
from openpyxl import load_workbook
from test_moderation import moderation_data

from auditapp import clock
from auditapp.exports.workbook import SHEETS
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.reports.summary import summarise

GRADE_WORDS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]


@pytest.fixture(autouse=True)
def in_november_2026():
    """These figures are worked out by hand for a month audited in November 2026, due dates and all."""
    with time_machine.travel(datetime(2026, 11, 18, 10, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def month(world, as_user):
    """Six audits: four moderated with known grades, one with only A submitted, one untouched."""
    audits = month_sampled_by(world.qa_lead, per_team=2)
    plans = [(4, 3, 3), (3, 3, 3), (3, 2, 2), (2, 1, 1)]  # (A, B, moderated) for every judgement
    for audit, (a, b, final) in zip(audits, plans):
        as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(a, overall_grade=str(a)))
        as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(b, overall_grade=str(b)))
        rationale = dict.fromkeys(JUDGEMENTS, "Reason") if a != b else {}
        response = as_user(audit.moderator).post(f"/audits/{audit.id}/moderate", data=moderation_data(final, rationale))
        assert response.status_code == 302
    as_user(audits[4].auditor_a).post(f"/audits/{audits[4].id}/review/A",
                                      data=review_data(4, voice_evidence="=HYPERLINK(\"http://x\")"))
    fresh()
    return audits


def workbook(client, month="2026-11"):
    response = client.get(f"/reports/{month}.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_workbook_sheets_headers_tables_and_formats(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    assert book.sheetnames == SHEETS
    audits = book["Audits"]
    header = [c.value for c in audits[1]]
    # What a printed page needs first (and only that is in the print area); the rest to the right, for filtering.
    assert header[:12] == ["Case reference", "Team", "Case type", "Overall - A", "Overall - B", "Overall - Moderated",
                           *[f"{name} - Moderated" for name in DOMAINS.values()]]
    assert audits.print_area == "'Audits'!$A$1:$L$7"
    assert header[12:16] == ["Auditor A", "Auditor B", "Moderator", "Status"]
    assert header[16:18] == ["Voice of the child in assessment and planning - A",
                             "Voice of the child in assessment and planning - B"]
    assert header[28:] == ["Allocated", "Auditor A submitted", "Auditor B submitted", "Moderated"]
    for name in SHEETS:
        if name == "Charts":
            continue  # charts only
        sheet = book[name]
        assert sheet.tables, f"{name} has no Excel table"
        assert sheet.freeze_panes is not None
    assert audits.tables["Audits"].ref == f"A1:AF{1 + len(month)}"
    assert audits["AC2"].is_date and audits["AC2"].number_format == "dd/mm/yyyy"
    assert book["Domains"]["G2"].number_format == "0%"
    assert (audits["G2"].value in GRADE_WORDS
            and audits["G2"].fill.fgColor.rgb.endswith(("CCE2D8", "BBD4EA", "FCD6C3", "F4CDC6")))
    charts = book["Charts"]
    assert len(charts._charts) == 2
    assert {type(c).__name__ for c in charts._charts} == {"BarChart", "LineChart"}


def test_workbook_figures_equal_figures_recomputed_from_the_audits_sheet(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    rows = list(book["Audits"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["Audits"][1]]
    domains = {row[0]: row for row in book["Domains"].iter_rows(min_row=2, values_only=True)}
    for name in [*DOMAINS.values(), "Overall"]:
        column = header.index(f"{name} - Moderated")
        grades = Counter(row[column] for row in rows if row[column])
        expected = [grades[w] for w in GRADE_WORDS]
        n = sum(expected)
        assert list(domains[name][1:6]) == expected + [n]
        assert domains[name][6] == pytest.approx((expected[0] + expected[1]) / n)
    assert n == 4 and expected == [0, 2, 1, 1]
    headline = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert headline["Audits sampled"] == 6
    assert headline["Audits moderated"] == 4
    assert headline["Audits submitted by auditor A"] == 5
    assert headline["% Good or better overall"] == pytest.approx(0.5)


def test_audits_by_auditor(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    sheet = book["Auditors"]
    table = sheet[sheet.tables["Auditors"].ref]
    rows = {cells[0].value: tuple(c.value for c in cells[1:]) for cells in table[1:]}
    # Auditor A submitted on the first five audits, auditor B on the first four.
    expected = {}
    for i, audit in enumerate(month):
        for person, done in ((audit.auditor_a, i < 5), (audit.auditor_b, i < 4)):
            allocated, submitted, overdue = expected.get(person.name, (0, 0, 0))
            expected[person.name] = (allocated + 1, submitted + done, 0)
    assert rows == expected
    late = summarise("2026-11", date(2027, 1, 4)).auditors
    assert sum(a.overdue for a in late) == 3  # B on audit 5; A and B on audit 6


def test_agreement_sheet_kappa_and_shift(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    agreement = {row[0]: row for row in book["Agreement"].iter_rows(min_row=2, max_row=8, values_only=True)}
    voice = agreement["Voice of the child in assessment and planning"]
    # Pairs (A, B): (4,3) (3,3) (3,2) (2,1): exact 1/4, all within one.
    assert voice[1:4] == (4, 0.25, 1.0)
    assert voice[4] == pytest.approx(summarise("2026-11", clock.today()).agreement["voice"].kappa)
    key_issues = {row[0]: row[1:4] for row in book["Agreement"].iter_rows(values_only=True)
                  if row[0] in ("Auditor A", "Auditor B")}
    assert key_issues == {"Auditor A": (4, 0, 0), "Auditor B": (0, 4, 0)}
    shift = summarise("2026-11", clock.today()).shift["voice"]
    assert (shift["A"].raised, shift["A"].kept, shift["A"].lowered) == (0, 1, 3)
    assert (shift["B"].raised, shift["B"].kept, shift["B"].lowered) == (0, 4, 0)


def test_free_text_is_never_a_formula(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_blind_review_holds_in_reports(month, as_user, world):
    # Audit 5 has only auditor A's grades: no report shows them until B submits.
    book = workbook(as_user(world.qa_lead))
    row = list(book["Audits"].iter_rows(min_row=6, max_row=6, values_only=True))[0]
    assert row[15] == "In progress" and set(row[3:12]) == set(row[16:28]) == {None}


def test_equality_groups_under_five_are_suppressed_and_never_named(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    rows = [row for row in book["Equality"].iter_rows(min_row=2, values_only=True)]
    assert rows and all(row[5].startswith("Suppressed") and row[2] is None and "not shown" in row[1] for row in rows)
    page = as_user(world.leader).get(f"/reports/?month=2026-11&team={month[0].case.team.name}").get_data(as_text=True)
    assert "not shown (too few audits)" in page and "Not recorded:" not in page


def test_complementary_suppression_leaves_nothing_to_subtract():
    from auditapp.reports.equality import EqualityRow, suppress
    rows = [EqualityRow("White British", 12, 9), EqualityRow("Mixed", 6, 3), EqualityRow("Asian", 2, 0)]
    suppress(rows)
    assert [r.suppressed for r in rows] == [False, True, True]  # the next smallest hides with the small one
    rows = [EqualityRow("Male", 9, 5), EqualityRow("Female", 8, 4)]
    suppress(rows)
    assert not any(r.suppressed for r in rows)
    rows = [EqualityRow("1-4", 2, 1), EqualityRow("10-15", 3, 2), EqualityRow("5-9", 7, 7)]
    suppress(rows)
    assert [r.suppressed for r in rows] == [True, True, False]  # two hidden already: neither can be derived


def test_one_rounding_rule_half_up_on_the_page_and_in_the_workbook():
    from auditapp.rounding import percent_text, whole_percent
    assert whole_percent(10 / 16) == 63 and whole_percent(0.285) == 29 and whole_percent(1 / 3) == 33
    assert percent_text(10 / 16, 16) == "63% (n=16)"
    assert percent_text(0.5, 4) == "Too few to judge (n=4)"


def test_export_month_cli_writes_the_same_workbook(month, app, tmp_path, as_user, world):
    output = tmp_path / "summary.xlsx"
    result = app.test_cli_runner().invoke(args=["export-month", "2026-11", "--output", str(output)])
    assert result.exit_code == 0, result.output
    from_cli = load_workbook(output)
    from_web = workbook(as_user(world.qa_lead))
    for name in SHEETS:
        assert list(from_cli[name].values) == list(from_web[name].values)
    assert app.test_cli_runner().invoke(args=["export-month", "1999-01", "--output", str(output)]).exit_code == 1


def test_dashboard_shows_the_same_figures_with_accessible_charts(month, as_user, world):
    page = as_user(world.leader).get("/reports/?month=2026-11").get_data(as_text=True)
    assert 'role="img"' in page and "<desc" in page and "<title id=\"distribution-title\">" in page
    assert "Good or better overall</dt><dd class=\"govuk-summary-list__value\">Too few to judge (n=4)" in page
    filtered = as_user(world.leader).get(f"/reports/?month=2026-11&team={month[0].case.team.name}")
    assert filtered.status_code == 200
    assert as_user(world.leader).get("/reports/?month=2026-11&team=Nope").status_code == 404
    agreement = as_user(world.leader).get("/reports/agreement?month=2026-11").get_data(as_text=True)
    assert "What these figures mean" in agreement and "Self-assessment gap by team" in agreement


def test_auditors_cannot_read_reports(month, as_user):
    client = as_user(month[0].auditor_a)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/2026-11.xlsx").status_code == 403


def test_the_twelve_month_period_counts_every_month_in_it(month, as_user, world):
    """The dashboard's 12-month view adds the months up; the month view shows only the month."""
    with clock.frozen_at(datetime(2026, 12, 1, 9)):
        december = month_sampled_by(world.qa_lead, "2026-12", seed=3, per_team=1)
    one = summarise("2026-12", clock.today())
    year = summarise("2026-12", clock.today(), period=12)
    assert one.headline.sampled == len(december)
    assert year.headline.sampled == len(december) + len(month)
    assert year.domains["overall"].n == summarise("2026-11", clock.today()).domains["overall"].n == 4
    page = as_user(world.leader).get("/reports/?month=2026-12&period=12").get_data(as_text=True)
    assert "Summary: The 12 months to December 2026" in page
    assert as_user(world.leader).get("/reports/?month=2026-12&period=7").status_code == 404


def test_full_history_export_has_every_audit_blind_until_both_submit(month, as_user, world, app, tmp_path):
    from builders import sampled_month, signed_off_audit

    from auditapp.extensions import db
    with clock.frozen_at(datetime(2026, 10, 1, 9)):
        for audit in sampled_month("2026-10", per_team=1, seed=5):
            signed_off_audit(audit)
    db.session.commit()
    as_user(world.qa_lead).post(f"/people/teams/{world.auditors['Early Help'][0].team_id}",
                                data={"name": "=Early Help"})
    response = as_user(world.qa_lead).get("/reports/all-audits.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Audits"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(month) + 3
    assert [r[0] for r in rows].count("2026-10") == 3
    header = [c.value for c in sheet[1]]
    voice_a = header.index("Voice of the child in assessment and planning - A")
    only_a = next(r for r in rows if r[7] == "In progress")  # A's draft with a formula-like evidence
    assert only_a[voice_a] is None  # blind review: nothing of A's until B has submitted too
    assert all(r[voice_a] in GRADE_WORDS for r in rows if r[7] == "Moderated")
    allocated = sheet.cell(row=2, column=header.index("Allocated") + 1)
    assert allocated.is_date and allocated.number_format == "dd/mm/yyyy"  # a date Excel sorts, shown the UK way
    result = app.test_cli_runner().invoke(args=["export-audits", "--output", str(tmp_path / "all.xlsx")])
    assert result.exit_code == 0 and f"{len(rows)} audits written" in result.output
    cli_rows = list(load_workbook(tmp_path / "all.xlsx")["Audits"].iter_rows(min_row=2, values_only=True))
    assert cli_rows == rows
    assert as_user(world.leader).get("/reports/all-audits.xlsx").status_code == 403
    team_cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert any(c.value == "=Early Help" and c.data_type == "s" for c in team_cells)  # text, never a formula


def test_the_dashboard_shows_a_change_at_once(month, as_user, world):
    """Figures are remembered between readers, but never past a change to the data."""
    leader = as_user(world.seniors[1])  # a senior manager: reads the figures and may open the audits
    before = leader.get("/reports/").get_data(as_text=True)
    assert ('Moderated</dt><dd class="govuk-summary-list__value">'
            '<a class="govuk-link" href="/reports/audits?month=2026-11&amp;which=moderated">4<' in before)
    audit = month[5]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(3))
    as_user(audit.moderator).post(f"/audits/{audit.id}/moderate", data=moderation_data(3))
    after = leader.get("/reports/").get_data(as_text=True)
    assert 'which=moderated">5<span class="govuk-visually-hidden"> moderated' in after



def test_figures_are_links_only_for_readers_who_may_open_the_audits_behind_them(month, as_user, world, app):
    """A leadership reader sees plain numbers: a link would lead only to "you can read the figures
    but not the audits". The QA lead's links are remembered apart, so reading first changes nothing."""
    from auditapp.findings.themes import add_theme
    from auditapp.models import ThemeTag
    theme = add_theme(world.qa_lead, "Fathers")
    db.session.add(ThemeTag(audit_id=month[0].id, theme_id=theme.id, role="M", kind="worry"))  # as moderated
    db.session.commit()
    qa = as_user(world.qa_lead).get("/reports/").get_data(as_text=True)
    assert 'href="/reports/audits?month=2026-11&amp;which=moderated">4<' in qa
    assert "which=auditor%3A" in qa and "which=grade%3A" in qa and f"/reports/themes/{theme.id}/worry/" in qa
    leader = as_user(world.leader).get("/reports/").get_data(as_text=True)
    assert 'Moderated</dt><dd class="govuk-summary-list__value">4</dd>' in leader
    assert "/reports/audits" not in leader and "/reports/themes/" not in leader
    assert "/audits/" not in leader  # and no link to any audit itself
    agreement = as_user(world.leader).get("/reports/agreement").get_data(as_text=True)
    assert "/reports/audits" not in agreement and "/audits/" not in agreement


def test_what_people_typed_stays_text_on_the_remembered_report_pages(month, as_user, world):
    team_id = world.auditors["Early Help"][0].team_id
    as_user(world.qa_lead).post(f"/people/teams/{team_id}", data={"name": "<script>alert(1)</script>"})
    for url in ("/reports/", "/reports/agreement"):
        page = as_user(world.leader).get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def test_people_signing_in_do_not_make_the_figures_be_worked_out_again(month, as_user, world):
    """Sign-ins are in the history, but change no figure: the dashboard stays remembered."""
    leader = as_user(world.leader)
    leader.get("/reports/")
    with count_queries() as warm:
        leader.get("/reports/")
    as_user(world.qa_lead)  # someone else signs in (and is recorded in the history)
    with count_queries() as after_sign_in:
        page = leader.get("/reports/").get_data(as_text=True)
    assert len(after_sign_in) == len(warm) and "Headline figures" in page


def test_a_dashboard_remembered_for_one_reader_never_gives_another_their_rights(month, as_user, world):
    """The figures are rendered once and shared, but the links only some may follow are not."""
    qa_lead, leader = as_user(world.qa_lead), as_user(world.leader)  # both signed in: the data's version holds
    qa_page = qa_lead.get("/reports/").get_data(as_text=True)
    assert "Download every audit ever sampled" in qa_page and "Every overdue action" in qa_page
    leader_page = leader.get("/reports/").get_data(as_text=True)
    assert "Download every audit ever sampled" not in leader_page and "Every overdue action" not in leader_page
    assert "Signed in as Quinn Lead" in qa_page and "Signed in as Lena Reader" in leader_page
    filtered = leader.get("/reports/?team=Early+Help").get_data(as_text=True)
    assert "Showing Early Help, all case types" in filtered and "Showing all teams" in leader_page

def test_every_sheet_prints_a4_landscape_one_page_wide_with_marking_and_headings(month, as_user, world):
    book = workbook(as_user(world.qa_lead))
    assert book.properties.title == "Case audit summary: November 2026"
    assert book.properties.creator.startswith("Case audit") and "OFFICIAL-SENSITIVE" in book.properties.subject
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE" and ws.oddFooter.center.text == "Page &P of &N"
        assert "November 2026" in ws.oddFooter.right.text and "data as at" in ws.oddFooter.right.text
    assert book["Audits"].print_title_rows == "$1:$1" and book["Audits"].print_title_cols == "$A:$A"
    assert book["Charts"].page_setup.fitToHeight == 1  # the charts print whole, on one page


def test_one_grade_palette_in_the_charts_the_cells_and_the_page(month, as_user, world):
    from auditapp.grading import GRADE_PALETTE, GRADES_BEST_FIRST
    book = workbook(as_user(world.qa_lead))
    bars = next(c for c in book["Charts"]._charts if type(c).__name__ == "BarChart")
    fills = [s.graphicalProperties.solidFill.srgbClr for s in bars.series]
    assert fills == [GRADE_PALETTE[g]["strong"] for g in GRADES_BEST_FIRST]
    assert all(s.dLbls.showVal and not s.dLbls.showSerName for s in bars.series)
    graded = [c for row in book["Audits"].iter_rows(min_row=2) for c in row
              if c.value in [g.label for g in GRADES_BEST_FIRST]]
    tints = {GRADE_PALETTE[g]["tint"] for g in GRADES_BEST_FIRST}
    assert graded and all(c.fill.fgColor.rgb[-6:] in tints for c in graded)
    page = as_user(world.leader).get("/reports/?month=2026-11").get_data(as_text=True)
    assert f'fill="#{GRADE_PALETTE[GRADES_BEST_FIRST[0]]["strong"].lower()}"' in page


def test_the_trend_starts_with_the_first_month_with_audits_and_marks_one_in_progress(world, as_user):
    from builders import sampled_month, signed_off_audit

    from auditapp.reports.summary import summarise
    for audit in sampled_month("2026-10", per_team=1):
        signed_off_audit(audit)
    sampled_month("2026-11", per_team=1)
    db.session.commit()
    trend = summarise("2026-11", clock.today()).trend
    assert [(p.month, p.in_progress) for p in trend] == [("2026-10", False), ("2026-11", True)]
    page = as_user(world.leader).get("/reports/?month=2026-11").get_data(as_text=True)
    assert "November 2026 (in progress)" in page and ">Oct 26</text>" in page


def test_each_headline_figure_leads_to_the_audits_behind_it(month, as_user, world):
    qa, leader = as_user(world.qa_lead), as_user(world.leader)
    page = qa.get("/reports/audits?which=moderated&month=2026-11").get_data(as_text=True)
    assert "Moderated: 4" in page and page.count('href="/audits/') == 4
    assert "Showing 1 to 4 of 4" in page  # paged, as every list is
    assert "You can read the figures but not the audits" in leader.get(
        "/reports/audits?which=moderated&month=2026-11").get_data(as_text=True)
    team = month[0].case.team.name
    filtered = qa.get(f"/reports/audits?which=sampled&month=2026-11&team={team}").get_data(as_text=True)
    assert all(f.case.team.name == team for f in month if f.case.reference in filtered)
    assert qa.get("/reports/audits?which=nonsense&month=2026-11").status_code == 404
    by_grade = qa.get("/reports/audits?which=grade:overall:2&month=2026-11").get_data(as_text=True)
    assert "Overall: moderated Requires improvement" in by_grade
    person = month[0].auditor_b.name
    mine = qa.get("/reports/audits", query_string={"which": f"auditor:{person}", "month": "2026-11"})
    assert f"Allocated to {person} as auditor A or B" in mine.get_data(as_text=True)


def test_the_workbook_can_be_exported_with_the_pages_filters(month, as_user, world):
    team = month[0].case.team.name
    response = as_user(world.qa_lead).get(f"/reports/2026-11.xlsx?team={team}")
    book = load_workbook(io.BytesIO(response.data))
    teams = {row[1] for row in book["Audits"].iter_rows(min_row=2, values_only=True)}
    assert teams == {team} and team.lower().replace(" ", "-") in response.headers["Content-Disposition"]
    assert as_user(world.qa_lead).get("/reports/2026-11.xlsx?team=Nope").status_code == 404
