"""A council's case-list export as its system writes it (issue 27): Mosaic-, LCS- and Eclipse-style
column names, an Ofsted Annex A list, the DfE's case-type words and date-times are read; columns
and words auditapp does not know are matched once by the QA lead, on the import's page, and
remembered; bad files are refused before anything is written. Every file is made here, shaped as
the systems export them."""

import csv
import io
import re
from datetime import date, datetime

import openpyxl
import pytest
from builders import fresh, person
from sqlalchemy import func, select

from auditapp.demo import HERE as DEMO
from auditapp.extensions import db
from auditapp.imports.cases import read_cases
from auditapp.imports.columns import CASE_REQUIRED, CASE_TYPE_WORDS, COLUMN_NAMES, normalise_word
from auditapp.imports.table import ImportFailed, NeedsColumns, parse_date
from auditapp.models import Case, Event, ImportJob, ImportWord, Team

LOWRI, RHYS = "lowri.lloyd@council.example.org", "rhys.davies@council.example.org"


@pytest.fixture
def qa(app, as_user):
    result = app.test_cli_runner().invoke(args=["import-users", str(DEMO / "managers.csv")])
    assert result.exit_code == 0, result.output
    return as_user(person("Qa Person", "Quality Assurance", {"is_qa_lead"}))


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(qa, content: bytes, filename: str):
    return qa.post("/cases", data={"file": (io.BytesIO(content), filename)},
                   content_type="multipart/form-data", follow_redirects=True)


def cases() -> dict[str, Case]:
    fresh()
    return {case.reference: case for case in db.session.scalars(select(Case))}


def case_count() -> int:
    fresh()
    return db.session.scalar(select(func.count(Case.id)))


def job_id(response) -> int:
    return int(re.search(r"/cases/imports/(\d+)", response.request.path).group(1))


MOSAIC = [
    ["Person ID", "Worker Name", "Worker Team", "Case Status", "Team Manager Email", "Start Date", "End Date",
     "Gender", "Ethnicity", "Disability"],
    [100234, "Sam Worker", "Children in Care", "CLA", LOWRI, datetime(2024, 2, 1, 0, 0), None,
     "Female", "White British", "No"],
    [100235, "Sam Worker", "Children in Care", "Child protection plan", LOWRI, "2024-02-01 00:00:00", "",
     "Male", "Mixed", "Yes"],
    [100236, "Ash Worker", "MASH and Duty", "CIN Plan", RHYS, "01/03/2024 09:30", "2026-10-31 00:00:00",
     "Male", "Not recorded", "No"],
    [100237, "Ash Worker", "MASH and Duty", "Early help assessment", RHYS, "2023-11-20T00:00:00", None,
     "Female", "Asian", "No"],
    [100238, "Ash Worker", "MASH and Duty", "Former relevant child", RHYS, datetime(2020, 5, 4), None,
     "Female", "Black", "No"],
]


def test_a_mosaic_style_export_imports_with_its_own_names_words_and_date_times(qa):
    page = upload(qa, xlsx(MOSAIC), "mosaic-open-cases.xlsx").get_data(as_text=True)
    assert "5 cases added, 0 updated" in page
    found = cases()
    assert {ref: case.case_type for ref, case in found.items()} == {
        "100234": "child_in_care", "100235": "child_protection", "100236": "child_in_need",
        "100237": "early_help", "100238": "care_leaver"}
    assert found["100235"].open_date == date(2024, 2, 1) and found["100236"].closed_date == date(2026, 10, 31)
    assert found["100236"].open_date == date(2024, 3, 1) and found["100234"].closed_date is None
    assert (found["100235"].gender, found["100235"].disability) == ("Male", "Yes")
    assert "Sam Worker" not in repr([vars(c) for c in found.values()])  # a worker's name column is ignored


