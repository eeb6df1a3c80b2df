"""The QA lead's month at a glance: a task list read from the records, the next thing first."""

import re
from datetime import timedelta

import pytest
from builders import (
    draft_review,
    month_sampled_by,
    ready_for_moderation,
    signed_off_audit,
    submitted_review,
    this_month,
)
from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.month.sampling import request_withdrawal
from auditapp.months import month_label
from auditapp.reports.worklists import status_columns

pytestmark = pytest.mark.dates


def test_before_the_month_is_opened_the_next_thing_is_to_open_it(world, as_user):
    page = as_user(world.qa_lead).get("/").get_data(as_text=True)
    assert f"{month_label(this_month())}: the month's audit" in page
    assert 'Next: <a class="govuk-link" href="/cases">Import the case register</a>' in page
    assert f"Open {month_label(this_month())}" in page and "Cannot start yet" in page


def test_the_task_list_follows_the_month_and_names_who_is_overdue(world, as_user, app):
    audits = month_sampled_by(world.qa_lead, per_team=1)
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


def test_the_remembered_task_list_follows_a_submission_at_once_and_not_a_draft(world, as_user):
    """The tasks are remembered under the figures' version (issue 22): the very next start page
    shows a submission (which moves it), and a later draft (which does not) shows nothing new."""
    from builders import review_data
    from sqlalchemy import func

    from auditapp.models import RememberedFigure
    audits = month_sampled_by(world.qa_lead, per_team=1)
    db.session.commit()
    qa, sampled = as_user(world.qa_lead), len(audits)
    assert f"0 of {2 * sampled} audits submitted" in qa.get("/").get_data(as_text=True)
    stored = db.session.scalar(select(func.count()).select_from(RememberedFigure))
    assert stored  # remembered for every worker, not only this one
    first = audits[0]
    as_user(first.auditor_a).post(f"/audits/{first.id}/review/A", data=review_data(3, submit=False))
    assert f"0 of {2 * sampled} audits submitted" in qa.get("/").get_data(as_text=True)
    as_user(first.auditor_a).post(f"/audits/{first.id}/review/A", data=review_data(3))
    page = qa.get("/").get_data(as_text=True)
    assert f"1 of {2 * sampled} audits submitted" in page and "Auditors submit" in page


def test_overdue_counts_every_month_still_open_and_says_which(world, as_user):
    from datetime import timedelta

    from builders import fresh, month_ago, ready_for_moderation, sampled_month

    from auditapp import clock
    today = clock.today()
    for audit in sampled_month(month_ago(2), per_team=1):  # a moderated month, for the leadership page
        signed_off_audit(audit)
    earlier = sampled_month(month_ago(1), per_team=1)
    now = sampled_month(this_month(), per_team=1)
    db.session.commit()
    ready_for_moderation(now[1])
    for audit in earlier + now[:1]:
        audit.auditor_due = today - timedelta(days=1)
    now[1].moderation_due = today - timedelta(days=1)
    now[2].auditor_due = today + timedelta(days=5)
    db.session.commit()
    this_name, last_name = month_label(this_month()), month_label(month_ago(1))
    late = earlier + now[:1]
    late_auditors = sorted({a.auditor_a.name for a in late} | {a.auditor_b.name for a in late})
    fresh()
    page = re.sub(r"\s+", " ", as_user(world.qa_lead).get("/").get_data(as_text=True))
    # The task list: the auditors' part and moderation, each from every month still open.
    assert f"4 overdue: 1 from {this_name}, 3 from {last_name} ({', '.join(late_auditors)})" in page
    assert f"0 of 3 signed off; 1 overdue: 1 from {this_name}" in page
    # The month's overview on the start page counts the earlier month too.
    assert f"5 overdue: 2 from {this_name}, 3 from {last_name}" in page
    # A past month's page counts it and the months before it, never later ones.
    past = re.sub(r"\s+", " ", as_user(world.qa_lead).get(f"/cycles/{month_ago(1)}").get_data(as_text=True))
    assert f"3 overdue: 3 from {last_name}" in past and this_name not in past.split("Overdue", 1)[1][:200]
    # The leadership reader's start page: audits overdue today, from every month.
    reader = re.sub(r"\s+", " ", as_user(world.leader).get("/").get_data(as_text=True))
    assert ('Audits overdue today</dt><dd class="govuk-summary-list__value">'
            f"5 overdue: 2 from {this_name}, 3 from {last_name}") in reader


