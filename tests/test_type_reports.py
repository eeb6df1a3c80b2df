"""Reports per audit type (issue 24): a type's summary page and workbook over its finished audits
only, the small-number rule under every filter, questions matched across versions, consent refused
counted apart, and the monthly summary listing the types apart without mixing their figures in."""

import io
from html.parser import HTMLParser

import pytest
from builders import fresh, sampled_month, signed_off_audit
from openpyxl import load_workbook
from sqlalchemy import func, select
from type_builders import (
    COMPLIANCE,
    OBSERVATION,
    SUPERVISION,
    consent_refused,
    finished_blind_dual,
    finished_single,
    in_progress,
    next_version,
    published_type,
    shipped_type,
    typed_audits,
)

from auditapp import clock
from auditapp.extensions import db
from auditapp.framework.type_content import Design, Question
from auditapp.models import AuditType, ReadRecord
from auditapp.models.sets import BLIND_DUAL, SINGLE
from auditapp.months import month_of, months_before
from auditapp.reports.summary import summarise
from auditapp.rounding import percent_text


class Tables(HTMLParser):
    """Each table's rows (by the table's id) as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = dict(attrs).get("id") or f"table{len(self.tables)}"
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.current:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def row_of(table: list[list[str]], first: str) -> list[str]:
    return next(row for row in table if row and row[0].startswith(first))


def supervision_answers(grades: list[str]) -> dict[int, str]:
    """The supervision-record audit's five grade questions with these grades, and its text question."""
    return {**{n: grade for n, grade in enumerate(grades, 1)}, 6: "More reflective notes"}


GOOD5 = ["good"] * 5


def test_a_types_summary_counts_its_finished_audits_only(world, as_user):
    kind, version = shipped_type(SUPERVISION)
    audits = typed_audits(version, [c.reference for c in world.cases[:8]])
    # Two of the six graded the first question Requires improvement.
    for n, audit in enumerate(audits[:6]):
        finished_single(audit, supervision_answers(["requires_improvement" if n < 2 else "good"] + GOOD5[1:]))
    # Submitted but not signed off: blind review holds, nothing of it counts (its Inadequate would show).
    in_progress(audits[6], supervision_answers(["inadequate"] * 5))
    db.session.commit()
    page = as_user(world.qa_lead).get(f"/reports/types/{kind.id}").get_data(as_text=True)
    found = tables(page)
    frequency = row_of(found["grade-questions"], "Frequency of supervision")
    assert frequency[1:] == ["0", "4", "2", "0", "6", "67% (n=6)"]
    assert row_of(found["grade-questions"], "Reflective discussion")[1:] == ["0", "6", "0", "0", "6", "100% (n=6)"]
    assert row_of(found["answered"], "What would most improve")[1:] == ["6", "6"]
    assert "Audits started</dt><dd class=\"govuk-summary-list__value\">8" in page
    assert "Finished (counted in the figures)</dt><dd class=\"govuk-summary-list__value\">6" in page
    assert "Still in progress</dt><dd class=\"govuk-summary-list__value\">2" in page
    assert all(row[4] == "0" for row in found["grade-questions"][1:])  # no Inadequate from the one in progress
    # The QA lead sees the finished audits listed (six), and that reading is recorded.
    assert page.count("/audits/") == 6
    assert db.session.scalar(select(func.count(ReadRecord.id)).where(
        ReadRecord.what.like("Summary of the type Supervision-record audit: %, audits 1 to 6"))) == 1