LCS = [
    ["Children's Social Care - Open Cases Report"],
    ["Run 01/12/2026 06:00 by LCS scheduler"],
    [],
    ["LCS ID", "Allocated Team", "Case Type", "Manager Email", "Episode Start Date", "Episode End Date",
     "Age Band", "Sex", "Ethnic Origin", "Disabled"],
    ["LCS-9001", "Children in Care", "LAC", LOWRI, "05/02/2022", "", "1-4", "F", "Asian", "No"],
    ["LCS-9002", "Children in Care", "CiC", LOWRI, "05/02/2022", "", "5-9", "M", "White", "No"],
    ["LCS-9003", "MASH and Duty", "CP", RHYS, "05/02/2022", "", "10-15", "F", "White", "No"],
    ["LCS-9004", "MASH and Duty", "CPP", RHYS, "05/02/2022", "", "10-15", "M", "White", "No"],
    ["LCS-9005", "MASH and Duty", "CIN", RHYS, "05/02/2022", "", "16-17", "M", "Mixed", "Yes"],
    ["LCS-9006", "MASH and Duty", "EH", RHYS, "05/02/2022", "", "1-4", "F", "Mixed", "No"],
    ["LCS-9007", "Children in Care", "Relevant / former relevant child", LOWRI, "05/02/2022", "", "18+", "F",
     "Black", "No"],
]


def test_an_lcs_style_export_with_a_title_line_imports(qa):
    page = upload(qa, csv_bytes(LCS), "lcs.csv").get_data(as_text=True)
    assert "7 cases added, 0 updated" in page
    found = cases()
    assert [found[f"LCS-900{n}"].case_type for n in range(1, 8)] == [
        "child_in_care", "child_in_care", "child_protection", "child_protection", "child_in_need", "early_help",
        "care_leaver"]
    assert (found["LCS-9001"].age_band, found["LCS-9001"].gender, found["LCS-9005"].disability) == ("1-4", "F", "Yes")


ANNEX_A = [
    ["List 8: Children looked after"],
    ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Allocated Team", "Allocated Worker",
     "Date Child Became Looked After", "Legal Status", "Team Manager Email"],
    ["AA-1", "Female", "WBRI", datetime(2012, 1, 1), "Children in Care", "Sam Worker", datetime(2023, 4, 1), "C2",
     LOWRI],
    ["AA-2", "Male", "MWBC", datetime(2014, 1, 1), "Children in Care", "Sam Worker", datetime(2024, 6, 3), "V2",
     LOWRI],
    ["AA-3", "Male", "WBRI", datetime(2015, 1, 1), "Children in Care", "Sam Worker", datetime(2024, 7, 3), "C2",
     LOWRI],
]


def test_an_annex_a_list_is_matched_once_by_the_qa_lead_and_remembered(qa):
    response = upload(qa, xlsx(ANNEX_A), "annex-a-list-8.xlsx")
    page = response.get_data(as_text=True)
    assert "Match the file&#39;s columns" in page and case_count() == 0  # asked, nothing imported
    for header in ("Child Unique ID", "Date Child Became Looked After", "Legal Status"):
        assert f"<li>{header}</li>" in page  # the file's own headers, beside auditapp's fields
    job = job_id(response)
    # The usual names are already chosen: the case reference from "Child Unique ID", the team...
    assert re.search(r'<option selected value="Child Unique ID">|<option value="Child Unique ID" selected', page)
    answers = {"case_reference": "Child Unique ID", "team": "Allocated Team", "case_type": "Legal Status",
               "responsible_manager_email": "Team Manager Email", "open_date": "Date Child Became Looked After",
               "closed_date": "", "age_band": "", "gender": "Gender", "ethnicity": "Ethnicity", "disability": ""}
    # Two fields from one column is refused at the field, keeping every choice.
    clash = qa.post(f"/cases/imports/{job}", data={**answers, "closed_date": "Date Child Became Looked After"})
    text = clash.get_data(as_text=True)
    assert "is already chosen for the open date" in text and "<title>Error: " in text
    assert db.session.scalar(select(func.count(ImportWord.id))) == 0
    missing = qa.post(f"/cases/imports/{job}", data={**answers, "open_date": ""}).get_data(as_text=True)
    assert "Choose the column that gives the open date" in missing

    # Matched: the file is read again, and now its case-type words are asked about, with their rows.
    page = qa.post(f"/cases/imports/{job}", data=answers, follow_redirects=True).get_data(as_text=True)
    assert "Say what each case type means" in page and case_count() == 0
    assert "On rows 3, 5" in page and "On row 4" in page
    refused = qa.post(f"/cases/imports/{job}", data={"type_0": "child_in_care"}).get_data(as_text=True)
    assert "Choose the case type that &#39;V2&#39; means" in refused and case_count() == 0
    done = qa.post(f"/cases/imports/{job}", data={"type_0": "child_in_care", "type_1": "child_in_care"},
                   follow_redirects=True).get_data(as_text=True)
    assert "3 cases added, 0 updated" in done
    found = cases()
    assert found["AA-2"].open_date == date(2024, 6, 3) and found["AA-2"].case_type == "child_in_care"
    fresh()
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action == "Case list words matched")) == 2

    # The next Annex A list, a month on, is imported straight away: the answers were remembered.
    again = upload(qa, xlsx([*ANNEX_A, ["AA-4", "Female", "WBRI", datetime(2016, 1, 1), "Children in Care", "X",
                                        datetime(2025, 1, 1), "C2", LOWRI]]), "annex-a-list-8-january.xlsx")
    assert "1 cases added, 3 updated" in again.get_data(as_text=True)


