"""The people upload's optional columns (issue 27): each person's line manager and periods away,
in bulk, on the command line and the page; all or nothing, and importing the same file again adds
nothing."""

import io
from datetime import date

from builders import fresh
from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.models import Absence, User

PEOPLE = "\n".join([
    "Name,Email,Team,Roles,Line manager,Periods away",
    "Siân Evans,sian.evans@council.example.org,Children in Care,auditor,zoe.martin@council.example.org,"
    "01/12/2026 to 05/12/2026 Leave; 2027-01-10 to 2027-01-12 (Sickness)",
    "Zoë Martin,zoe.martin@council.example.org,Service leadership,senior manager,,",
    "Ola Bello,ola.bello@council.example.org,Early Help,auditor,quinn.lead@council.example.org,",
]) + "\n"


def person_named(email: str) -> User:
    fresh()
    return db.session.scalar(select(User).where(User.email == email))


def test_line_managers_and_periods_away_come_in_with_the_people(app, tmp_path, world):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE.replace("quinn.lead@council.example.org", world.qa_lead.email), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-users", str(path)])
    assert result.exit_code == 0, result.output
    sian, zoe, ola = (person_named(e) for e in ("sian.evans@council.example.org", "zoe.martin@council.example.org",
                                                "ola.bello@council.example.org"))
    assert sian.name == "Siân Evans" and sian.line_manager_id == zoe.id and ola.line_manager_id == world.qa_lead.id
    away = db.session.execute(select(Absence.starts_on, Absence.ends_on, Absence.reason)
                              .where(Absence.user_id == sian.id).order_by(Absence.starts_on)).all()
    assert away == [(date(2026, 12, 1), date(2026, 12, 5), "Leave"), (date(2027, 1, 10), date(2027, 1, 12), "Sickness")]
    assert runner.invoke(args=["import-users", str(path)]).exit_code == 0  # again: nothing added twice
    assert db.session.scalar(select(func.count(Absence.id))) == 2


def test_an_unknown_line_manager_or_a_bad_period_imports_nobody(app, tmp_path, world):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Team,Roles,Line manager,Periods away\n"
                    "A One,a.one@council.example.org,T,auditor,nobody@council.example.org,\n"
                    "B Two,b.two@council.example.org,T,auditor,,next week\n"
                    "C Three,c.three@council.example.org,T,auditor,,05/12/2026 to 01/12/2026\n"
                    "D Four,d.four@council.example.org,T,auditor,d.four@council.example.org,"
                    "01/12/2026 to 05/12/2026; 03/12/2026 to 04/12/2026\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-users", str(path)])
    assert result.exit_code == 1
    for expected in ("Row 3: period away 'next week' is not two dates", "Row 4: period away '05/12/2026 to "
                     "01/12/2026' ends before it starts", "Row 5: a person cannot be their own line manager",
                     "Row 5: period away '03/12/2026 to 04/12/2026' overlaps another"):
        assert expected in result.output
    # The rows' own problems first; with those put right, the unknown manager is refused too.
    path.write_text("Name,Email,Team,Roles,Line manager\nA One,a.one@council.example.org,T,auditor,"
                    "nobody@council.example.org\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-users", str(path)])
    assert result.exit_code == 1 and "Row 2: line manager nobody@council.example.org is not in the file or known" \
        in result.output
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("%.one@%"))) == 0


def test_a_period_overlapping_one_already_recorded_is_refused_on_the_page(as_user, world):
    from auditapp.permissions import SYSTEM
    from auditapp.security.people import add_absence
    auditor = world.auditors["Early Help"][0]
    add_absence(SYSTEM, auditor, date(2026, 12, 1), date(2026, 12, 10), "Leave")
    db.session.commit()
    content = (f"Name,Email,Team,Roles,Periods away\n{auditor.name},{auditor.email},Early Help,auditor,"
               "05/12/2026 to 12/12/2026 Training\n").encode()
    page = as_user(world.qa_lead).post("/people/", data={"file": (io.BytesIO(content), "people.csv")},
                                       content_type="multipart/form-data").get_data(as_text=True)
    assert "overlaps one already recorded, 1 December 2026 to 10 December 2026" in page
    assert db.session.scalar(select(func.count(Absence.id))) == 1