def test_yes_no_items_give_percent_met_leaving_out_not_applicable(world, as_user):
    kind, version = shipped_type(COMPLIANCE)
    audits = typed_audits(version, [c.reference for c in world.cases[:6]])
    # The genogram (item 4): yes, yes, yes, no, not applicable, not applicable: 3 of 4 met.
    genograms = ["yes", "yes", "yes", "no", "not applicable", "not applicable"]
    for audit, genogram in zip(audits, genograms):
        finished_single(audit, {1: "yes", 2: "yes", 3: "no", 4: genogram, 5: "yes", 6: "yes"})
    db.session.commit()
    page = as_user(world.leader).get(f"/reports/types/{kind.id}").get_data(as_text=True)
    items = tables(page)["yes-no-items"]
    assert row_of(items, "A genogram")[1:] == ["3", "1", "2", "Too few to judge (n=4)"]
    assert row_of(items, "A chronology")[1:] == ["0", "6", "0", "0% (n=6)"]
    assert row_of(items, "An up-to-date plan")[1:] == ["6", "0", "0", "100% (n=6)"]
    # Pooled: four items yes on all six (24), the genogram's 3; the chronology's 6 no and the genogram's 1.
    assert row_of(items, "All items")[1:] == ["27", "7", "2", "79% (n=34)"]
    assert "not applicable is left out" in page
    # Leadership readers read the figures, not which cases are behind them.
    assert "/audits/" not in page and "listed for the QA lead and senior managers" in page


@pytest.mark.dates
def test_consent_refused_is_counted_apart_and_in_no_figure(world, as_user):
    kind, version = shipped_type(OBSERVATION)
    audits = typed_audits(version, [c.reference for c in world.cases[:7]])
    today = clock.today().isoformat()
    for audit in audits[:5]:
        finished_single(audit, {1: today, 2: "A home visit", 3: "good", 4: "They felt listened to"})
    consent_refused(audits[5])
    db.session.commit()
    page = as_user(world.qa_lead).get(f"/reports/types/{kind.id}?period=1&month={month_of(clock.today())}")
    html = page.get_data(as_text=True)
    found = tables(html)
    assert "Ended: consent refused (counted apart)</dt><dd class=\"govuk-summary-list__value\">1" in html
    assert "Finished (counted in the figures)</dt><dd class=\"govuk-summary-list__value\">5" in html
    assert row_of(found["grade-questions"], "The quality of the practice observed")[1:] == [
        "0", "5", "0", "0", "5", "100% (n=5)"]
    assert row_of(found["answered"], "Date of the observation")[1:] == ["5", "5"]
    assert row_of(found["answered"], "Feedback given to the practitioner")[1:] == ["0", "5"]


def test_the_small_number_rule_holds_under_every_filter(world, as_user):
    kind, version = shipped_type(SUPERVISION)
    # Six finished: four from Assessment North (C0…), two from Children in Care (C1…).
    references = ["C0000", "C0001", "C0002", "C0003", "C1000", "C1001"]
    for audit in typed_audits(version, references):
        finished_single(audit, supervision_answers(GOOD5))
    db.session.commit()
    qa = as_user(world.qa_lead)
    everyone = tables(qa.get(f"/reports/types/{kind.id}").get_data(as_text=True))
    assert row_of(everyone["grade-questions"], "Reflective discussion")[-1] == "100% (n=6)"
    for query in ("team=Children+in+Care", "team=Assessment+North", "case_type=Child+in+need&team=Children+in+Care"):
        page = qa.get(f"/reports/types/{kind.id}?{query}").get_data(as_text=True)
        row = row_of(tables(page)["grade-questions"], "Reflective discussion")
        assert row[-1].startswith("Too few to judge"), query
    assert qa.get(f"/reports/types/{kind.id}?team=No+such+team").status_code == 404
    assert qa.get(f"/reports/types/{kind.id}?version=9").status_code == 404
    assert qa.get(f"/reports/types/{kind.id}?period=week").status_code == 404


