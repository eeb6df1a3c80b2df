"""The audits a council did before auditapp (issue 27): imported from its spreadsheet, on the
command line and the page, all or nothing with row numbers; counted in the figures, agreement,
re-audits and the sample's look-back exactly as the same grades entered live; importing the same
file twice changes nothing. Every file is made here."""

import io
from dataclasses import asdict

import openpyxl
import pytest
from builders import fresh, sampled_month, signed_off_audit
from sqlalchemy import func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.grading import GRADE_LABELS, JUDGEMENTS, Grade
from auditapp.imports.past_audits import COLUMNS, parse_grade
from auditapp.models import Audit, Case, Cycle, Event, ModeratedGrade, Reaudit, Review, ReviewGrade, User
from auditapp.month.reaudits import due_case_ids
from auditapp.month.sampling import eligible_case_ids, open_cycle
from auditapp.months import month_label
from auditapp.permissions import SYSTEM
from auditapp.reports.facts import imported_months
from auditapp.reports.summary import summarise

HEADERS = list(COLUMNS.values())


def row(month: str, reference: str, a: str, b: str, m: str, grades: dict[str, tuple[object, object, object]],
        **extra: object) -> list[object]:
    values: dict[str, object] = {"month": month, "case reference": reference, "auditor a": a, "auditor b": b,
                                 "moderator": m, **extra}
    for judgement, (ga, gb, gm) in grades.items():
        values[f"A {judgement}"], values[f"B {judgement}"], values[f"M {judgement}"] = ga, gb, gm
    return [values.get(name) for name in COLUMNS]


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def same(grade_a: object, grade_b: object, final: object) -> dict[str, tuple[object, object, object]]:
    return dict.fromkeys(JUDGEMENTS, (grade_a, grade_b, final))


def two_years(world) -> list[list[object]]:
    """Every case of the world once a year for two years, graded in every way councils write grades."""
    seniors = world.seniors
    rows = []
    writings = [("Good", "RI", "Requires improvement"), (3, 2, 2), ("G", "requires improvement", "RI"),
                ("Outstanding", "Good", "good"), ("2", "3", "3")]
    months = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
    for n, case in enumerate(world.cases):
        team_auditors = [u for team in world.auditors.values() for u in team]
        a = next(u for u in team_auditors if u.id == case.manager_id)
        b = next(u for u in team_auditors if u.team_id != case.team_id)
        for year in range(2):
            month = months[(n + 12 * year) % 24]
            # The first year's months written 2024-01, the second's as people write them: January 2025.
            written = month if not year else month_label(month)
            rows.append(row(written, case.reference, a.email, b.email, seniors[n % 2].email,
                            same(*writings[(n + year) % len(writings)]),
                            **{"key issues a": "Yes", "key issues b": "Partly"}))
    return rows


def cli_import(app, tmp_path, content: bytes, name: str = "past.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["import-audits", str(path)])


def state() -> tuple[int, ...]:
    fresh()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Audit, Cycle, Review, ReviewGrade, ModeratedGrade, Reaudit))


def test_a_two_year_workbook_imports_once_and_a_second_import_changes_nothing(app, world, tmp_path):
    content = workbook(two_years(world))
    result = cli_import(app, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert f"{2 * len(world.cases)} past audits imported, 0 already imported" in result.output
    counts = state()
    # One imported month's sample for every month with audits: 12 cases over 24 months, once a year each.
    made = {f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)}
    expected = {sorted(made)[(n + 12 * year) % 24] for n in range(len(world.cases)) for year in range(2)}
    assert set(db.session.scalars(select(Cycle.month).where(Cycle.imported_at.is_not(None)))) == expected
    audits = db.session.scalars(select(Audit)).all()
    assert len(audits) == 2 * len(world.cases)
    assert all(a.imported_at is not None and a.signed_off_at is not None and a.descriptor_version is None
               for a in audits)
    assert db.session.scalar(select(func.count(Review.id)).where(Review.submitted_at.is_not(None))) == 2 * len(audits)
    assert db.session.scalar(select(func.count(ReviewGrade.id)).where(ReviewGrade.evidence.is_not(None))) == 0
    assert db.session.scalar(select(func.count(ModeratedGrade.id))) == 7 * len(audits)
    assert db.session.scalar(select(func.count(Event.id)).where(
        Event.action == "Imported from the council's records")) == len(audits)

    again = cli_import(app, tmp_path, content)
    assert again.exit_code == 0 and f"0 past audits imported, {len(audits)} already imported" in again.output
    assert state() == counts


