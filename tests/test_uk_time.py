"""Stored in UTC, read and reasoned about in UK time: history, the activity log, the record of
reads, "already raised at", "today", the workbook's "data as at" footer and its dates."""

import io
from datetime import date, datetime

from builders import fresh, in_full, sampled_month, signed_off_audit
from openpyxl import load_workbook
from sqlalchemy import select

from auditapp import clock, history
from auditapp.audits.concerns import raise_concern
from auditapp.extensions import db
from auditapp.models import Event

SUMMER_AFTERNOON = datetime(2026, 6, 15, 13, 30)  # UTC: 14:30 in British Summer Time


def test_an_event_at_13_30_utc_in_june_reads_14_30_everywhere_people_read_it(world, as_user):
    audit = sampled_month("2026-06", per_team=1)[0]
    with clock.frozen_at(SUMMER_AFTERNOON):
        raise_concern(in_full(audit).auditor_b, in_full(audit), "Child left alone overnight")
    db.session.commit()
    qa = as_user(world.qa_lead)
    audit_page = qa.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "15 June 2026 at 14:30" in audit_page and "13:30" not in audit_page
    assert "15 Jun 2026 14:30" in qa.get("/people/activity").get_data(as_text=True)
    with clock.frozen_at(SUMMER_AFTERNOON):
        qa.get(f"/audits/{audit.id}")
    assert "15 June 2026 14:30" in qa.get("/people/reads").get_data(as_text=True)
    # A second report of the same concern minutes later is told when the first was raised.
    with clock.frozen_at(datetime(2026, 6, 15, 13, 35)):
        page = as_user(audit.auditor_a).post(f"/audits/{audit.id}/concerns/new",
                                             data={"details": "Child left alone overnight"}).get_data(as_text=True)
    assert "already raised at 14:30" in page


def test_just_after_midnight_in_summer_today_is_the_uk_date(world, as_user):
    with clock.frozen_at(datetime(2027, 6, 30, 23, 30)):  # 00:30 on 1 July in the UK
        assert clock.today() == date(2027, 7, 1)
        assert 'value="2027-07"' in as_user(world.qa_lead).get("/cycles/new").get_data(as_text=True)
    with clock.frozen_at(datetime(2027, 1, 31, 23, 30)):  # in winter the UK keeps UTC
        assert clock.today() == date(2027, 1, 31)


def test_the_workbook_says_when_its_data_was_read_in_uk_time_and_dates_are_uk_dates(world, as_user):
    audits = sampled_month("2026-07", per_team=1)
    with clock.frozen_at(datetime(2026, 7, 20, 23, 15)):  # 00:15 on 21 July in the UK
        signed_off_audit(audits[0])
    db.session.commit()
    fresh()
    with clock.frozen_at(datetime(2026, 8, 3, 8, 5)):
        book = load_workbook(io.BytesIO(as_user(world.qa_lead).get("/reports/2026-07.xlsx").data))
    assert "data as at 3 August 2026 09:05" in book["Summary"].oddFooter.right.text
    sheet = book["Audits"]
    header = [c.value for c in sheet[1]]
    moderated = {row[0].value: row[header.index("Moderated")].value for row in sheet.iter_rows(min_row=2)}
    assert moderated[audits[0].case.reference].date() == date(2026, 7, 21)
    signed_off = db.session.scalar(select(Event.at).where(Event.action == history.SIGNED_OFF))
    assert signed_off == datetime(2026, 7, 20, 23, 15)
