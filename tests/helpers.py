"""Builders shared by the tests, for a sampled month."""

from datetime import date, datetime, time

from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit, Event
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.month.sampling import draw_sample, open_cycle
from auditapp.months import month_of, month_start, months_before


def this_month() -> str:
    """The month it is today (UK time), whatever date the run is frozen at."""
    return month_of(clock.today())


def month_ago(count: int) -> str:
    """The month `count` months before this one (negative: after it)."""
    return months_before(this_month(), count)


def first_day(month: str) -> date:
    return month_start(month)


def morning_of(day: date) -> datetime:
    return datetime.combine(day, time(9))


def sample_month(actor, month: str | None = None, seed: int = 7, per_team: int = 1) -> list[Audit]:
    cycle = open_cycle(actor, month or this_month())
    audits = draw_sample(actor, cycle, seed=seed, per_team=per_team)
    db.session.commit()
    return [reload(audit) for audit in audits]


def fresh() -> None:
    """End the test's read transaction, so it sees what the requests committed since."""
    db.session.rollback()


def reload(audit: Audit) -> Audit:
    fresh()
    return db.session.get(Audit, audit.id, options=AUDIT_IN_FULL, populate_existing=True)


def events(audit: Audit) -> list[Event]:
    fresh()
    return list(db.session.scalars(select(Event).where(Event.audit_id == audit.id).order_by(Event.id)))
