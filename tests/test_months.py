"""Which months can be opened, and cancelling a month opened by mistake."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Cycle
from conftest import review_data
from helpers import fresh, sample_month

NOW = datetime(2026, 11, 23, 10)


@pytest.mark.parametrize("month", ["1999-01", "2030-01", "2027-01", "2025-10"])
def test_impossible_months_are_refused_on_the_page_and_the_command_line(world, as_user, app, month):
    with clock.frozen_at(NOW):
        page = as_user(world.qa_lead).post("/cycles/new", data={"month": month, "per_team": "2"})
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "<title>Error: " in text and "November 2025" in text
        result = app.test_cli_runner().invoke(args=["draw-sample", month])
    assert result.exit_code == 1 and "Enter a month from" in result.output
    fresh()
    assert db.session.scalar(select(func.count(Cycle.id))) == 0


@pytest.mark.parametrize("month", ["2026-11", "2026-12", "2025-11", "2026-03"])
def test_this_month_next_month_and_missed_months_in_the_window_can_be_opened(world, as_user, month):
    with clock.frozen_at(NOW):
        assert as_user(world.qa_lead).post("/cycles/new", data={"month": month, "per_team": "2"}).status_code == 302


def test_the_form_offers_the_next_month_not_yet_opened(world, as_user):
    qa = as_user(world.qa_lead)
    with clock.frozen_at(NOW):
        assert 'value="2026-11"' in qa.get("/cycles/new").get_data(as_text=True)
        qa.post("/cycles/new", data={"month": "2026-11", "per_team": "2"})
        assert 'value="2026-12"' in qa.get("/cycles/new").get_data(as_text=True)


def test_a_month_opened_by_mistake_is_cancelled_and_leaves_every_list(world, as_user):
    with clock.frozen_at(NOW):
        audits = sample_month(world.qa_lead, "2026-12", per_team=1)
    auditor = audits[0].auditor_a
    assert audits[0].case.reference in as_user(auditor).get("/").get_data(as_text=True)
    qa = as_user(world.qa_lead)
    refused = qa.post("/cycles/2026-12/cancel", data={"reason": ""})
    assert refused.status_code == 200 and "Enter the reason for cancelling the month" in refused.get_data(as_text=True)
    with clock.frozen_at(NOW):
        assert qa.post("/cycles/2026-12/cancel", data={"reason": "Typed 12 for 11"}).status_code == 302
    assert audits[0].case.reference not in as_user(auditor).get("/").get_data(as_text=True)
    assert "Typed 12 for 11" in qa.get("/cycles").get_data(as_text=True)
    assert "2026-12" not in as_user(world.leader).get("/reports/").get_data(as_text=True)
    assert as_user(auditor).post(f"/audits/{audits[0].id}/review/A", data=review_data(3)).status_code == 403
    activity = qa.get("/people/activity").get_data(as_text=True)
    assert "Cycle 2026-12 cancelled" in activity
    with clock.frozen_at(NOW):  # the month can be opened again, and its cases drawn again
        again = sample_month(world.qa_lead, "2026-12", per_team=1)
    assert {a.case_id for a in again} == {a.case_id for a in audits}


def test_a_month_cannot_be_cancelled_once_an_auditor_has_saved_anything(world, as_user):
    audit = sample_month(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3, submit=False))
    page = as_user(world.qa_lead).post("/cycles/2026-11/cancel", data={"reason": "Oops"}).get_data(as_text=True)
    assert "auditors have started work on it" in page
    fresh()
    assert db.session.scalar(select(Cycle.cancelled_at)) is None


def test_only_the_qa_lead_can_cancel_a_month(world, as_user):
    audit = sample_month(world.qa_lead)[0]
    for person in (audit.auditor_a, audit.moderator, world.leader):
        client = as_user(person)
        assert client.get("/cycles/2026-11/cancel").status_code == 403
        assert client.post("/cycles/2026-11/cancel", data={"reason": "Not mine to cancel"}).status_code == 403
    fresh()
    assert db.session.scalar(select(Cycle.cancelled_at)) is None
