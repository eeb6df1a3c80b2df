"""Email that arrives (issue 12), read back from a real SMTP server on 127.0.0.1 (aiosmtpd):
a safeguarding concern leaves at once, reminders and escalations come from the daily job once
each, someone away is not emailed (their line manager is), and a failed send is retried."""

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from builders import Inbox, body, free_port, in_full, sampled_month, submitted_review, this_month
from sqlalchemy import select

from auditapp import clock
from auditapp.config import ROOT
from auditapp.extensions import db
from auditapp.models import Concern, SentMessage, Team
from auditapp.permissions import SYSTEM
from auditapp.security.people import add_absence
from auditapp.workdays import add_working_days, working_days_before


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


@pytest.mark.dates
def test_reminders_before_and_after_the_due_date_and_escalation_each_sent_once(app, world, inbox):
    audit = in_full(sampled_month(this_month(), per_team=1)[0])
    submitted_review(audit, "A")
    manager = world.seniors[1]
    audit.auditor_b.line_manager_id = manager.id
    db.session.get(Team, audit.case.team_id).senior_manager_id = world.seniors[0].id
    db.session.commit()
    b, due = audit.auditor_b.email, audit.auditor_due
    inbox.messages.clear()

    two_before = working_days_before(due, 2)
    send_reminders(app, working_days_before(due, 3))  # more than two working days ahead: nothing yet
    assert inbox.reminders_to(b, audit.id) == []
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


@pytest.mark.dates
def test_someone_away_is_not_reminded_their_line_manager_is(app, world, inbox):
    audit = in_full(sampled_month(this_month(), per_team=1)[0])
    audit.auditor_b.line_manager_id = world.seniors[1].id
    due = audit.auditor_due
    add_absence(SYSTEM, audit.auditor_b, due - timedelta(days=5), due + timedelta(days=5), "Sickness")
    db.session.commit()
    inbox.messages.clear()
    send_reminders(app, working_days_before(due, 2))
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
    with caplog.at_level("INFO", logger="auditapp.outbox.mail"):
        assert as_user(audit.auditor_b).post(f"/audits/{audit.id}/concerns/new",
                                             data={"details": "x"}).status_code == 302
    lines = [r.getMessage() for r in caplog.records if r.name == "auditapp.outbox.mail"]
    assert lines and all("\n" not in line for line in lines)  # one line a message, no body
    assert any(f"Mail (no MAIL_SERVER set) to {audit.auditor_a.email}" in line for line in lines)
    assert "Immediate safeguarding concern" in caplog.text


