"""Working days as an English council counts them: bank holidays and the council's own closure
days are skipped by every deadline, and the reminders job sends nothing on a day off."""

from datetime import date, datetime

import pytest
from builders import fresh, in_full, month_sampled_by, sampled_month
from sqlalchemy import func, select
from test_mail import send_reminders

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.models import ClosureDay, Event, SentMessage
from auditapp.workdays import add_working_days, is_working_day


@pytest.mark.parametrize("start, days, due", [
    (date(2026, 12, 18), 10, date(2027, 1, 6)),   # over Christmas, Boxing Day (observed) and New Year
    (date(2026, 12, 24), 1, date(2026, 12, 29)),  # an immediate action raised on Christmas Eve
    (date(2026, 5, 1), 1, date(2026, 5, 5)),      # over the early May bank holiday
    (date(2026, 3, 31), 5, date(2026, 4, 9)),     # over Good Friday and Easter Monday
])
def test_deadlines_skip_weekends_and_bank_holidays(app, start, days, due):
    assert add_working_days(start, days) == due


def test_wales_and_scotland_count_their_own_bank_holidays(app):
    app.config.update(BANK_HOLIDAYS_REGION="SCT")
    try:
        assert not is_working_day(date(2027, 1, 4))  # 2 January, in lieu, in Scotland only
        assert is_working_day(date(2027, 3, 29))  # Easter Monday is not a Scottish bank holiday
    finally:
        app.config.update(BANK_HOLIDAYS_REGION="ENG")
    assert is_working_day(date(2027, 1, 4)) and not is_working_day(date(2027, 3, 29))


def test_an_auditor_allocated_before_christmas_is_due_after_new_year(world):
    with clock.frozen_at(datetime(2026, 12, 18, 9)):
        audits = month_sampled_by(world.qa_lead, "2026-12")
    assert {a.auditor_due for a in audits} == {date(2027, 1, 6)}


def test_the_qa_lead_adds_closure_days_and_every_new_deadline_skips_them(world, as_user):
    qa = as_user(world.qa_lead)
    page = qa.get("/people/closure-days").get_data(as_text=True)
    assert "Bank holiday: Christmas Day" in page and "bank holidays in England" in page
    for day in ("29/12/2026", "30/12/2026", "31/12/2026"):
        response = qa.post("/people/closure-days", data={"day": day, "reason": "Christmas closure"})
        assert response.status_code == 302
    page = qa.get("/people/closure-days").get_data(as_text=True)
    assert "Tuesday 29 December 2026" in page and "Christmas closure" in page
    assert "Closure day added" in qa.get("/people/activity").get_data(as_text=True)
    with clock.frozen_at(datetime(2026, 12, 18, 9)):
        audits = month_sampled_by(world.qa_lead, "2026-12")
    assert {a.auditor_due for a in audits} == {date(2027, 1, 11)}  # three more days closed

    closure = db.session.scalar(select(ClosureDay).where(ClosureDay.day == date(2026, 12, 31)))
    assert qa.post(f"/people/closure-days/{closure.id}/remove").status_code == 302
    fresh()
    assert db.session.scalar(select(func.count(ClosureDay.id))) == 2
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action == history.CLOSURE_DAY_REMOVED)) == 1


@pytest.mark.parametrize("posted, problem", [
    ({"day": "not a date", "reason": "Closure"}, "Enter the day the council is closed as a date"),
    ({"day": "25/12/2026", "reason": "Closure"}, "is already a bank holiday (Christmas Day)"),
    ({"day": "26/12/2026", "reason": "Closure"}, "is a weekend day"),
    ({"day": "29/12/2026", "reason": " "}, "Enter why the council is closed"),
])
def test_a_refused_closure_day_says_why_and_keeps_what_was_typed(world, as_user, posted, problem):
    page = as_user(world.qa_lead).post("/people/closure-days", data=posted).get_data(as_text=True)
    assert problem in page and f'value="{posted["day"]}"' in page
    assert db.session.scalar(select(func.count(ClosureDay.id))) == 0


def test_no_reminders_on_a_bank_holiday_or_closure_day(app, world, as_user, inbox):  # noqa: F811
    audit = in_full(sampled_month("2026-12", per_team=1)[0])
    db.session.commit()
    overdue_on = audit.auditor_due
    as_user(world.qa_lead).post("/people/closure-days", data={"day": "29/12/2026", "reason": "Christmas closure"})
    fresh()
    inbox.messages.clear()
    for day_off in (date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 29)):
        assert day_off > overdue_on  # the audit is overdue, so a working day would remind
        result = send_reminders(app, day_off)
        assert result.exit_code == 0 and "not a working day" in result.output
    assert inbox.messages == []
    send_reminders(app, date(2026, 12, 30))
    assert "Case audit: overdue" in [m["Subject"] for m in inbox.messages if m["To"] == audit.auditor_a.email]
    assert db.session.scalar(select(func.count(SentMessage.id)).where(SentMessage.sent_at.is_not(None)))
