"""The QA lead's month at a glance: a task list read from the records, the next thing first."""

import re

import pytest

from auditapp.extensions import db
from auditapp.sampling import month_label
from builders import signed_off_audit
from helpers import sample_month, this_month

pytestmark = pytest.mark.dates


def test_before_the_month_is_opened_the_next_thing_is_to_open_it(world, as_user):
    page = as_user(world.qa_lead).get("/").get_data(as_text=True)
    assert f"{month_label(this_month())}: the month's audit" in page
    assert f'Next: <a class="govuk-link" href="/cases">Import the case register</a>' in page
    assert f"Open {month_label(this_month())}" in page and "Cannot start yet" in page


def test_the_task_list_follows_the_month_and_names_who_is_overdue(world, as_user, app):
    audits = sample_month(world.qa_lead, per_team=1)
    signed_off_audit(audits[0])
    db.session.commit()
    page = as_user(world.qa_lead).get("/").get_data(as_text=True)
    sampled = len(audits)
    assert f"2 of {2 * sampled} audits submitted" in page  # the signed-off audit's two
    assert f"1 of {sampled} signed off" in page and "In progress" in page
    # The workbook downloaded: the pack is marked done.
    as_user(world.qa_lead).get(f"/reports/{this_month()}.xlsx")
    page = as_user(world.qa_lead).get("/").get_data(as_text=True)
    assert "Export the monthly pack" in page and "Downloaded " in page
