"""The record of reads: who opened which audit or downloaded which export, and when.

Views note a read with `note()`; the rows are written once the page has been produced, and only
if it was (a refused or failed request read nothing). Pages that note reads change nothing
themselves, so committing here commits only the reads."""

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import Select, func, insert, or_, select

from . import clock
from .extensions import db
from .loading import READ_ROW
from .models import Audit, Case, ReadRecord, User


def note(what: str, audit_id: int | None = None) -> None:
    g.setdefault("reads", []).append({"what": what[:200], "audit_id": audit_id})


def init_app(app: Flask) -> None:
    @app.after_request
    def write_reads(response):
        reads = g.pop("reads", None)
        if reads and response.status_code < 400 and current_user.is_authenticated:
            at, user_id = clock.now(), current_user.id
            db.session.execute(insert(ReadRecord), [{"at": at, "user_id": user_id, **read} for read in reads])
            db.session.commit()
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