def test_questions_are_matched_by_position_in_a_version_and_by_words_across_versions(world, as_user):
    first = Design(SINGLE, "Partner agency audit", questions=(
        Question(1, "grade", "Police contributed to the plan"), Question(2, "yes no", "Health attended the core group"),
        Question(3, "number", "Days from referral to strategy meeting")))
    kind, v1 = published_type("Partner agency audit", first)
    second = Design(SINGLE, "Partner agency audit", questions=(
        Question(1, "number", "Days from referral to strategy meeting"),
        Question(2, "yes no", "Health attended every core group"),
        Question(3, "grade", "Police contributed to the plan")))
    v2 = next_version(kind, second)
    for audit in typed_audits(v1, ["C0000", "C0001", "C0002"], month=months_before(month_of(clock.today()), 1)):
        finished_single(audit, {1: "good", 2: "yes", 3: "4"})
    for days, audit in zip(["2", "10", "6"], typed_audits(v2, ["C1000", "C1001", "C1002"])):
        finished_single(audit, {1: days, 2: "no", 3: "inadequate"})
    db.session.commit()
    qa = as_user(world.qa_lead)
    html = qa.get(f"/reports/types/{kind.id}").get_data(as_text=True)
    found = tables(html)
    assert "across versions by identical wording" in html
    police = row_of(found["grade-questions"], "Police contributed to the plan")
    assert police[0].endswith("Versions 1, 2") and police[1:] == ["0", "3", "0", "3", "6", "50% (n=6)"]
    # Reworded in version 2: a row of its own.
    assert row_of(found["yes-no-items"], "Health attended the core group")[1:] == ["3", "0", "0",
                                                                                   "Too few to judge (n=3)"]
    assert row_of(found["yes-no-items"], "Health attended every core group")[1:] == ["0", "3", "0",
                                                                                     "Too few to judge (n=3)"]
    days = row_of(found["numbers"], "Days from referral")
    assert days[1:] == ["6", "4", "2 to 10"]  # the median of 2, 4, 4, 4, 6, 10
    only_two = tables(qa.get(f"/reports/types/{kind.id}?version=2").get_data(as_text=True))
    assert row_of(only_two["numbers"], "Days from referral")[1:] == ["3", "Too few to judge (n=3)"]
    assert len(only_two["grade-questions"]) == 2  # its header and the one grade question


def test_a_blind_dual_types_domains_are_the_moderated_grades_and_auditor_as_answers_never_count(world, as_user):
    design = Design(BLIND_DUAL, "Pre-proceedings audit", domains=("voice", "plan"),
                    questions=(Question(1, "yes no", "Letter before proceedings sent"),))
    kind, version = published_type("Pre-proceedings audit", design)
    for audit in typed_audits(version, [c.reference for c in world.cases[:5]]):
        finished_blind_dual(audit, {1: "yes"}, {1: "no"}, grade_a=4, grade_b=2, final=3)
    db.session.commit()
    found = tables(as_user(world.seniors[0])
                   .get(f"/reports/types/{kind.id}").get_data(as_text=True))
    assert [row[0] for row in found["domains"][1:]] == ["Voice of the child in assessment and planning",
                                                        "Quality of plan", "Overall"]
    assert row_of(found["domains"], "Quality of plan")[1:] == ["0", "5", "0", "0", "5", "100% (n=5)"]
    assert row_of(found["yes-no-items"], "Letter before proceedings")[1:] == ["5", "0", "0", "100% (n=5)"]


