"""Writing to the append-only history. Every rule function that changes state calls record()."""

from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from auditapp import clock
from auditapp.extensions import db
from auditapp.history_chain import REMOVED
from auditapp.models import Action, Audit, Event, User
from auditapp.models.loading import EVENT_ROW

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


def action_field(action: Action) -> str:
    """The field of an action's entries: its id, so its history holds together when it is reworded."""
    return f"action {action.id}"


def subjects(events: list[Event]) -> dict[str, str]:
    """What the entries' fields name, in words people use: "Action: Speak with the father…" for an
    action's entries (stored by id), "" for sign-ins (the entry's own words say it all). Other
    fields are words already. One statement for the whole page of entries."""
    ids = {int(e.field[7:]) for e in events if (e.field or "").startswith("action ") and e.field[7:].isdigit()}
    found = dict(db.session.execute(select(Action.id, Action.description).where(Action.id.in_(ids))).all()) \
        if ids else {}
    names = {f"action {i}": f"Action: {_shortened(text)}" for i, text in found.items()}
    return {SIGN_IN: "", **names}


def _shortened(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def audit_history(audit: Audit) -> list[Event]:
    return list(
        db.session.scalars(select(Event).options(joinedload(Event.user))
                           .where(Event.audit_id == audit.id).order_by(Event.id))
    )


def action_history(action) -> list[Event]:
    return list(db.session.scalars(
        select(Event).options(joinedload(Event.user))
        .where(Event.audit_id == action.audit_id, Event.field == action_field(action)).order_by(Event.id)))


def recent_activity(person: int | None = None, kind: str | None = None, since: date | None = None,
                    until: date | None = None) -> Select:
    """The service-wide log, newest first, without auditors' own entries: those stay blind on the audit.
    Filtered by who, what kind of entry, and from and to UK dates (both days included)."""
    query = (select(Event).options(*EVENT_ROW).where(Event.review_role.is_(None), Event.action != REMOVED)
             .order_by(Event.id.desc()))
    if person:
        query = query.where(Event.user_id == person)
    if kind:
        query = query.where(Event.action == kind)
    if since:
        query = query.where(Event.at >= clock.start_of_uk_day(since))
    if until:
        query = query.where(Event.at < clock.start_of_uk_day(until + timedelta(days=1)))
    return query


def kinds_of_entry() -> list[str]:
    """The kinds of entry the activity log holds (not auditors' own, which it never shows), by name."""
    return list(db.session.scalars(select(Event.action).where(Event.review_role.is_(None), Event.action != REMOVED)
                                   .group_by(Event.action).order_by(Event.action)))