def test_a_column_chosen_instead_of_a_recognised_one_is_ignored_next_time(qa):
    rows = [["Case reference", "Team", "Allocated team (new structure)", "Case type", "Manager email", "Opened on"],
            ["R-1", "Old Team Name", "Children in Care", "CLA", LOWRI, "01/01/2024"]]
    content = csv_bytes(rows)
    # "Team" is recognised but the QA lead says the team comes from the other column; open date is unknown.
    response = upload(qa, csv_bytes([[*rows[0][:5], "Date allocated to the service"], rows[1]]), "restructure.csv")
    assert "Match the file" in response.get_data(as_text=True)
    answers = {"case_reference": "Case reference", "team": "Allocated team (new structure)",
               "case_type": "Case type", "responsible_manager_email": "Manager email",
               "open_date": "Date allocated to the service"}
    done = qa.post(f"/cases/imports/{job_id(response)}", data=answers, follow_redirects=True)
    assert "1 cases added" in done.get_data(as_text=True)
    fresh()
    assert db.session.scalar(select(Case.team_id).where(Case.reference == "R-1")) == db.session.scalar(
        select(Team.id).where(Team.name == "Children in Care"))
    # The same columns again: "Team" is now ignored, so there are not two columns for the team.
    assert "0 cases added, 1 updated" in upload(qa, content, "restructure-2.csv").get_data(as_text=True)


@pytest.mark.parametrize("content, filename, reason", [
    (b"", "empty.csv", "The file is empty"),
    (xlsx([]), "empty.xlsx", "The file is empty"),
    (b"%PDF-1.7\x00\x01binary", "report.csv", "not a spreadsheet"),
    (b"not a zip at all", "cases.xlsx", "could not be read as an Excel workbook"),
    (csv_bytes([MOSAIC[0], MOSAIC[0], *MOSAIC[1:]]), "twice.csv", "Rows 1 and 2 both look like the header row"),
    (csv_bytes([["Case reference", "Team", "Worker Team", "Case type", "Manager email", "Start date"],
                ["X-1", "Children in Care", "Children in Care", "CIN", LOWRI, "01/01/2024"]]), "two.csv",
     "Columns &#39;Team&#39; and &#39;Worker Team&#39; both give the team"),
])
def test_bad_files_are_refused_with_the_reason_before_anything_is_written(qa, content, filename, reason):
    page = upload(qa, content, filename).get_data(as_text=True)
    assert reason in page and "Nothing was imported" in page
    assert case_count() == 0 and db.session.scalar(select(func.count(ImportWord.id))) == 0


def test_a_file_of_250000_rows_is_refused_before_it_is_checked(qa):
    header = "Case reference,Team,Case type,Responsible manager email,Open date\n"
    content = (header + "X,T,CIN,e,1\n" * 250_000).encode()  # small rows: under the 10 MB an upload may be
    page = upload(qa, content, "huge.csv").get_data(as_text=True)
    assert "more than the 250,000 a case list can have" in page and case_count() == 0


