"""How a request's transaction ends when the request only read.

Closing the session at the end of a request sends ROLLBACK. When nothing was written, COMMIT is
the same to the database, and it matters on PostgreSQL: psycopg forgets every prepared statement
at a ROLLBACK, so without this no statement is ever prepared and PostgreSQL plans each page's
statements afresh on every request (a millisecond for a list's joins). Anything that writes
commits or rolls back itself; a request that failed, or left unsaved changes, still rolls back.
"""

from flask import Flask, request
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

READING = ("GET", "HEAD")


def init_app(app: Flask) -> None:
    @app.teardown_request
    def end_reading(error: BaseException | None) -> None:
        session = db.session()
        if error is not None or request.method not in READING or not session.in_transaction():
            return
        if session.new or session.dirty or session.deleted:
            return  # changed but never saved: left to the rollback, never written by accident
        session.expire_on_commit = False  # the session closes next: expiring what it loaded is wasted work
        try:
            session.commit()
        except SQLAlchemyError:
            session.rollback()