def test_the_workbook_holds_the_pages_figures(world, as_user):
    kind, version = shipped_type(COMPLIANCE)
    audits = typed_audits(version, [c.reference for c in world.cases[:6]])
    for n, audit in enumerate(audits):
        finished_single(audit, {1: "yes", 2: "no" if n % 3 else "yes", 3: "not applicable", 4: "yes", 5: "yes",
                                6: "no", 7: "=HYPERLINK(\"http://evil.example\")"})
    db.session.commit()
    qa, leader = as_user(world.qa_lead), as_user(world.leader)
    page = tables(qa.get(f"/reports/types/{kind.id}").get_data(as_text=True))["yes-no-items"]
    book = load_workbook(io.BytesIO(qa.get(f"/reports/types/{kind.id}.xlsx").data))
    assert book.sheetnames == ["Summary", "Audits"]
    sheet = book["Summary"]
    table = sheet.tables["YesNoItems"]
    cells = list(sheet[table.ref])
    header = [c.value for c in cells[0]]
    assert header == ["Item", "Yes", "No", "Not applicable", "n (yes + no)", "% met"]
    for row in cells[1:]:
        item, yes, no, not_applicable, n, met = (c.value for c in row)
        shown = row_of(page, item)
        assert shown[1:4] == [str(yes), str(no), str(not_applicable)]
        assert shown[4] == (f"{met} (n={n})" if isinstance(met, str) else percent_text(float(met), n))
    audits_sheet = book["Audits"]
    headings = [c.value for c in audits_sheet[2]]
    assert headings[:8] == ["Case reference", "Team", "Case type", "Month started", "Version", "Allocated",
                            "Finished", "% met"]
    typed = [c for c in audits_sheet.iter_rows(min_row=3) for c in c if str(c.value).startswith("=HYPERLINK")]
    assert typed and all(c.data_type == "s" and c.quotePrefix for c in typed)  # never a formula
    assert "OFFICIAL" in (audits_sheet.oddHeader.center.text or "")
    # A leadership reader's download has the figures, not the words typed about a child.
    theirs = load_workbook(io.BytesIO(leader.get(f"/reports/types/{kind.id}.xlsx").data))["Audits"]
    assert not [c for row in theirs.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert any("Anything missing" in str(c.value) for c in audits_sheet[2])
    assert not any("Anything missing" in str(c.value) for c in theirs[2])


@pytest.mark.dates
def test_the_monthly_summary_lists_the_types_apart_and_never_mixes_their_figures_in(world, as_user):
    month = month_of(clock.today())
    monthly = sampled_month(month, per_team=1)
    for audit in monthly[:2]:
        signed_off_audit(audit)
    db.session.commit()
    fresh()
    before = summarise(month, clock.today())
    kind, version = shipped_type(SUPERVISION)
    typed = typed_audits(version, [c.reference for c in world.cases[8:]])
    finished_single(typed[0], supervision_answers(["inadequate"] * 5))
    db.session.commit()
    fresh()
    after = summarise(month, clock.today())
    for figure in ("headline", "domains", "teams", "case_types", "agreement", "shift", "equality", "trend",
                   "follow_up", "family", "auditors"):
        assert getattr(before, figure) == getattr(after, figure), figure
    assert [(t.name, t.started, t.finished) for t in after.other_types] == [(SUPERVISION, len(typed), 1)]
    dashboard = as_user(world.leader).get(f"/reports/?month={month}").get_data(as_text=True)
    assert f"/reports/types/{kind.id}?month={month}" in dashboard and "4 audits, 1 finished" in dashboard
    book = load_workbook(io.BytesIO(as_user(world.qa_lead).get(f"/reports/{month}.xlsx").data))
    assert book["Audits"].max_row == 1 + len(monthly)  # the random sample only
    values = {row[0].value: row[1].value for row in book["Summary"].iter_rows() if row[0].value}
    assert values[f"Audits of the type {SUPERVISION} started (reported apart, on its own summary)"] == len(typed)
    assert values[f"Audits of the type {SUPERVISION} finished"] == 1


def test_only_published_types_other_than_the_monthly_audit_have_a_summary(world, as_user):
    kind, _ = shipped_type(SUPERVISION)
    monthly = db.session.scalar(select(AuditType).where(AuditType.built_in.is_(True)))
    never = AuditType(name="Never published", created_at=clock.now())
    db.session.add(never)
    db.session.commit()
    qa = as_user(world.qa_lead)
    index = qa.get("/reports/types/").get_data(as_text=True)
    assert SUPERVISION in index and "Never published" not in index and "Monthly random audit" not in index
    assert qa.get(f"/reports/types/{monthly.id}").status_code == 404
    assert qa.get(f"/reports/types/{never.id}").status_code == 404
    assert qa.get(f"/reports/types/{kind.id}").status_code == 200
    assert as_user(world.auditors["Early Help"][0]).get(f"/reports/types/{kind.id}").status_code == 403
