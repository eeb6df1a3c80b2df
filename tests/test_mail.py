"""Email that arrives (issue 12), read back from a real SMTP server on 127.0.0.1 (aiosmtpd):
a safeguarding concern leaves at once, reminders and escalations come from the daily job once
each, someone away is not emailed (their line manager is), and a failed send is retried."""

import socket
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Concern, SentMessage, Team
from auditapp.people import add_absence
from auditapp.permissions import SYSTEM
from auditapp.workdays import add_working_days
from builders import in_full, sampled_month, submitted_review


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def reminders_to(self, address: str, audit_id: int) -> list[str]:
        """Subjects of the reminders about this audit (not its allocation notices) sent to this address."""
        return [m["Subject"] for m in self.to(address) if "allocated" not in m["Subject"]
                and "moderate case" not in m["Subject"] and f"/audits/{audit_id}\n" in body(m) + "\n"]


def body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    controller.stop()
    app.config.update(MAIL_SERVER="", MAIL_PORT=25)


def send_reminders(app, day: date):
    with clock.frozen_at(datetime.combine(day, datetime.min.time()).replace(hour=7)):
        return app.test_cli_runner().invoke(args=["send-reminders"])


def test_a_safeguarding_concern_is_emailed_at_once_without_the_details(world, as_user, inbox):
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    inbox.messages.clear()
    response = as_user(audit.auditor_b).post(f"/audits/{audit.id}/concerns/new",
                                             data={"details": "The child said she is afraid to go home"})
    assert response.status_code == 302
    # Delivered before the request answered: no job had to run.
    told = {m["To"] for m in inbox.messages}
    assert told == {audit.auditor_a.email, audit.moderator.email, world.qa_lead.email}
    body = inbox.to(audit.moderator.email)[0].get_body(("plain",)).get_content()
    assert audit.case.reference in body and f"/audits/{audit.id}" in body
    assert "afraid" not in body
    html = inbox.to(audit.moderator.email)[0].get_body(("html",)).get_content()
    assert audit.case.reference in html


def test_a_mail_failure_never_loses_the_concern_and_the_daily_job_retries_it(app, world, as_user, inbox):
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    inbox.messages.clear()
    response = as_user(audit.auditor_b).post(f"/audits/{audit.id}/concerns/new", data={"details": "Urgent"})
    assert response.status_code == 302
    assert db.session.scalar(select(Concern.details)) == "Urgent"
    failed = db.session.scalars(select(SentMessage).where(SentMessage.key.like("concern:%"))).all()
    assert failed and all(m.sent_at is None and m.attempts == 1 and m.error for m in failed)
    app.config["MAIL_PORT"] = working_port
    assert send_reminders(app, clock.today()).exit_code == 0
    assert len([m for m in inbox.messages if "safeguarding" in m["Subject"]]) == 3


def test_reminders_before_and_after_the_due_date_and_escalation_each_sent_once(app, world, inbox):
    audit = in_full(sampled_month("2026-11", per_team=1)[0])
    submitted_review(audit, "A")
    manager = world.seniors[1]
    audit.auditor_b.line_manager_id = manager.id
    db.session.get(Team, audit.case.team_id).senior_manager_id = world.seniors[0].id
    db.session.commit()
    b, due = audit.auditor_b.email, audit.auditor_due
    inbox.messages.clear()

    send_reminders(app, due - timedelta(days=3))  # more than two working days ahead: nothing yet
    assert inbox.reminders_to(b, audit.id) == []
    two_before = due - timedelta(days=2)  # due on a Friday: Wednesday is two working days before
    send_reminders(app, two_before)
    assert inbox.reminders_to(b, audit.id) == [f"Case audit: due {due:%-d %B}"]
    assert send_reminders(app, two_before).exit_code == 0  # the same day again: nothing twice
    assert len(inbox.reminders_to(b, audit.id)) == 1
    assert inbox.reminders_to(audit.auditor_a.email, audit.id) == []  # A has submitted

    send_reminders(app, add_working_days(due, 1))
    assert inbox.reminders_to(b, audit.id)[-1] == "Case audit: overdue"
    assert not [m for m in inbox.messages if "well overdue" in m["Subject"]]  # not yet escalated
    send_reminders(app, add_working_days(due, 3))  # three working days overdue: escalated
    def escalations():
        return [m["To"] for m in inbox.messages if "well overdue" in m["Subject"]
                and audit.auditor_b.name in body(m) and f"/audits/{audit.id}" in body(m)]
    assert set(escalations()) == {manager.email, world.seniors[0].email, world.qa_lead.email}
    send_reminders(app, add_working_days(due, 4))
    assert len(escalations()) == 3


def test_someone_away_is_not_reminded_their_line_manager_is(app, world, inbox):
    audit = in_full(sampled_month("2026-11", per_team=1)[0])
    audit.auditor_b.line_manager_id = world.seniors[1].id
    due = audit.auditor_due
    add_absence(SYSTEM, audit.auditor_b, due - timedelta(days=5), due + timedelta(days=5), "Sickness")
    db.session.commit()
    inbox.messages.clear()
    send_reminders(app, due - timedelta(days=2))
    assert inbox.reminders_to(audit.auditor_b.email, audit.id) == []
    to_manager = [body(m) for m in inbox.to(world.seniors[1].email) if m["Subject"].startswith("Case audit: due")]
    assert any(f"{audit.auditor_b.name} is away" in text and f"/audits/{audit.id}" in text for text in to_manager)


def test_allocation_and_actions_are_emailed_and_listed_on_the_start_page(app, world, as_user, inbox):
    qa = as_user(world.qa_lead)
    with clock.frozen_at(datetime(2026, 11, 2, 9)):
        qa.post("/cycles/new", data={"month": "2026-11", "per_team": "1"})
        qa.post("/cycles/2026-11", data={"seed": "3"})
    allocated = [m for m in inbox.messages if "allocated to you" in m["Subject"] or "moderate" in m["Subject"]]
    assert len(allocated) == 9  # three cases: auditor A, auditor B and the moderator of each
    someone = allocated[0]["To"]
    user = next(u for t in world.auditors.values() for u in t if u.email == someone) if any(
        u.email == someone for t in world.auditors.values() for u in t) else None
    if user:
        assert "allocated to you" in as_user(user).get("/").get_data(as_text=True)


def test_without_smtp_mail_goes_to_the_log_and_nothing_fails(app, world, as_user, caplog):
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    with caplog.at_level("INFO", logger="auditapp.mail"):
        assert as_user(audit.auditor_b).post(f"/audits/{audit.id}/concerns/new", data={"details": "x"}).status_code == 302
    assert "Immediate safeguarding concern" in caplog.text
    assert all(m.sent_at for m in db.session.scalars(select(SentMessage).where(SentMessage.key.like("concern:%"))))
