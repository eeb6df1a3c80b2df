"""What followed the audits over a period (issues 23 and 26): actions raised from the period's
audits and their state today, re-audits due in the period and done, themes tagged in it, and the
family contact and feedback of its audits, on the dashboard, in the workbook, the PDF pack, the
quarterly report and the self-evaluation, each equal to the dashboard's, at no extra statement a
month."""

import io
import re
from datetime import date

import docx
from builders import (
    confirmed_action,
    count_queries,
    in_full,
    ready_for_moderation,
    sampled_month,
    signed_off_audit,
    tagged,
)
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from auditapp import clock
from auditapp.audits import families
from auditapp.extensions import db
from auditapp.findings import actions, themes
from auditapp.models import Action, Audit, Case, ReadRecord, User
from auditapp.permissions import SYSTEM
from auditapp.remembered import forget_all
from auditapp.reports.summary import summarise

QUARTER = "Quarter 3 of 2026-27 (October to November 2026)"


def _family(audit, gave: bool) -> None:
    auditor = audit.auditor(families.contact_role())
    families.record_attempt(auditor, audit, clock.today(), "parent", "phone")
    answers = {"parent": families.Answers(ratings={"understood": 3, "listened": 4, "better": 2},
                                          words={"understood": "", "listened": "", "better": "", "change": ""})}
    families.save_feedback(auditor, audit, "gave_feedback" if gave else "declined", "",
                           answers if gave else {}, 0)


