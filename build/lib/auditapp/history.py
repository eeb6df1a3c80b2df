"""Writing to the append-only history. Every rule function that changes state calls record()."""

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from . import clock
from .extensions import db
from .history_chain import REMOVED  # importing it seals every entry as it is written
from .loading import EVENT_ROW
from .models import Audit, Event, User


# The field of every sign-in, sign-out and refused sign-in entry: the activity log shows them, and
# the version of the data (remembered.py) passes over them, since they change no figure.
SIGN_IN = "sign-in"


def record(
    user: User | None,
    action: str,
    audit: Audit | None = None,
    *,
    field: str | None = None,
    before: object = None,
    after: object = None,
    review_role: str | None = None,
) -> Event:
    entry = Event(
        at=clock.now(),
        user_id=user.id if user else None,
        audit_id=audit.id if audit else None,
        review_role=review_role,
        action=action,
        field=field,
        before=None if before in (None, "") else str(before),
        after=None if after in (None, "") else str(after),
    )
    db.session.add(entry)
    return entry


def audit_history(audit: Audit) -> list[Event]:
    return list(
        db.session.scalars(select(Event).options(joinedload(Event.user))
                           .where(Event.audit_id == audit.id).order_by(Event.id))
    )


def action_history(action) -> list[Event]:
    return list(db.session.scalars(
        select(Event).options(joinedload(Event.user))
        .where(Event.audit_id == action.audit_id, Event.field == f"action {action.id}").order_by(Event.id)))


def recent_activity() -> Select:
    """The service-wide log, newest first, without auditors' own entries: those stay blind on the audit."""
    return (select(Event).options(*EVENT_ROW).where(Event.review_role.is_(None), Event.action != REMOVED)
            .order_by(Event.id.desc()))