def test_an_import_written_in_bulk_keeps_the_history_chain_and_each_audit_its_own_grades(app, world, tmp_path):
    """The import writes its audits, reviews and history entries in bulk statements and reads the
    new ids back: every entry still follows from the one before it (the chain verifies), and each
    audit's reviews, grades and history entry are that row's, not a neighbour's."""
    from auditapp.history_chain import verify_history
    signed_off_audit(sampled_month("2026-09", per_team=1)[0])  # live history first: the chain runs through both
    db.session.commit()
    rows = two_years(world)
    rows[0][COLUMNS_INDEX["M overall"]] = "Inadequate"  # a re-audit, with its own entry
    assert cli_import(app, tmp_path, workbook(rows)).exit_code == 0
    fresh()
    checked = verify_history(db.session)
    assert checked.intact, checked.broken
    by_case = {c.id: c.reference for c in world.cases}
    for audit in db.session.scalars(select(Audit).where(Audit.imported_at.is_not(None))):
        month = db.session.scalar(select(Cycle.month).where(Cycle.id == audit.cycle_id))
        written = next(r for r in rows if r[COLUMNS_INDEX["case reference"]] == by_case[audit.case_id]
                       and r[COLUMNS_INDEX["month"]] in (month, month_label(month)))
        overall = {review.role: review.overall_grade for review in db.session.scalars(
            select(Review).where(Review.audit_id == audit.id))}
        assert overall == {"A": int(parse_grade(written[COLUMNS_INDEX["A overall"]])),
                           "B": int(parse_grade(written[COLUMNS_INDEX["B overall"]]))}
        entry = db.session.scalar(select(Event.after).where(
            Event.audit_id == audit.id, Event.action == "Imported from the council's records"))
        moderated = Grade(int(parse_grade(written[COLUMNS_INDEX["M overall"]]))).label
        assert entry is not None and entry.endswith(f"moderated overall {moderated}")
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action == "Re-audit scheduled")) == 1


COLUMNS_INDEX = {name: n for n, name in enumerate(COLUMNS)}