def test_the_command_line_says_which_columns_and_words_to_match(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["import-users", str(DEMO / "managers.csv")])
    path = tmp_path / "annex-a.xlsx"
    path.write_bytes(xlsx(ANNEX_A))
    result = runner.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 1 and "Open date not found" in result.output
    assert "Date Child Became Looked After" in result.output and "Case register page" in result.output
    words = tmp_path / "words.csv"
    words.write_bytes(csv_bytes([LCS[3], [*LCS[4][:2], "Fostering", *LCS[4][3:]]]))
    result = runner.invoke(args=["import-cases", str(words)])
    assert result.exit_code == 1 and "Case type 'Fostering' (1 rows, first on rows 2)" in result.output
    assert case_count() == 0


def test_the_names_and_words_listed_cover_what_the_issue_names():
    names = {normalise_word(n): field for field, listed in COLUMN_NAMES.items() for n in listed}
    for header, field in {"Person ID": "case reference", "Worker Team": "team", "Allocated Team": "team",
                          "Case Status": "case type", "Start Date": "open date", "Child Unique ID": "case reference",
                          "End Date": "closed date", "Team Manager Email": "responsible manager email",
                          "Ethnic Origin": "ethnicity", "Sex": "gender", "Age Group": "age band",
                          "Disabled": "disability"}.items():
        assert names[normalise_word(header)] == field, header
    assert len(names) == sum(len(listed) for listed in COLUMN_NAMES.values())  # no name given to two fields
    for word, kind in {"CLA": "child_in_care", "LAC": "child_in_care", "CiC": "child_in_care",
                       "CP": "child_protection", "CPP": "child_protection", "Child Protection Plan": "child_protection",
                       "CIN": "child_in_need", "CIN Plan": "child_in_need", "EH": "early_help",
                       "Early Help Assessment": "early_help", "Care leaver": "care_leaver",
                       "Relevant child": "care_leaver", "Former relevant child": "care_leaver"}.items():
        assert CASE_TYPE_WORDS[normalise_word(word)] == kind, word
    assert set(CASE_REQUIRED) <= set(COLUMN_NAMES)


@pytest.mark.parametrize("text", ["2024-02-01 00:00:00", "01/02/2024 09:30", "2024-02-01T00:00:00Z", "01-Feb-2024",
                                  "1 February 2024", "01/02/2024 12:00:00 AM", "2024-02-01 00:00:00.000"])
def test_date_times_are_read_as_their_day(text):
    assert parse_date(text) == date(2024, 2, 1)


def test_a_file_naming_no_known_column_asks_about_its_likeliest_header_row():
    content = csv_bytes([["Export"], ["Ref", "Unit name", "Kind", "Boss", "When"], ["1", "x", "y", "z", "w"]])
    with pytest.raises(NeedsColumns) as asked:
        read_cases(io.BytesIO(content), "odd.csv", set(), set())
    assert (asked.value.row, asked.value.headers) == (2, ["Ref", "Unit name", "Kind", "Boss", "When"])
    with pytest.raises(ImportFailed):
        read_cases(io.BytesIO(b"\n\n"), "blank.csv", set(), set())


def test_an_answer_from_a_page_opened_before_the_import_moved_on_changes_nothing(qa):
    response = upload(qa, xlsx(ANNEX_A), "annex-a.xlsx")
    job = job_id(response)
    answers = {"case_reference": "Child Unique ID", "team": "Allocated Team", "case_type": "Legal Status",
               "responsible_manager_email": "Team Manager Email", "open_date": "Date Child Became Looked After"}
    qa.post(f"/cases/imports/{job}", data=answers)
    fresh()
    assert db.session.get(ImportJob, job).status == "case types"
    # The columns page, posted again from a second tab: the case-type form is now asked, and
    # nothing of the columns post is taken as an answer to it.
    again = qa.post(f"/cases/imports/{job}", data=answers).get_data(as_text=True)
    assert "Say what each case type means" in again and case_count() == 0


def test_a_choice_the_page_never_offered_is_refused_and_nothing_is_remembered(qa):
    response = upload(qa, xlsx(ANNEX_A), "annex-a.xlsx")
    job = job_id(response)
    answers = {"case_reference": "Child Unique ID", "team": "Allocated Team", "case_type": "Legal Status",
               "responsible_manager_email": "Team Manager Email", "open_date": "Not a column of this file"}
    assert qa.post(f"/cases/imports/{job}", data=answers).status_code == 400
    fresh()
    assert db.session.get(ImportJob, job).status == "columns"
    assert db.session.scalar(select(func.count(ImportWord.id))) == 0
