"""The version of the report figures: moved by every change that can alter a figure, and by nothing else.

Every change writes a history entry (history.record), and record() marks the transaction when its
entry can move a figure; the mark becomes a new random token in figure_version just before the
transaction commits, in the same commit as the change, so a reader never sees the new data under
the old token. A draft save, a moderation draft, a sign-in or a read moves nothing, so the figures
remembered for the token stay good through a working day of people saving drafts. The token is
written last, just before COMMIT, so the row is locked for the shortest time (two sign-offs at once
wait for each other only for that moment) and never before another row (no deadlock)."""

from typing import cast
from uuid import uuid4

from sqlalchemy import CursorResult, event, insert, select, update
from sqlalchemy.orm import Session

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import FigureVersion

MOVED = "figures moved"  # in Session.info: this transaction holds a change that can alter a figure
WROTE = "wrote"  # in Session.info: this transaction has flushed writes (of any kind)


def moved() -> None:
    """This transaction's changes can alter a report figure: a new version when it commits."""
    db.session.info[MOVED] = True


def moved_in_this_transaction() -> bool:
    """True when this transaction holds uncommitted changes that can alter a figure: what it would
    compute is not what anyone else sees, so it must not be remembered."""
    return bool(db.session().info.get(MOVED))


def wrote_in_this_transaction() -> bool:
    return bool(db.session().info.get(WROTE))


def current() -> str | None:
    """The figures' version now: one primary-key look-up. None on a database with no change yet."""
    return db.session.scalar(select(FigureVersion.token).where(FigureVersion.id == 1))


@event.listens_for(Session, "before_commit")
def _new_token(session: Session) -> None:
    if not session.info.pop(MOVED, False):
        return
    values = {"token": uuid4().hex, "changed_at": clock.now()}
    result = cast(CursorResult, session.execute(update(FigureVersion).where(FigureVersion.id == 1).values(**values)))
    if result.rowcount == 0:
        session.execute(insert(FigureVersion).values(id=1, **values))


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, _context: object) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(MOVED, None)
    session.info.pop(WROTE, None)