def test_imported_grades_count_exactly_as_the_same_grades_entered_live(app, world, tmp_path):
    live = sampled_month("2026-09", per_team=2)
    for n, audit in enumerate(live):
        signed_off_audit(audit, grade_a=3 + n % 2, grade_b=2 + n % 3 // 2, final=2 + n % 2)
    db.session.commit()
    fresh()
    rows = []
    for audit in db.session.scalars(select(Audit).where(Audit.id.in_([a.id for a in live]))):
        grades = {}
        for judgement in JUDGEMENTS:
            def grade(role: str, audit=audit, judgement=judgement) -> str:
                review = db.session.scalar(select(Review).where(Review.audit_id == audit.id, Review.role == role))
                if judgement == "overall":
                    return GRADE_LABELS[Grade(review.overall_grade)]
                return GRADE_LABELS[Grade(db.session.scalar(select(ReviewGrade.grade).where(
                    ReviewGrade.review_id == review.id, ReviewGrade.domain == judgement)))]
            final = db.session.scalar(select(ModeratedGrade.grade).where(
                ModeratedGrade.audit_id == audit.id, ModeratedGrade.domain == judgement))
            grades[judgement] = (grade("A"), grade("B"), GRADE_LABELS[Grade(final)])
        rows.append(row("2026-08", db.session.get(Case, audit.case_id).reference,
                        db.session.get(User, audit.auditor_a_id).email, db.session.get(User, audit.auditor_b_id).email,
                        db.session.get(User, audit.moderator_id).email, grades,
                        **{"key issues a": audit.key_issues_a, "key issues b": audit.key_issues_b}))
    result = cli_import(app, tmp_path, workbook(rows))
    assert result.exit_code == 0, result.output
    fresh()
    today = clock.today()
    entered, imported = summarise("2026-09", today), summarise("2026-08", today)
    for figure in ("domains", "teams", "case_types", "agreement", "shift", "gaps", "key_issues", "equality"):
        assert getattr(imported, figure) == getattr(entered, figure), figure
    assert imported.headline.moderated == entered.headline.moderated == len(live)
    point = {p.month: p for p in entered.trend}
    assert (point["2026-08"].pct_good, point["2026-08"].kappa, point["2026-08"].n) == (
        point["2026-09"].pct_good, point["2026-09"].kappa, point["2026-09"].n)
    assert imported_months(["2026-08", "2026-09"]) == ["2026-08"]
    assert asdict(imported.headline)["overall"] == asdict(entered.headline)["overall"]


def test_an_imported_audit_keeps_its_case_out_of_the_next_samples_look_back(app, world, tmp_path):
    case = world.cases[0]
    a = next(u for team in world.auditors.values() for u in team if u.id == case.manager_id)
    b = next(u for team in world.auditors.values() for u in team if u.team_id != case.team_id)
    content = workbook([row("2026-06", case.reference, a.email, b.email, world.seniors[0].email,
                            same("Good", "Good", "Good"))])
    assert cli_import(app, tmp_path, content).exit_code == 0
    cycle = open_cycle(SYSTEM, clock.today().strftime("%Y-%m"))
    eligible = {case_id for ids in eligible_case_ids(cycle).values() for case_id in ids}
    assert case.id not in eligible and world.cases[1].id in eligible


def test_an_imported_inadequate_audit_is_re_audited_as_a_live_one_would_be(app, world, tmp_path):
    case, other = world.cases[0], world.cases[1]
    a = next(u for team in world.auditors.values() for u in team if u.id == case.manager_id)
    b = next(u for team in world.auditors.values() for u in team if u.team_id != case.team_id)
    m = world.seniors[0].email
    a2 = next(u for team in world.auditors.values() for u in team if u.id == other.manager_id)
    b2 = next(u for team in world.auditors.values() for u in team if u.team_id != other.team_id)
    content = workbook([
        row("2026-05", case.reference, a.email, b.email, m, same("RI", "I", 4)),  # Ofsted's 4: Inadequate
        row("2026-02", other.reference, a2.email, b2.email, m, same(1, 2, "Inadequate")),
        row("2026-06", other.reference, a2.email, b2.email, m, same("Good", "Good", "Good")),  # its re-audit
    ])
    assert cli_import(app, tmp_path, content).exit_code == 0
    fresh()
    reaudits = {db.session.scalar(select(Audit.case_id).where(Audit.id == r.first_audit_id)): r
                for r in db.session.scalars(select(Reaudit))}
    assert reaudits[case.id].due_month == "2026-08" and reaudits[case.id].audit_id is None
    assert reaudits[other.id].due_month == "2026-05" and reaudits[other.id].audit_id is not None
    assert case.id in due_case_ids("2026-11") and other.id not in due_case_ids("2026-11")


def test_bad_rows_are_reported_by_row_and_nothing_is_imported(app, world, tmp_path):
    case = world.cases[0]
    a, b = world.auditors["Early Help"][0], world.auditors["Children in Care"][0]
    m = world.seniors[0].email
    content = workbook([
        row("2026-05", case.reference, a.email, b.email, m, same("Good", "Good", "Good")),
        row("2026-05", "NOT-IN-REGISTER", a.email, b.email, m, same("Good", "Good", "Good")),
        row("2026-05", world.cases[1].reference, "nobody@council.example.org", b.email, m, same("G", "G", "G")),
        row("2026-05", world.cases[2].reference, a.email, b.email, m, same("Great", "Good", 5)),
        row("2099-01", world.cases[3].reference, a.email, b.email, m, same("Good", "Good", "Good")),
        row("2026-05", case.reference, a.email, b.email, m, same("Good", "Good", "Good")),
    ])
    result = cli_import(app, tmp_path, content)
    assert result.exit_code == 1
    for expected in ("Row 3: case NOT-IN-REGISTER is not in the case register",
                     "Row 4: Auditor A 'nobody@council.example.org' is not a known person",
                     "Row 5: Auditor A: Voice 'Great' is not a grade", "Row 5: Moderated: Overall '5' is not a grade",
                     "Row 6: month '2099-01' is not before this month",
                     "Row 7: the same case and month is also on row 2"):
        assert expected in result.output
    assert "Row 2:" not in result.output and state() == (0, 0, 0, 0, 0, 0)


def test_a_file_where_every_row_is_wrong_lists_the_first_hundred_and_counts_the_rest(app, world, tmp_path):
    a, b = world.auditors["Early Help"][0], world.auditors["Children in Care"][0]
    content = workbook([row("2026-05", f"X{n}", a.email, b.email, world.seniors[0].email, same("G", "G", "G"))
                        for n in range(150)])
    result = cli_import(app, tmp_path, content)
    lines = [line for line in result.output.splitlines() if line.startswith("Row ")]
    assert len(lines) == 100 and "and 50 more problems not shown" in result.output


@pytest.mark.parametrize("written, grade", [("Outstanding", 4), ("good", 3), ("RI", 2), ("Requires Improvement", 2),
                                            ("I", 1), (1, 4), (2.0, 3), ("3", 2), ("4", 1), ("Great", None)])
def test_grades_are_understood_as_words_initials_and_ofsteds_numbers(written, grade):
    assert parse_grade(written) == grade


def test_the_qa_lead_imports_on_the_page_with_the_template(world, as_user):
    qa = as_user(world.qa_lead)
    page = qa.get("/cases/past-audits").get_data(as_text=True)
    assert "Download the template" in page
    template = qa.get("/cases/past-audits/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(template.get_data())).active
    assert [c.value for c in sheet[1]] == HEADERS
    case = world.cases[0]
    a, b = world.auditors["Early Help"][0], world.auditors["Children in Care"][0]
    good = workbook([row("October 2026", case.reference, a.email, b.email, world.seniors[0].email,
                         same("Good", "RI", "Good"))])
    bad = workbook([row("October 2026", "NOPE", a.email, b.email, world.seniors[0].email, same("G", "G", "G"))])
    refused = qa.post("/cases/past-audits", data={"file": (io.BytesIO(bad), "past.xlsx")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "Row 2: case NOPE is not in the case register" in refused and "nothing was imported" in refused
    done = qa.post("/cases/past-audits", data={"file": (io.BytesIO(good), "past.xlsx")},
                   content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "1 past audits imported, 0 already imported" in done and "October 2026" in done
    audit_id = db.session.scalar(select(Audit.id).where(Audit.imported_at.is_not(None)))
    shown = qa.get(f"/audits/{audit_id}")
    assert shown.status_code == 200 and "imported from the council's own records" in shown.get_data(as_text=True)
    assert as_user(world.auditors["Early Help"][1]).get("/cases/past-audits").status_code == 403


def test_the_dashboard_and_the_workbook_say_which_months_include_imported_audits(app, world, tmp_path, as_user):
    live = sampled_month("2026-10", per_team=1)
    for audit in live:
        signed_off_audit(audit)
    db.session.commit()
    case = world.cases[-1]
    a = next(u for team in world.auditors.values() for u in team if u.id == case.manager_id)
    b = next(u for team in world.auditors.values() for u in team if u.team_id != case.team_id)
    content = workbook([row("August 2026", case.reference, a.email, b.email, world.seniors[0].email,
                            same("Good", "Good", "Good"))])
    assert cli_import(app, tmp_path, content).exit_code == 0
    qa = as_user(world.qa_lead)
    page = qa.get("/reports/?month=2026-10").get_data(as_text=True)
    assert "include audits imported from the council" in page and "graded before this service" in page
    assert "August 2026 (imported audits)" in page and "October 2026 (imported audits)" not in page
    book = openpyxl.load_workbook(io.BytesIO(qa.get("/reports/2026-10.xlsx").get_data()))
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Months including imported past audits"] == "August 2026"
    trend = list(book["Trend"].iter_rows(values_only=True))
    column = trend[[i for i, r in enumerate(trend) if r and r[0] == "Month"][0]].index("Includes imported past audits")
    marked = {r[0]: r[column] for r in trend if r and isinstance(r[0], str) and r[0][-4:].isdigit()}
    assert marked["August 2026"] == "Yes" and marked["October 2026"] == "No"


def _counts() -> tuple[int, ...]:
    """What the import writes, counted in this transaction (not after a rollback)."""
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Audit, Cycle, Review, ReviewGrade, ModeratedGrade, Reaudit, Event))


@pytest.mark.parametrize("last", ["not in the register", "a month sampled in auditapp"])
def test_a_refusal_after_batches_were_written_leaves_nothing_of_them(app, world, monkeypatch, last):
    """Batches of checked rows are written while the next are read (pipelined, on PostgreSQL):
    a problem on a later row must still leave nothing at all, in the importer's own transaction,
    and the history chain must verify afterwards."""
    import auditapp.month.past_audits as importing
    from auditapp.history_chain import verify_history
    from auditapp.imports.table import ImportFailed
    signed_off_audit(sampled_month("2026-09", per_team=1)[0])
    db.session.commit()
    monkeypatch.setattr(importing, "BATCH", 3)  # 24 good rows: 8 batches written before the last row
    rows = two_years(world)
    case, a, b = world.cases[0], world.auditors["Early Help"][0], world.auditors["Children in Care"][0]
    if last == "not in the register":
        rows.append(row("2025-06", "NOT-IN-REGISTER", a.email, b.email, world.seniors[0].email, same("G", "G", "G")))
        expected = f"Row {len(rows) + 1}: case NOT-IN-REGISTER is not in the case register"
    else:
        rows.append(row("September 2026", case.reference, a.email, b.email, world.seniors[0].email,
                        same("G", "G", "G")))
        expected = f"Row {len(rows) + 1}: September 2026 was sampled in auditapp"
    before = _counts()
    with pytest.raises(ImportFailed) as refused:
        importing.import_past_audits(SYSTEM, io.BytesIO(workbook(rows)), "past.xlsx")
    assert any(line.startswith(expected) for line in refused.value.lines()), refused.value.lines()
    assert _counts() == before
    db.session.rollback()
    assert verify_history(db.session).intact
    # And the same file without the last row imports whole, batch after batch, its chain intact.
    imported, again = importing.import_past_audits(SYSTEM, io.BytesIO(workbook(rows[:-1])), "past.xlsx")
    db.session.commit()
    assert (imported, again) == (len(rows) - 1, 0)
    assert _counts()[0] == before[0] + len(rows) - 1
    checked = verify_history(db.session)
    assert checked.intact, checked.broken


def test_the_database_refusing_a_batch_already_sent_leaves_nothing(app, world, monkeypatch):
    """On PostgreSQL a batch is sent without waiting for the server: if the server refuses it (here a
    sample that does not exist, as a concurrent change could make happen), the error still reaches
    the importer, nothing of any batch is left, and the session and the history chain are usable."""
    from psycopg import Error as PostgresError
    from sqlalchemy.exc import DBAPIError

    import auditapp.month.past_audits as importing
    from auditapp.history_chain import verify_history
    monkeypatch.setattr(importing, "BATCH", 3)
    made = importing._Writer._make_cycles
    calls = []

    def one_sample_missing(self, months):
        made(self, months)
        calls.append(months)
        # The third batch's audits (SQLite: the one write's) refer to a sample that is not there.
        if len(calls) == (3 if self.streaming else 1):
            self.cycles[months[0]] = 10**9
    monkeypatch.setattr(importing._Writer, "_make_cycles", one_sample_missing)
    before = _counts()
    with pytest.raises((DBAPIError, PostgresError)) as refused:
        importing.import_past_audits(SYSTEM, io.BytesIO(workbook(two_years(world))), "past.xlsx")
    assert "foreign key" in str(refused.value).lower() or "FOREIGN KEY" in str(refused.value)
    if db.engine.dialect.name == "postgresql":  # undone at once, with the savepoint before the first batch
        assert _counts() == before
    db.session.rollback()  # as every caller does on an error (SQLite had written nothing before the one write)
    assert _counts() == before
    assert verify_history(db.session).intact
    monkeypatch.setattr(importing._Writer, "_make_cycles", made)
    assert importing.import_past_audits(SYSTEM, io.BytesIO(workbook(two_years(world))), "past.xlsx") == (
        2 * len(world.cases), 0)


def test_an_import_its_caller_rolls_back_leaves_nothing(app, world, monkeypatch):
    """The import is part of its caller's transaction: a page that refuses the save afterwards (or
    the bench, between runs) rolls it back whole. On SQLite a savepoint released outside a
    transaction pysqlite had begun would have committed it."""
    import auditapp.month.past_audits as importing
    monkeypatch.setattr(importing, "BATCH", 5)
    before = _counts()
    content = workbook(two_years(world))
    assert importing.import_past_audits(SYSTEM, io.BytesIO(content), "past.xlsx") == (2 * len(world.cases), 0)
    db.session.rollback()
    assert _counts() == before
    assert importing.import_past_audits(SYSTEM, io.BytesIO(content), "past.xlsx") == (2 * len(world.cases), 0)
