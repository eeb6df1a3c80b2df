"""Optimistic locking: a form carries the version of what it edits and the newest history entry the
person had seen. A save from a form opened at an older version is refused as a conflict (never a
silent overwrite), and the conflict lists what changed since, and who changed it, from the history."""

from typing import cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.models import Audit, Event
from auditapp.models.loading import EVENT_ROW


class Conflict(RuleError):
    """Someone saved this since the form was opened: nothing of this save was applied. The page
    lists what changed (changes_since) after rolling the refused save back."""


def history_mark(audit: Audit) -> int:
    """The newest history entry on the audit: what a form opened now has seen."""
    return db.session.execute(newest_entry_on(audit.id)).scalar_one()


def newest_entry_on(audit_id: int) -> Select:
    """The id of the audit's newest entry (0 if none): the end of its range of the (audit, id) index."""
    return select(func.coalesce(func.max(Event.id), 0)).where(Event.audit_id == audit_id)


def changes_since(audit: Audit, seen: int | None, review_role: str | None,
                  actions: set[str] | None = None) -> list[Event]:
    """History entries on the audit after `seen`: one auditor's own entries (blind review holds:
    the other auditor's never show), or the audit's shared entries limited to `actions`."""
    query = (select(Event).options(*EVENT_ROW).where(Event.audit_id == audit.id, Event.id > (seen or 0))
             .order_by(Event.id))
    if review_role:
        query = query.where(Event.review_role == review_role)
    else:
        query = query.where(Event.review_role.is_(None))
        if actions:
            query = query.where(Event.action.in_(actions))
    return list(db.session.scalars(query))


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse the save if what it edits moved on since the form was opened. Call before changing anything."""
    if expected is not None and current != expected:
        raise Conflict(f"{what} was changed after you opened this page. Nothing you typed has been lost: "
                       "it is below. Check the changes listed, then save again.")


def claim_version(record, column: str, what: str) -> None:
    """Move the record's version counter on in one conditional UPDATE, so two saves that both passed
    check_version at the same moment cannot both land: the second finds the counter moved."""
    model, current = type(record), getattr(record, column)
    # An UPDATE's result is a CursorResult, with a rowcount; Session.execute is typed for any statement.
    moved = cast(CursorResult, db.session.execute(
        update(model).where(model.id == record.id, getattr(model, column) == current)
        .values({column: current + 1}).execution_options(synchronize_session=False)))
    if moved.rowcount != 1:
        raise Conflict(f"{what} was saved by someone else at the same moment. Nothing you typed has been "
                       "lost: it is below. Check it, then save again.")
    # Keep the loaded object in step without a refresh (which would reload its relationships).
    set_committed_value(record, column, current + 1)
