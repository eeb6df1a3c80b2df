"""The QA lead's review of a year's self-evaluation before it may be downloaded (issue 26): its
anonymised examples quote auditors' and moderators' own words, so a person reads them first. The
review is an entry in the history (append-only, hash-chained) with the year as its field: no table
of its own, and the history already says who did it and when."""

from datetime import datetime

from sqlalchemy import select

from auditapp import history
from auditapp.extensions import db
from auditapp.models import Event, User
from auditapp.permissions import Actor, can_review_self_evaluation, require


def reviewed(year: str) -> tuple[str, datetime] | None:
    """Who reviewed the year's self-evaluation, and when (the latest review); None if nobody has."""
    row = db.session.execute(
        select(User.name, Event.at).outerjoin(User, User.id == Event.user_id)
        .where(Event.action == history.SELF_EVALUATION_REVIEWED, Event.field == year)
        .order_by(Event.id.desc()).limit(1)).first()
    return (row[0] or "The system", row[1]) if row else None


def mark_reviewed(actor: Actor, year: str) -> None:
    require(can_review_self_evaluation(actor), "Only the QA lead reviews the self-evaluation")
    history.record(actor, history.SELF_EVALUATION_REVIEWED, field=year, after="Reviewed")
