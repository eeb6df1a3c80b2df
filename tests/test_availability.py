"""Availability (issue 12): people away are not allocated, nobody is given more audits a month than
their limit, and the QA lead sees who was passed over and why."""

from datetime import date

from builders import sampled_month
from sqlalchemy import select

from auditapp import history
from auditapp.extensions import db
from auditapp.models import Absence, Event, User
from auditapp.permissions import SYSTEM
from auditapp.security.people import add_absence


def test_allocation_skips_people_away_and_at_their_limit_and_says_why(world, as_user):
    away = world.auditors["Early Help"][0]
    capped = world.auditors["Children in Care"][0]
    add_absence(SYSTEM, away, date(2026, 10, 20), date(2026, 11, 10), "Leave")
    capped.max_audits_per_month = 1
    db.session.commit()
    audits = sampled_month("2026-11", per_team=2)
    db.session.commit()
    assert all(a.auditor_b_id != away.id for a in audits)
    load = sum(1 for a in audits if capped.id in (a.auditor_a_id, a.auditor_b_id) and a.auditor_b_id == capped.id)
    assert load <= 1
    note = db.session.scalar(select(Event.after).where(Event.action == history.passed_over("2026-11")))
    assert f"{away.name} (Leave until 10 November 2026)" in note
    assert f"{capped.name} (at their limit of 1 audits a month)" in note
    assert "Passed over in allocation" in as_user(world.qa_lead).get("/people/activity").get_data(as_text=True)


def test_the_qa_lead_records_periods_away_limits_and_line_managers(world, as_user):
    person = world.auditors["Early Help"][1]
    qa = as_user(world.qa_lead)
    page = qa.post(f"/people/{person.id}/absences", data={"starts_on": "5/12/2026", "ends_on": "1/12/2026",
                                                          "reason": "Leave"}).get_data(as_text=True)
    assert "The last day away must be on or after the first" in page
    qa.post(f"/people/{person.id}/absences",
            data={"starts_on": "1/12/2026", "ends_on": "5/12/2026", "reason": "Sickness"})
    assert db.session.scalar(select(Absence.reason)) == "Sickness"
    form = {"name": person.name, "email": person.email, "team": str(person.team_id), "roles": ["is_auditor"],
            "active": "y", "max_audits_per_month": "2", "line_manager": str(world.seniors[0].id)}
    assert qa.post(f"/people/{person.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, person.id)
    assert saved.max_audits_per_month == 2 and saved.line_manager_id == world.seniors[0].id
    page = qa.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Sickness: 1 December 2026 to 5 December 2026" in page
