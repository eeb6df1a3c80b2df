"""Importing people and the case list: all or nothing, with row numbers, on the page and the command line."""

import io
from datetime import datetime
from pathlib import Path

import pytest
from builders import PASSWORD, fresh, person
from sqlalchemy import func, select

from auditapp.demo import HERE as DEMO
from auditapp.extensions import db
from auditapp.models import Case, ImportJob, Team, User
from auditapp.models.loading import CASE_ROW, PERSON_ROW

DATA = Path(__file__).parent / "data"


@pytest.fixture
def people(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-users", str(DEMO / "managers.csv")])
    assert result.exit_code == 0, result.output
    return runner


def case_count() -> int:
    fresh()
    return db.session.scalar(select(func.count(Case.id)))


def test_import_users_creates_teams_and_updates_by_email(app, tmp_path):
    runner = app.test_cli_runner()
    assert "29 people added, 0 updated" in runner.invoke(args=["import-users", str(DEMO / "managers.csv")]).output
    assert db.session.scalar(select(func.count(Team.id))) == 10
    quinn = db.session.scalar(select(User).where(User.email == "quinn.ashby@council.example.org"))
    assert quinn.is_qa_lead and not quinn.is_auditor
    changed = tmp_path / "one.csv"
    changed.write_text("Name,Email,Team,Roles\n"
                       "Quinn Ashby,QUINN.ASHBY@council.example.org,New QA Team,QA lead;auditor\n")
    assert "0 people added, 1 updated" in runner.invoke(args=["import-users", str(changed)]).output
    fresh()
    quinn = db.session.scalar(select(User).options(*PERSON_ROW).where(User.email == "quinn.ashby@council.example.org"))
    assert quinn.team.name == "New QA Team" and quinn.is_auditor and quinn.is_qa_lead


def test_import_users_reports_bad_rows_and_imports_nothing(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Email,Team,Roles\nA Person,a@council.example.org,T,auditor\n"
                   ",b@council.example.org,T,chief\n")
    result = app.test_cli_runner().invoke(args=["import-users", str(bad)])
    assert result.exit_code == 1
    assert "Row 3: Name is missing" in result.output
    assert "Row 3: role 'chief'" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_set_password_reads_standard_input(people, client):
    result = people.invoke(args=["set-password", "quinn.ashby@council.example.org"], input="a long passphrase here\n")
    assert result.exit_code == 0, result.output
    response = client.post("/sign-in", data={"email": "quinn.ashby@council.example.org",
                                             "password": "a long passphrase here"})
    assert response.status_code == 302
    short = people.invoke(args=["set-password", "quinn.ashby@council.example.org"], input="short\n")
    assert short.exit_code == 1 and "12 characters" in short.output
    assert people.invoke(args=["set-password", "nobody@x.org"], input="a long passphrase here\n").exit_code == 1


@pytest.mark.parametrize("filename", ["case-list.csv", "case-list.xlsx"])
def test_cli_imports_the_sample_export(people, filename):
    path = DEMO / filename if filename.endswith(".csv") else DATA / filename
    result = people.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 0, result.output
    assert "300 cases added, 0 updated" in result.output
    case = db.session.scalar(select(Case).options(*CASE_ROW).where(Case.reference == "LCS-100003"))
    assert (case.team.name, case.case_type, case.manager.email) == (
        "Children in Care", "child_in_care", "lowri.lloyd@council.example.org")
    assert str(case.open_date) == "2022-02-05"
    assert db.session.scalar(select(func.count(Case.id)).where(Case.closed_date.is_not(None))) == 34


BAD_EXPORT = """Open cases - exported 01/11/2026
Case reference,Team,Case type,Responsible manager email,Open date,Closed date,Notes
LCS-1,Children in Care ,CIC,lowri.lloyd@council.example.org,05/02/2022,,ok
LCS-2,Nowhere Team,CIN,lowri.lloyd@council.example.org,05/02/2022,,
LCS-3,Children in Care,,lowri.lloyd@council.example.org,31/02/2022,,
LCS-1,Children in Care,CP,nobody@council.example.org,,,
"""


def test_cli_import_is_all_or_nothing_with_row_numbers(people, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(BAD_EXPORT)
    result = people.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 1
    for expected in ("Row 4: team 'Nowhere Team'", "Row 5: Case type is missing", "Row 5: open date",
                     "Row 6: case reference LCS-1 is also on row 3", "nobody@council.example.org"):
        assert expected in result.output
    assert "Row 3" not in result.output  # the good row is not blamed
    assert case_count() == 0


def test_web_upload_lists_every_bad_row_and_imports_nothing(people, as_user):
    qa = as_user(person("Qa Person", "Quality Assurance", {"is_qa_lead"}))
    response = qa.post("/cases", data={"file": (io.BytesIO(BAD_EXPORT.encode()), "export.csv")},
                       content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in page
    assert "Row 4: team" in page and "Row 5: Case type is missing" in page and "nothing was imported" in page
    assert case_count() == 0


def test_web_upload_then_reimport_updates_and_keeps_absent_cases(people, as_user):
    qa = as_user(person("Qa Person", "Quality Assurance", {"is_qa_lead"}))
    assert "0 cases in the register" in qa.get("/cases").get_data(as_text=True)
    data = (DEMO / "case-list.csv").read_bytes()
    response = qa.post("/cases", data={"file": (io.BytesIO(data), "case-list.csv")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "300 cases added, 0 updated" in response.get_data(as_text=True)
    assert "300 cases in the register" in qa.get("/cases").get_data(as_text=True)  # the size remembered is new
    smaller = b"Case reference,Team,Case type,Responsible manager email,Open date,Closed date\n" \
              b"LCS-100003,Children in Care,CIC,lowri.lloyd@council.example.org,05/02/2022,01/11/2026\n"
    response = qa.post("/cases", data={"file": (io.BytesIO(smaller), "closed.csv")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "0 cases added, 1 updated" in response.get_data(as_text=True)
    assert case_count() == 300
    assert str(db.session.scalar(select(Case.closed_date).where(Case.reference == "LCS-100003"))) == "2026-11-01"


def test_wrong_file_type_is_refused_at_the_field(as_user, world):
    response = as_user(world.qa_lead).post("/cases", data={"file": (io.BytesIO(b"x"), "cases.pdf")},
                                           content_type="multipart/form-data")
    assert "The file must be a .xlsx or .csv file" in response.get_data(as_text=True)


def test_only_the_qa_lead_manages_the_register_and_people(as_user, world):
    manager = as_user(world.auditors["Early Help"][0])
    for url in ("/cases", "/people/", "/people/new", "/people/teams", "/cycles", "/cycles/new"):
        assert manager.get(url).status_code == 403
        assert manager.post(url, data={}).status_code in (403, 405)


def test_qa_lead_adds_and_edits_a_person_in_the_browser(as_user, world, client):
    qa = as_user(world.qa_lead)
    team = db.session.get(Team, world.auditors["Early Help"][0].team_id)
    form = {"name": "New Manager", "email": "new.manager@council.example.org", "team": str(team.id),
            "roles": ["is_auditor", "is_senior_manager"], "active": "y", "password": "a long new password"}
    assert qa.post("/people/new", data=form).status_code == 302
    fresh()
    user = db.session.scalar(select(User).where(User.email == "new.manager@council.example.org"))
    assert user.is_senior_manager and user.team_id == team.id
    assert client.post("/sign-in", data={"email": user.email, "password": "a long new password"}).status_code == 302
    clash = qa.post(f"/people/{user.id}", data=form | {"email": world.qa_lead.email})
    assert "already belongs to Quinn Lead" in clash.get_data(as_text=True)
    # a team the page never offered
    assert qa.post(f"/people/{user.id}", data=form | {"team": "999"}).status_code == 400


def test_people_without_a_password_cannot_sign_in(client, world):
    assert client.post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD + "x"}).status_code == 200


def test_qa_lead_adds_and_renames_teams(as_user, world):
    qa = as_user(world.qa_lead)
    assert qa.post("/people/teams", data={"name": "Fostering"}).status_code == 302
    clash = qa.post("/people/teams", data={"name": " early help "}).get_data(as_text=True)
    assert "There is already a team called early help" in clash
    team = db.session.get(Team, world.auditors["Early Help"][0].team_id)
    assert qa.post(f"/people/teams/{team.id}", data={"name": "Fostering"}).status_code == 200
    assert qa.post(f"/people/teams/{team.id}", data={"name": "Early Help Hub"}).status_code == 302
    fresh()
    assert db.session.get(Team, team.id).name == "Early Help Hub"


def test_the_last_qa_lead_cannot_be_removed(as_user, world):
    qa = as_user(world.qa_lead)
    team = db.session.get(Team, world.qa_lead.team_id)
    form = {"name": "Quinn Lead", "email": world.qa_lead.email, "team": str(team.id), "roles": ["is_auditor"],
            "active": "y"}
    page = qa.post(f"/people/{world.qa_lead.id}", data=form).get_data(as_text=True)
    assert "This is the only active QA lead" in page
    fresh()
    assert db.session.get(User, world.qa_lead.id).is_qa_lead


def every_row_wrong(rows: int) -> bytes:
    lines = ["Case reference,Team,Case type,Responsible manager email,Open date"]
    lines += [f"X{n},Nowhere,CIN,lowri.lloyd@council.example.org,01/01/2024" for n in range(rows)]
    return "\n".join(lines).encode()


def test_a_file_where_every_row_is_wrong_lists_the_first_hundred_and_counts_the_rest(people, as_user, tmp_path):
    qa = as_user(person("Qa Person", "Quality Assurance", {"is_qa_lead"}))
    page = qa.post("/cases", data={"file": (io.BytesIO(every_row_wrong(250)), "bad.csv")},
                   content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "The file has 250 problems: nothing was imported" in page
    assert "Row 101: team" in page and "Row 102: team" not in page
    assert "and 150 more problems not shown" in page
    path = tmp_path / "bad.csv"
    path.write_bytes(every_row_wrong(250))
    result = people.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 1 and case_count() == 0
    lines = [line for line in result.output.splitlines() if line.startswith("Row ")]
    assert len(lines) == 100 and "Nothing was imported: 250 problems in bad.csv" in result.output


def test_an_import_in_progress_shows_how_far_it_has_got(people, as_user):
    qa_lead = person("Qa Person", "Quality Assurance", {"is_qa_lead"})
    job = ImportJob(filename="county.xlsx", content=b"", created_by_id=qa_lead.id, created_at=datetime(2026, 11, 23),
                    status="running", rows_done=12000, rows_total=60003)
    db.session.add(job)
    db.session.commit()
    qa = as_user(qa_lead)
    page = qa.get(f"/cases/imports/{job.id}").get_data(as_text=True)
    assert "Checked 12,000 of about 60,003 rows." in page and 'aria-live="polite"' in page
    assert qa.get(f"/cases/imports/{job.id}.json").json == {"status": "running", "rows_done": 12000,
                                                             "rows_total": 60003}
    assert qa.get("/cases/imports/999999").status_code == 404
    auditor = as_user(person("An Auditor", "Early Help", {"is_auditor"}))
    assert auditor.get(f"/cases/imports/{job.id}.json").status_code == 403


def test_a_zip_bomb_or_an_oversized_upload_is_refused_before_it_is_read(people, as_user, monkeypatch, app):
    import zipfile

    from auditapp.imports import table
    monkeypatch.setattr(table, "MAX_UNCOMPRESSED", 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", " " * (3 * 1024 * 1024))
    assert len(bomb.getvalue()) < 20_000  # small on the wire, huge when opened
    qa = as_user(person("Qa Person", "Quality Assurance", {"is_qa_lead"}))
    page = qa.post("/cases", data={"file": (io.BytesIO(bomb.getvalue()), "cases.xlsx")},
                   content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "expands to 3 MB when opened" in page and case_count() == 0
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = qa.post("/cases", data={"file": (io.BytesIO(b"x" * 5000), "cases.csv")},
                       content_type="multipart/form-data")
    assert response.status_code == 413 and "The file is too large" in response.get_data(as_text=True)


def test_too_many_rows_are_refused(people, tmp_path, monkeypatch):
    from auditapp.imports import table
    monkeypatch.setattr(table, "MAX_ROWS", 50)
    path = tmp_path / "long.csv"
    path.write_bytes(every_row_wrong(80))
    result = people.invoke(args=["import-cases", str(path)])
    assert result.exit_code == 1 and "more than the 50 a case list can have" in result.output


def test_a_case_in_the_register_links_to_its_audits(world, as_user):
    from builders import month_sampled_by
    audits = month_sampled_by(world.qa_lead)
    case = audits[0].case
    page = as_user(world.qa_lead).get(f"/cases?q={case.reference}").get_data(as_text=True)
    assert f'href="/audits/{audits[0].id}">November 2026</a>' in page


def a_queued_import(qa_lead, **values) -> ImportJob:
    job = ImportJob(filename="case-list.csv", content=(DEMO / "case-list.csv").read_bytes(),
                    created_by_id=qa_lead.id, created_at=datetime(2026, 11, 23, 9), **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_an_import_whose_worker_stopped_is_started_again_and_done_once(people, app):
    """A worker killed mid-import leaves its job "running" and nothing of the file committed; the next
    worker to start (or the minute's check) queues it again. A job still showing life is left alone."""
    from datetime import timedelta

    from auditapp import clock, jobs
    qa_lead = person("Qa Person", "Quality Assurance", {"is_qa_lead"})
    stalled = a_queued_import(qa_lead, status="running", rows_done=120,
                              heartbeat_at=clock.now() - timedelta(minutes=11))
    alive = a_queued_import(qa_lead, status="running", rows_done=40, heartbeat_at=clock.now() - timedelta(minutes=2))
    assert jobs.restart_stalled_imports() == [stalled.id]
    fresh()
    done = db.session.get(ImportJob, stalled.id)
    assert (done.status, done.added, done.updated, done.content) == ("done", 300, 0, None)
    assert case_count() == 300
    assert db.session.get(ImportJob, alive.id).status == "running"
    assert jobs.restart_stalled_imports() == []  # done is done: nothing runs twice


def test_an_import_handed_to_a_worker_again_after_it_finished_is_not_run_twice(people, app):
    from auditapp import jobs
    job = a_queued_import(person("Qa Person", "Quality Assurance", {"is_qa_lead"}))
    jobs.run_import(job.id)
    fresh()
    first = db.session.get(ImportJob, job.id)
    finished = first.finished_at
    jobs.run_import(job.id)  # claimed only from "queued", in one statement: a second run finds nothing
    fresh()
    assert db.session.get(ImportJob, job.id).finished_at == finished and case_count() == 300