def test_an_audits_own_page_and_the_lists_agree_on_its_status_and_whether_it_is_overdue(world):
    # Audit.status / is_overdue answer for one loaded audit (its pages); worklists.status_columns
    # answers in SQL for lists and counts. Two spellings of one rule, so they are held together here.
    audits = month_sampled_by(world.qa_lead, per_team=2)
    draft_review(audits[0], "A")
    submitted_review(audits[1], "B")
    ready_for_moderation(audits[2])
    signed_off_audit(audits[3])
    request_withdrawal(world.seniors[0], audits[4], "court", "Final hearing next week")
    db.session.commit()
    cycle_id = audits[0].cycle_id
    seen = set()
    for days_on in (0, 12, 20, 45):
        today = clock.today() + timedelta(days=days_on)
        c = status_columns(today, [cycle_id])
        in_sql = {audit_id: (status, bool(overdue)) for audit_id, status, overdue in db.session.execute(
            select(Audit.id, c.status, c.overdue).outerjoin(c.reviews, c.reviews.c.audit_id == Audit.id)
            .where(Audit.cycle_id == cycle_id))}
        for audit in db.session.scalars(select(Audit).options(*AUDIT_IN_FULL).where(Audit.cycle_id == cycle_id)):
            assert (audit.status, audit.is_overdue(today)) == in_sql[audit.id], (audit.case.reference, today)
        seen |= set(in_sql.values())
    assert {status for status, _ in seen} == {"Allocated", "In progress", "Ready for moderation", "Moderated",
                                              "Withdrawal requested"}
    assert {overdue for _, overdue in seen} == {True, False}


def test_the_allocation_and_actions_tasks_count_what_the_records_say(world, as_user):
    """Who is allocated and away today or no longer active, and the month's actions closed of those
    raised (removed ones not raised at all), read in one statement each (issue 22)."""
    from builders import confirmed_action

    from auditapp.models import ROLE_LABELS, Action, User
    from auditapp.security.people import add_absence, save_user
    audits = month_sampled_by(world.qa_lead, per_team=1)
    ready = ready_for_moderation(audits[0])
    made = [confirmed_action(ready, world.auditors["Early Help"][0], name) for name in ("One", "Two", "Three")]
    db.session.commit()
    db.session.get(Action, made[1].id).status = "closed"
    db.session.get(Action, made[2].id).status = "removed"
    db.session.commit()
    page = re.sub(r"\s+", " ", as_user(world.qa_lead).get("/").get_data(as_text=True))
    assert "1 of 2 actions closed" in page and "Nobody allocated is away or inactive" in page
    away, gone = audits[1].auditor_a_id, audits[2].moderator_id
    others = {a.auditor_a_id for a in audits} | {a.auditor_b_id for a in audits} | {a.moderator_id for a in audits}
    assert away != gone and away in others and gone in others
    today = clock.today()
    # Through the service, which records each change in the history and so moves the figures'
    # version the task list is remembered under: it must follow on the very next page (issue 22).
    add_absence(world.qa_lead, db.session.get(User, away), today, today, "Annual leave")
    leaving = db.session.get(User, gone)
    save_user(world.qa_lead, leaving, name=leaving.name, email=leaving.email, team=leaving.team,
              roles={role for role in ROLE_LABELS if getattr(leaving, role)}, active=False,
              expected_version=leaving.version)
    db.session.commit()
    page = re.sub(r"\s+", " ", as_user(world.qa_lead).get("/").get_data(as_text=True))
    assert "2 people allocated this month are away or no longer active" in page


def test_the_pack_is_done_only_by_this_months_download_found_along_the_reads_index(world, as_user):
    from builders import month_ago
    from sqlalchemy import func, text

    from auditapp.models import ReadRecord
    from auditapp.reports.month_tasks import _starting

    month_sampled_by(world.qa_lead, per_team=1)
    db.session.commit()
    qa = as_user(world.qa_lead)
    qa.get(f"/reports/{month_ago(1)}.xlsx")  # last month's pack is not this month's
    assert "Downloaded " not in qa.get("/").get_data(as_text=True)
    qa.get(f"/reports/{this_month()}.xlsx")
    assert "Downloaded " in qa.get("/").get_data(as_text=True)
    # The newest of one kind of read is a range of the (what, at) index, not a test of every read
    # ever recorded (one more for each page anyone opens): on SQLite, the plan says so.
    if db.engine.dialect.name == "sqlite":
        prefix = f"Monthly summary for {this_month()}"
        newest = select(func.max(ReadRecord.at)).where(*_starting(ReadRecord.what, prefix))
        compiled = newest.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "ix_read_record_what_at (what>? AND what<?)" in plan, plan