def test_the_log_that_make_run_shows_has_the_mail_lines(tmp_path):
    # A fresh process, as `flask run` is: logging is configured when the app is built.
    script = ("from auditapp import create_app; import logging; create_app({'SECRET_KEY': 'x'}); "
              "logging.getLogger('auditapp.outbox.mail').info('Mail (no MAIL_SERVER set) to someone: subject')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "INFO auditapp.outbox.mail: Mail (no MAIL_SERVER set) to someone: subject" in done.stderr
    assert all(m.sent_at for m in db.session.scalars(select(SentMessage).where(SentMessage.key.like("concern:%"))))


def test_a_concern_on_a_case_whose_manager_is_away_reaches_their_line_manager_at_once(world, as_user, inbox):
    audit = in_full(sampled_month("2026-11", per_team=1)[0])
    line_manager = world.seniors[1] if world.seniors[1].id != audit.moderator_id else world.seniors[0]
    audit.auditor_a.line_manager_id = line_manager.id
    add_absence(SYSTEM, audit.auditor_a, clock.today(), clock.today(), "Leave")
    db.session.commit()
    inbox.messages.clear()
    page = as_user(audit.auditor_b).post(f"/audits/{audit.id}/concerns/new", data={"details": "Bruising seen"},
                                         follow_redirects=True).get_data(as_text=True)
    told = {m["To"] for m in inbox.messages if "safeguarding" in m["Subject"]}
    assert told == {audit.auditor_a.email, line_manager.email, audit.moderator.email, world.qa_lead.email}
    # The page says who was told, by name and why.
    assert f"{line_manager.name} (line manager of someone away today)" in page
    assert f"{audit.moderator.name} (the moderator)" in page and f"{world.qa_lead.name} (QA lead)" in page


def test_an_action_marked_done_asks_its_verifiers_and_one_sent_back_tells_its_owner(world, as_user, inbox):
    from test_findings import open_action, reloaded
    audit, action = open_action(world)
    team = [u for t in world.auditors.values() for u in t if u.team_id == audit.case.team_id]
    colleague = next(u for u in team if u.id != audit.auditor_a_id)
    inbox.messages.clear()
    as_user(audit.auditor_a).post(f"/actions/{action.id}", data={
        "progress-version": str(reloaded(action.id).version), "progress-done": "x",
        "progress-evidence": "Seen alone", "progress-location": "Case note 20/11/2026"})
    asked = {m["To"] for m in inbox.messages if "an action to verify" in m["Subject"]}
    assert asked == {colleague.email, world.qa_lead.email}  # never the owner
    assert all(f"/actions/{action.id}" in body(m) and "Seen alone" not in body(m) for m in inbox.messages)
    inbox.messages.clear()
    as_user(colleague).post(f"/actions/{action.id}", data={
        "verify-version": str(reloaded(action.id).version), "verify-decision": "send_back",
        "verify-reason": "The case note does not show the child was seen alone"})
    sent_back = [m for m in inbox.messages if "sent back" in m["Subject"]]
    assert [m["To"] for m in sent_back] == [audit.auditor_a.email]
    assert "does not show" not in body(sent_back[0])  # the reason stays in the service


def test_done_and_waiting_for_verification_is_not_overdue(world, as_user):
    from test_findings import done, open_action, reloaded
    audit, action = open_action(world)
    late = datetime.combine(action.due + timedelta(days=3), datetime.min.time()).replace(hour=10)
    with clock.frozen_at(late):
        page = as_user(world.qa_lead).get(f"/actions/{action.id}").get_data(as_text=True)
        assert "Overdue" in page  # still the owner's to do
        done(reloaded(action.id))
        page = as_user(world.qa_lead).get(f"/actions/{action.id}").get_data(as_text=True)
        assert "done, to verify" in page.lower() and "Overdue" not in page
        assert (as_user(world.qa_lead).get("/actions?overdue=1").get_data(as_text=True)
                .count(f"/actions/{action.id}") == 0)


# Mail over TLS: the server's certificate is checked (issue 21)

def certificate(tmp_path, name: str, ip: str | None = None):
    """A self-signed certificate and key for `name` (and an IP address), as PEM files."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    names = [x509.DNSName(name)] + ([x509.IPAddress(ipaddress.ip_address(ip))] if ip else [])
    moment = datetime(2026, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(moment)
            .not_valid_after(moment + timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture(params=["STARTTLS", "SMTPS"])
def tls_server(app, request, tmp_path):
    """A mail server on 127.0.0.1 whose certificate names someone else; yields (inbox, its certificate)."""
    import ssl
    wrong, wrong_key = certificate(tmp_path, "mail.elsewhere.example")
    right, right_key = certificate(tmp_path, "localhost", ip="127.0.0.1")

    def serve(cert, key):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        handler, port = Inbox(), free_port()
        if request.param == "SMTPS":
            controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
        else:
            controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context,
                                    require_starttls=True)
        controller.start()
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_SSL=request.param == "SMTPS",
                          MAIL_USE_TLS=request.param == "STARTTLS")
        return handler, controller

    started = []

    def start(which: str):
        handler, controller = serve(*((wrong, wrong_key) if which == "wrong" else (right, right_key)))
        started.append(controller)
        return handler

    yield start, right
    for controller in started:
        controller.stop()
    app.config.update(MAIL_USE_SSL=False, MAIL_USE_TLS=False, MAIL_CA_FILE="")


def test_mail_is_not_handed_to_a_server_whose_certificate_does_not_check_and_waits_for_a_retry(app, world, tls_server):
    from auditapp.outbox.mail import deliver
    start, _ = tls_server
    inbox = start("wrong")
    db.session.add(SentMessage(address="qa@council.example.org", subject="A test", body="Body", key="tls-test",
                               created_at=clock.now(), attempts=0))
    db.session.commit()
    assert deliver() == (0, 1)
    assert inbox.messages == []
    kept = db.session.scalar(select(SentMessage).where(SentMessage.key == "tls-test"))
    assert kept.sent_at is None and "CERTIFICATE_VERIFY_FAILED" in kept.error


def test_mail_goes_to_a_server_whose_certificate_the_councils_own_authority_signed(app, world, tls_server):
    from auditapp.outbox.mail import deliver
    start, authority = tls_server
    inbox = start("right")
    app.config.update(MAIL_CA_FILE=str(authority))
    db.session.add(SentMessage(address="qa@council.example.org", subject="A test", body="Body", key="tls-test",
                               created_at=clock.now(), attempts=0))
    db.session.commit()
    assert deliver() == (1, 0)
    assert [m["Subject"] for m in inbox.to("qa@council.example.org")] == ["A test"]


def test_a_renewed_authority_file_at_the_same_path_is_read_again(app, world, tls_server, tmp_path):
    # The checked connection is set up once, not per message; a council replacing its bundle must
    # not need a restart for mail to go again.
    import os

    from auditapp.outbox.mail import deliver
    start, authority = tls_server
    inbox = start("right")
    bundle = tmp_path / "council-authority.pem"
    other, _ = certificate(tmp_path, "someone-else.example")
    bundle.write_bytes(other.read_bytes())
    app.config.update(MAIL_CA_FILE=str(bundle))
    for key in ("before-renewal", "after-renewal"):
        db.session.add(SentMessage(address="qa@council.example.org", subject=key, body="Body", key=key,
                                   created_at=clock.now(), attempts=0))
    db.session.commit()
    assert deliver() == (0, 2)
    renewed = tmp_path / "renewed.pem"
    renewed.write_bytes(authority.read_bytes())
    os.replace(renewed, bundle)
    assert deliver() == (2, 0)
    assert sorted(m["Subject"] for m in inbox.to("qa@council.example.org")) == ["after-renewal", "before-renewal"]


# GOV.UK Notify as the channel (issue 21), against a stand-in of its API on 127.0.0.1

SERVICE_ID, SECRET = "26785a09-ab16-4eb0-8407-a37497a57506", "3d844edf-8d35-48ac-975b-e847b4f122b0"


class NotifyStandIn:
    """Answers POST /v2/notifications/email as Notify does, checking the token as Notify does."""

    def __init__(self):
        self.received, self.status = [], 201

    def __enter__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        import jwt
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                token = self.headers["Authorization"].removeprefix("Bearer ")
                claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                assert claims["iss"] == SERVICE_ID and self.path == "/v2/notifications/email"
                stand_in.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                body = json.dumps({"id": "740e5834-3a29-46b4-9a6f-16142fde533a"} if stand_in.status == 201
                                  else {"errors": [{"error": "Exception", "message": "Internal server error"}]})
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def notify(app):
    with NotifyStandIn() as stand_in:
        app.config.update(NOTIFY_API_KEY=f"auditapp_test-{SERVICE_ID}-{SECRET}", NOTIFY_TEMPLATE_ID="template-1",
                          NOTIFY_BASE_URL=stand_in.url)
        yield stand_in
    app.config.update(NOTIFY_API_KEY="", NOTIFY_TEMPLATE_ID="", NOTIFY_BASE_URL="")


def test_with_a_notify_key_a_safeguarding_concern_leaves_through_notify_at_once(world, as_user, notify):
    audit = in_full(sampled_month(this_month(), per_team=1)[0])
    db.session.commit()
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data={
        "safeguarding_concern": "yes", "safeguarding_details": "Bruising seen at the home visit", "save": "x"})
    to_qa = [n for n in notify.received if n["email_address"] == world.qa_lead.email]
    assert to_qa and to_qa[0]["template_id"] == "template-1"
    assert "safeguarding" in to_qa[0]["personalisation"]["subject"].lower()
    assert f"/audits/{audit.id}" in to_qa[0]["personalisation"]["body"]
    kept = db.session.scalar(select(SentMessage).where(SentMessage.key == to_qa[0]["reference"]))
    assert kept.sent_at is not None


def test_when_notify_fails_the_message_waits_for_a_retry(world, notify):
    from auditapp.outbox.mail import deliver
    notify.status = 500
    db.session.add(SentMessage(address="qa@council.example.org", subject="A test", body="Body", key="notify-test",
                               created_at=clock.now(), attempts=0))
    db.session.commit()
    assert deliver() == (0, 1)
    kept = db.session.scalar(select(SentMessage).where(SentMessage.key == "notify-test"))
    assert kept.sent_at is None and "500" in kept.error
    notify.status = 201
    assert deliver() == (1, 0)