def _quarter_of_work(world) -> dict[str, dict[str, int]]:
    """July and August each with an Inadequate audit (re-audits due in October and November), then
    October and November with actions, themes and families; October's first action verified.
    Returns, per month, what was made: audits, families who gave feedback, actions, worries tagged."""
    for case in list(world.cases):
        case.open_date = date(2024, 1, 1)
        for suffix in ("X", "Y", "Z"):  # a case audited one month is not drawn again the next
            db.session.add(Case(reference=f"{case.reference}{suffix}", team_id=case.team_id,
                                case_type=case.case_type, manager_id=case.manager_id, open_date=date(2024, 1, 1)))
    db.session.commit()
    worry = themes.add_theme(SYSTEM, "Fathers and male carers")
    for month in ("2026-07", "2026-08"):
        for i, audit in enumerate(sampled_month(month, per_team=1)):
            signed_off_audit(audit, grade_a=1, grade_b=1, final=1 if i == 0 else 3)
    db.session.commit()
    made: dict[str, dict[str, int]] = {}
    for month, per_team in (("2026-10", 2), ("2026-11", 1)):
        audits = sampled_month(month, per_team=per_team)
        made[month] = {"audits": len(audits), "gave": (len(audits) + 1) // 2, "actions": 0, "worries": 0}
        for i, audit in enumerate(audits):
            audit = in_full(audit)
            _family(audit, gave=i % 2 == 0)
            audit = ready_for_moderation(audit)
            if i % 2 == 0:
                confirmed_action(audit, audit.auditor_a, f"Action from {month}, case {i}")
                made[month]["actions"] += 1
            if i % 3 == 0:
                tagged(audit, "M", worries=[worry])
                made[month]["worries"] += 1
            signed_off_audit(audit, final=2 + i % 2)
        db.session.commit()
    first = db.session.scalars(select(Action).where(Action.description == "Action from 2026-10, case 0")).one()
    audit = in_full(db.session.get(Audit, first.audit_id))
    owner = db.session.get(User, first.owner_id)
    actions.record_progress(owner, first, audit, "Chronology updated", first.version, done=True,
                            evidence="Chronology on file", location="Case file, chronology tab")
    actions.verify(world.qa_lead, first, audit, True, "", first.version)
    db.session.commit()
    return made


def _dashboard_figure(page: str, label: str) -> int:
    found = re.search(rf'<dt class="govuk-summary-list__key">{re.escape(label)}</dt>'
                      r'<dd class="govuk-summary-list__value">(?:<a [^>]*>)?(\d+)', page)
    assert found, label
    return int(found[1])


def _summary_rows(content: bytes) -> dict[str, object]:
    sheet = load_workbook(io.BytesIO(content))["Summary"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}


def _docx_text(content: bytes) -> str:
    word = docx.Document(io.BytesIO(content))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


def test_a_quarters_actions_reaudits_themes_and_families_cover_its_months(world, as_user):
    made = _quarter_of_work(world)
    leader = as_user(world.qa_lead)
    months = {m: leader.get(f"/reports/?month={m}").get_data(as_text=True) for m in ("2026-10", "2026-11")}
    page = leader.get("/reports/?month=2026-11&period=quarter").get_data(as_text=True)
    assert f"What followed the audits of {QUARTER}" in page
    assert f"Families' feedback: {QUARTER}" in page
    # Actions raised, closed and disputes are counts of the period's audits: the sum over its months.
    for label in ("Actions raised", "Closed on time", "Closed late", "Re-audits due", "Re-audits done (moderated)",
                  "Findings disputed by the practitioner"):
        assert _dashboard_figure(page, label) == sum(_dashboard_figure(p, label) for p in months.values()), label
    assert _dashboard_figure(page, "Actions raised") == made["2026-10"]["actions"] + made["2026-11"]["actions"]
    assert made["2026-10"]["actions"] and made["2026-11"]["actions"]
    assert _dashboard_figure(page, "Re-audits due") == 2  # July's due in October, August's in November
    assert _dashboard_figure(page, "Closed on time") == 1  # October's, verified in November
    # Overdue is today's, from any month, whatever the period.
    assert _dashboard_figure(page, "Overdue today (any month)") == _dashboard_figure(months["2026-11"],
                                                                                    "Overdue today (any month)")
    # The action list behind "Actions raised" holds the quarter's actions, not November's alone.
    listed = leader.get("/actions?month=2026-11&since=2026-10").get_data(as_text=True)
    assert "Action from 2026-10, case 0" in listed and "Action from 2026-11, case 0" in listed
    assert "/actions?month=2026-11&amp;since=2026-10" in page

    summary = summarise("2026-11", clock.today(), period=2, kind="quarter")
    f, family = summary.follow_up, summary.family
    assert f is not None and family is not None
    by_month = [summarise(m, clock.today(), with_board=False) for m in ("2026-10", "2026-11")]
    audits, gave = (sum(m[key] for m in made.values()) for key in ("audits", "gave"))
    assert family.counted == sum(s.family.counted for s in by_month if s.family) == audits
    assert family.gave_feedback == sum(s.family.gave_feedback for s in by_month if s.family) == gave
    assert f"{round(100 * gave / audits)}% (n={audits})" in page[page.index("Families who gave feedback"):][:200]
    theme_id = f.themes.themes[0][0] if f.themes else 0
    assert f.theme_count(theme_id, "worry") == sum(s.follow_up.theme_count(theme_id, "worry")
                                                   for s in by_month if s.follow_up) == \
        made["2026-10"]["worries"] + made["2026-11"]["worries"]
    # The theme's drill-down over the quarter lists the quarter's audits, and says which quarter.
    behind = leader.get(f"/reports/themes/{theme_id}/worry/2026-11?period=quarter").get_data(as_text=True)
    assert QUARTER in behind and f"{f.theme_count(theme_id, 'worry')} signed-off audits tagged" in behind
    assert db.session.scalar(select(ReadRecord.what).order_by(ReadRecord.id.desc()).limit(1)) == \
        f"Audits behind a theme count: Fathers and male carers (worry), {QUARTER}"
    # A family outcome's audits over the quarter say which quarter, and lead back to it.
    gave = leader.get("/reports/audits?which=family:gave_feedback&month=2026-11&period=quarter").get_data(as_text=True)
    assert f'<span class="govuk-caption-l">{QUARTER}</span>' in gave
    assert f"Families: gave feedback: {family.gave_feedback}" in gave
    assert "/reports/?month=2026-11&amp;period=quarter" in gave
    # The board's "re-audited" measure reads the same re-audits: both due in the quarter, both done.
    reaudited = next(row for row in summary.board if row.measure == "reaudited")
    assert reaudited.this.n == 2 and reaudited.this.share == 1.0


def test_the_workbook_pack_and_documents_say_the_dashboards_period_figures(world, as_user, app, tmp_path):
    made = _quarter_of_work(world)
    qa = as_user(world.qa_lead)
    page = qa.get("/reports/?month=2026-11&period=quarter").get_data(as_text=True)
    quarter_raised = _dashboard_figure(page, "Actions raised")
    assert quarter_raised == sum(m["actions"] for m in made.values())
    audits, gave = (sum(m[key] for m in made.values()) for key in ("audits", "gave"))

    rows = _summary_rows(qa.get("/reports/2026-11.xlsx?period=quarter").data)
    month_rows = [_summary_rows(qa.get(f"/reports/{m}.xlsx").data) for m in ("2026-10", "2026-11")]
    for label in ("Actions raised", "Actions closed on time", "Re-audits due", "Re-audits done (moderated)",
                  "Theme as a worry: Fathers and male carers"):
        assert rows[label] == sum(r.get(label) or 0 for r in month_rows), label
    assert rows["Actions raised"] == quarter_raised and rows["Re-audits due"] == 2
    assert rows["% Families who gave feedback"] == gave / audits
    book = load_workbook(io.BytesIO(qa.get("/reports/2026-11.xlsx?period=quarter").data))
    assert book["Actions"]["A1"].value == f"Actions raised from the audits of {QUARTER}, and every action overdue " \
                                         "on the export date"
    listed = [row[1] for row in book["Actions"].iter_rows(values_only=True) if row[0] in ("October 2026",
                                                                                         "November 2026")]
    assert len(listed) == quarter_raised

    pdf = PdfReader(io.BytesIO(qa.get("/reports/2026-11.pdf?period=quarter").data))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert f"Actions from the audits of {QUARTER}" in text
    assert f"Raised {quarter_raised}; closed on time 1; closed late 0" in text
    assert "re-audits due 2; re-audits done 2" in text

    quarterly = _docx_text(qa.get("/documents/quarterly/2026-27-Q3.docx").data)
    assert f"Actions raised | {quarter_raised}" in quarterly and "Re-audits due | 2" in quarterly
    assert f"Families' feedback: the audits of {QUARTER}" in quarterly
    assert f"Families who gave feedback | {round(100 * gave / audits)}% (n={audits})" in quarterly

    year_page = qa.get("/reports/?month=2026-11&period=year").get_data(as_text=True)
    year_raised = _dashboard_figure(year_page, "Actions raised")
    assert year_raised == quarter_raised  # no actions were raised in July and August
    assert _dashboard_figure(year_page, "Re-audits due") == 2
    output = tmp_path / "sef.docx"
    result = app.test_cli_runner().invoke(args=["export-self-evaluation", "2026-27", "--draft", "--output",
                                                str(output)])
    assert result.exit_code == 0, result.output
    sef = _docx_text(output.read_bytes())
    assert f"Actions raised | {year_raised}" in sef and "Re-audits done (moderated) | 2" in sef


def test_a_period_costs_the_statements_of_a_month(world, app):
    _quarter_of_work(world)
    counts = {}
    for period, kind in ((1, "1"), (2, "quarter"), (8, "year"), (12, "12")):
        forget_all()
        with count_queries() as statements:
            summarise("2026-11", clock.today(), period=period, kind=kind)
        counts[kind] = len(statements)
    assert len(set(counts.values())) <= 2, counts  # the 12 months reuse the trend's facts: at most one fewer
    assert counts["quarter"] == counts["1"] == counts["year"], counts
