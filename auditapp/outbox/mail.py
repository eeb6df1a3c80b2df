"""Email: written to the `sent_message` table first, then delivered by GOV.UK Notify (with
NOTIFY_API_KEY), by SMTP (with MAIL_SERVER), or else to the log, so the service works without mail.

A message is queued inside the transaction that makes it due, under a key naming its occasion, so
it exists only if that change is saved and is never queued twice. Delivery happens after the
request has committed (urgent ones at once, in the request; others in the background worker), and
`flask send-reminders` retries any that failed. Messages name the case reference and link to the
audit; they never carry grades, evidence or a child's details.
"""

import functools
import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, g, has_request_context
from markupsafe import escape
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError
from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit, SentMessage, User

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def service_link(path: str) -> str:
    # Built from SERVICE_URL, not url_for: the daily job runs outside any request.
    return f"{current_app.config['SERVICE_URL'].rstrip('/')}{path}"


def audit_link(audit: Audit) -> str:
    return service_link(f"/audits/{audit.id}")


def queue(key: str, user: User, subject: str, text: str, audit: Audit | None = None,
          urgent: bool = False, new_record: bool = False) -> SentMessage | None:
    """Queue a message unless one with this key exists. Call inside the change's transaction.
    `new_record`: the occasion is a record made in this same transaction (a new audit's allocation),
    so no message can have its key yet; there is nothing to look up, and the message is written with
    the next flush, so a month's draw writes its 300 notices together rather than one by one."""
    if not new_record and db.session.scalar(select(SentMessage.id).where(SentMessage.key == key)):
        return None
    message = SentMessage(key=key[:200], user_id=user.id, address=user.email, audit_id=audit.id if audit else None,
                          subject=subject[:200], body=text, created_at=clock.now())
    db.session.add(message)
    if has_request_context():
        g.setdefault("mail_outbox", []).append((message, urgent))
    return message


def deliver(ids: list[int] | None = None) -> tuple[int, int]:
    """Send these messages (or every one not yet sent); returns (sent, failed). Never raises."""
    query = select(SentMessage).where(SentMessage.sent_at.is_(None), SentMessage.attempts < MAX_ATTEMPTS)
    if ids is not None:
        query = query.where(SentMessage.id.in_(ids))
    sent = failed = 0
    for message in db.session.scalars(query.order_by(SentMessage.id)).all():
        message.attempts += 1
        try:
            _send(message)
        except (OSError, smtplib.SMTPException, APIError) as error:
            message.error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
            log.warning("Mail to %s not sent (attempt %s): %s", message.address, message.attempts, error)
        else:
            message.sent_at, message.error = clock.now(), None
            sent += 1
        db.session.commit()
    return sent, failed


def _send(message: SentMessage) -> None:
    config = current_app.config
    if config["NOTIFY_API_KEY"]:
        # One template whose subject is ((subject)) and body ((body)); the key doubles as Notify's
        # reference, so a message can be traced from Notify's dashboard to the outbox.
        NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"]).send_email_notification(
            message.address, config["NOTIFY_TEMPLATE_ID"],
            personalisation={"subject": message.subject, "body": message.body}, reference=message.key)
        return
    if not config["MAIL_SERVER"]:
        # One line, no body: the log may be read by people who should not read the message.
        log.info("Mail (no MAIL_SERVER set) to %s: %s", message.address, message.subject)
        return
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config["MAIL_DEFAULT_SENDER"], message.address, message.subject
    email.set_content(message.body)
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in message.body.split("\n\n"))
    email.add_alternative(f"<!doctype html><html lang=\"en-GB\"><body>{paragraphs}</body></html>", subtype="html")
    server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    with (smtplib.SMTP_SSL(server, port, timeout=10, context=_tls(config["MAIL_CA_FILE"])) if config["MAIL_USE_SSL"]
          else smtplib.SMTP(server, port, timeout=10)) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=_tls(config["MAIL_CA_FILE"]))
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _tls(authority: str) -> ssl.SSLContext:
    """Checked, not just encrypted: an unchecked certificate hands the password and the mail to
    whoever answers on the way. A failed check is an OSError, so the message waits for a retry.
    Loading the certificate store costs milliseconds, so one context serves every message until the
    council's own authority file changes (a renewed bundle at the same path is read again)."""
    found = Path(authority).stat() if authority else None
    return _context(authority, (found.st_ino, found.st_size, found.st_mtime_ns) if found else None)


@functools.lru_cache(maxsize=4)
def _context(authority: str, _version: tuple[int, int, int] | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=authority or None)
