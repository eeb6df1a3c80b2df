"""The record of reads: who opened which audit or downloaded which export, and when.

Every page that loads an audit through `permissions.get_audit` (the one way views load one) is a
read of it, noted there, so a new page about an audit cannot forget; lists and exports of many
note theirs with `note()`. The rows are written once the page has been produced, and only if it
was (a refused or failed request read nothing). Pages that note reads change nothing
themselves, so committing here commits only the reads."""

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import Select, func, insert, or_, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit, Case, ReadRecord, User
from auditapp.models.loading import READ_ROW


def note(what: str, audit_id: int | None = None) -> None:
    g.setdefault("reads", []).append({"what": what[:200], "audit_id": audit_id})


def note_for(user_id: int, what: str) -> None:
    """A read by something other than a signed-in person (a dashboard with a feed token), recorded
    under the person answerable for it (who created the token)."""
    g.read_by = user_id
    note(what)


# What the record of reads calls each page about one audit (others are named by their endpoint).
PAGES = {"audits.show": "Audit", "audits.review": "Audit: review", "moderation.moderate": "Audit: moderation",
         "checks.review": "Audit: checking a review", "checks.sign_off_check": "Audit: checking the moderation",
         "families.contact": "Audit: family contact", "families.feedback": "Audit: family feedback",
         "findings.action": "Audit: an action", "findings.edit": "Audit: changing an action",
         "findings.remove": "Audit: removing an action", "findings.propose": "Audit: proposing an action",
         "audits.acknowledge": "Audit: a safeguarding concern", "audits.new_concern": "Audit: raising a concern",
         "replies.reply": "Audit: the practitioner's reply", "replies.respond": "Audit: the response to a dispute",
         "themes.tag": "Audit: theme tags", "cycles.allocation": "Audit: its allocation",
         "cycles.withdraw": "Audit: asking to withdraw it", "cycles.decide": "Audit: deciding a withdrawal",
         "moderation.reopen_audit": "Audit: reopening it"}


def audit_shown(audit_id: int) -> None:
    """An audit was loaded to show a page: a read, if the page is shown (see permissions.get_audit)."""
    if has_request_context() and request.method == "GET":
        shown = g.setdefault("audits_shown", [])
        if audit_id not in shown:
            shown.append(audit_id)


def init_app(app: Flask) -> None:
    @app.after_request
    def write_reads(response):
        reads = g.pop("reads", None) or []
        noted = {read["audit_id"] for read in reads}
        what = PAGES.get(request.endpoint or "", f"Audit: {request.endpoint}")
        reads += [{"what": what, "audit_id": audit_id}
                  for audit_id in g.pop("audits_shown", []) if audit_id not in noted]
        read_by = g.pop("read_by", None)
        if reads and response.status_code < 400 and (current_user.is_authenticated or read_by):
            at, user_id = clock.now(), current_user.id if current_user.is_authenticated else read_by
            db.session.execute(insert(ReadRecord), [{"at": at, "user_id": user_id, **read} for read in reads])
            # The page is produced and changed nothing, so the objects it loaded still hold what the
            # database holds: expiring each of them on this commit (160 on a month's overview, and
            # reloading the signed-in person after) was about 0.5 ms of CPU for nothing.
            session = db.session()
            expiring, session.expire_on_commit = session.expire_on_commit, False
            try:
                session.commit()
            finally:
                session.expire_on_commit = expiring
        return response


def recent_reads(search: str = "") -> Select:
    """Newest first; `search` is a case reference or part of a person's name or email."""
    query = select(ReadRecord).options(*READ_ROW).order_by(ReadRecord.id.desc())
    search = search.strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(
            ReadRecord.audit_id.in_(select(Audit.id).join(Case).where(func.upper(Case.reference) == search.upper())),
            ReadRecord.user_id.in_(select(User.id).where(
                or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern))))))
    return query
