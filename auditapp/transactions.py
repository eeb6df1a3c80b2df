"""How a request's transaction ends: when the request only read, and when two saves met at once.

Closing the session at the end of a request sends ROLLBACK. When nothing was written, COMMIT is
the same to the database, and it matters on PostgreSQL: psycopg forgets every prepared statement
at a ROLLBACK, so without this no statement is ever prepared and PostgreSQL plans each page's
statements afresh on every request (a millisecond for a list's joins; 5 to 8 ms for the joins that
load one audit in full). A page that only read commits. So does a save, once it has committed its
own work and only read after: most saves read again after their commit (the person, the page they
go to), and the ROLLBACK that closed them made every worker that took a save plan everything
again, which under a busy month's drafts was most requests. For those, PostgreSQL itself says
whether the transaction still open has written anything (it has a transaction id only once it has
written); if it has, or on SQLite, the rollback stays. Anything that writes commits or rolls back
itself; a request that failed, or left unsaved changes, still rolls back.

Two first saves of the same record at the same instant (a practitioner's reply, a family's
feedback, a review: any record created on its first save) both read "none yet", both pass the
version check, and the database's unique key refuses the second. That refusal is turned here, for
every view, into what a stale save gets: the save is rolled back and the view is run once more,
now seeing the other save, so its own version check refuses it as a conflict and shows the page
again with everything typed. Should the second run meet a unique key again, the typed text is
shown on a page of its own. Never a 500, never lost.
"""

from flask import Flask, current_app, g, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from auditapp.errors import RuleError
from auditapp.extensions import db

READING = ("GET", "HEAD")
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE; SQLite says it in words
NOT_TYPED = {"csrf_token", "version", "seen"}


def clashed_on_a_unique_key(error: IntegrityError) -> bool:
    original = error.orig
    return (getattr(original, "sqlstate", None) == UNIQUE_VIOLATION
            or "UNIQUE constraint failed" in str(original))


def typed_text() -> list[tuple[str, str]]:
    """What the person typed, for the page of last resort: every non-empty posted value but the form's own."""
    return [(name, value) for name, values in request.form.lists() if name not in NOT_TYPED
            for value in values if value.strip()]


def init_app(app: Flask) -> None:
    @app.teardown_request
    def end_reading(error: BaseException | None) -> None:
        session = db.session()
        if error is not None or not session.in_transaction():
            return
        if session.new or session.dirty or session.deleted:
            return  # changed but never saved: left to the rollback, never written by accident
        if request.method not in READING and not _wrote_nothing(session):
            return  # a save's refused or unfinished writes: rolled back, never committed here
        session.expire_on_commit = False  # the session closes next: expiring what it loaded is wasted work
        try:
            session.commit()
        except SQLAlchemyError:
            session.rollback()

    @app.errorhandler(IntegrityError)
    def saved_at_the_same_moment(error: IntegrityError):
        db.session.rollback()
        if request.method in READING or request.endpoint is None or not clashed_on_a_unique_key(error):
            raise error  # a fault, not a race (or no view to run again): the 500 page, as for any other
        if g.get("ran_again"):
            return _kept_page()
        g.ran_again = True
        g.pop("mail_outbox", None)  # nothing of the refused run was saved, so nothing of it is sent
        view = current_app.ensure_sync(current_app.view_functions[request.endpoint])
        try:
            return view(**(request.view_args or {}))
        except IntegrityError as again:
            db.session.rollback()
            if not clashed_on_a_unique_key(again):
                raise
            return _kept_page()
        except RuleError as refusal:  # a refusal the view leaves to the error pages
            return current_app.handle_user_exception(refusal)


def _wrote_nothing(session: Session) -> bool:
    """Whether the open transaction has written nothing, as PostgreSQL knows it (no transaction id
    yet: one is given at the first write, kept by a savepoint's writes even when rolled back). On
    SQLite a rollback costs nothing, so the answer there is always no."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.scalar(text("SELECT pg_current_xact_id_if_assigned() IS NULL")))


def _kept_page():
    return render_template("errors/saved_at_once.html", typed=typed_text(), code=409,
                           title="Someone saved this at the same moment as you"), 409
