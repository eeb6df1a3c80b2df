"""Which months can be opened, and cancelling a month opened by mistake."""

import pytest
from builders import fresh, month_ago, month_sampled_by, review_data, this_month
from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.models import Cycle
from auditapp.months import month_label

# Which months may be opened depends on today: `make test-dates` runs these at the dates calendars get wrong.
pytestmark = pytest.mark.dates


@pytest.mark.parametrize("month", [lambda: "1999-01", lambda: "2099-01", lambda: month_ago(-2), lambda: month_ago(13)])
def test_impossible_months_are_refused_on_the_page_and_the_command_line(world, as_user, app, month):
    month = month()
    form = as_user(world.qa_lead).get("/cycles/new").get_data(as_text=True)
    assert f'value="{month}"' not in form and month_label(month_ago(12)) in form  # the page offers only the window
    # Posted all the same (a crafted request), it is refused and opens nothing.
    assert as_user(world.qa_lead).post("/cycles/new", data={"month": month, "per_team": "2"}).status_code == 400
    result = app.test_cli_runner().invoke(args=["draw-sample", month])
    assert result.exit_code == 1 and "Enter a month from" in result.output
    fresh()
    assert db.session.scalar(select(func.count(Cycle.id))) == 0


@pytest.mark.parametrize("ago", [0, -1, 12, 8])
def test_this_month_next_month_and_missed_months_in_the_window_can_be_opened(world, as_user, ago):
    assert as_user(world.qa_lead).post("/cycles/new",
                                       data={"month": month_ago(ago), "per_team": "2"}).status_code == 302


def test_the_form_offers_the_next_month_not_yet_opened(world, as_user):
    qa = as_user(world.qa_lead)
    assert f'value="{this_month()}"' in qa.get("/cycles/new").get_data(as_text=True)
    qa.post("/cycles/new", data={"month": this_month(), "per_team": "2"})
    assert f'value="{month_ago(-1)}"' in qa.get("/cycles/new").get_data(as_text=True)


def test_a_month_opened_by_mistake_is_cancelled_and_leaves_every_list(world, as_user):
    next_month = month_ago(-1)
    audits = month_sampled_by(world.qa_lead, next_month, per_team=1)
    auditor = audits[0].auditor_a
    assert audits[0].case.reference in as_user(auditor).get("/").get_data(as_text=True)
    qa = as_user(world.qa_lead)
    refused = qa.post(f"/cycles/{next_month}/cancel", data={"reason": ""})
    assert refused.status_code == 200 and "Enter the reason for cancelling the month" in refused.get_data(as_text=True)
    assert qa.post(f"/cycles/{next_month}/cancel", data={"reason": "Typed the wrong month"}).status_code == 302
    assert audits[0].case.reference not in as_user(auditor).get("/").get_data(as_text=True)
    assert "Typed the wrong month" in qa.get("/cycles").get_data(as_text=True)
    assert month_label(next_month) not in as_user(world.leader).get("/reports/").get_data(as_text=True)
    assert as_user(auditor).post(f"/audits/{audits[0].id}/review/A", data=review_data(3)).status_code == 403
    activity = qa.get("/people/activity").get_data(as_text=True)
    assert f"Month cancelled: {month_label(next_month)}" in activity
    # The month can be opened again, and its cases drawn again.
    again = month_sampled_by(world.qa_lead, next_month, per_team=1)
    assert {a.case_id for a in again} == {a.case_id for a in audits}


def test_a_month_cannot_be_cancelled_once_an_auditor_has_saved_anything(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3, submit=False))
    page = as_user(world.qa_lead).post(f"/cycles/{this_month()}/cancel", data={"reason": "Oops"}).get_data(as_text=True)
    assert "auditors have started work on it" in page
    fresh()
    assert db.session.scalar(select(Cycle.cancelled_at)) is None


def test_only_the_qa_lead_can_cancel_a_month(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    for person in (audit.auditor_a, audit.moderator, world.leader):
        client = as_user(person)
        assert client.get(f"/cycles/{this_month()}/cancel").status_code == 403
        assert client.post(f"/cycles/{this_month()}/cancel", data={"reason": "Not mine to cancel"}).status_code == 403
    fresh()
    assert db.session.scalar(select(Cycle.cancelled_at)) is None


def test_reports_and_the_leadership_start_page_open_on_the_latest_month_with_moderated_audits(world, as_user):
    from builders import sampled_month, signed_off_audit
    last_month = month_ago(1)
    for audit in sampled_month(last_month, per_team=1):
        signed_off_audit(audit)
    sampled_month(this_month(), per_team=1)  # opened and drawn, nothing moderated yet
    db.session.commit()
    leader = as_user(world.leader)
    dashboard = leader.get("/reports/").get_data(as_text=True)
    assert f"Monthly summary: {month_label(last_month)}" in dashboard
    assert month_label(last_month) in leader.get("/").get_data(as_text=True)
    # Any month can still be chosen.
    chosen = leader.get(f"/reports/?month={this_month()}").get_data(as_text=True)
    assert f"Monthly summary: {month_label(this_month())}" in chosen
