"""Closure days: days the council is closed beyond the bank holidays (its Christmas closure),
which the QA lead adds so that no deadline falls on them and no reminder is sent on them."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from auditapp import clock, history
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import ClosureDay, User
from auditapp.permissions import can_manage, require
from auditapp.workdays import bank_holiday, forget_closure_days


@dataclass(frozen=True)
class DayOff:
    day: date
    why: str
    closure: ClosureDay | None  # None: a bank holiday


def add_closure_day(actor: User, day: date | None, reason: str) -> ClosureDay:
    require(can_manage(actor), "Only the QA lead can add a closure day")
    reason = " ".join((reason or "").split())
    if day is None:
        raise RuleError("Enter the day the council is closed as a date, like 29/12/2026", "day")
    if not reason:
        raise RuleError("Enter why the council is closed, for example Christmas closure", "reason")
    if day.weekday() >= 5:
        raise RuleError(f"{day:%A %-d %B %Y} is a weekend day: it is never a working day", "day")
    if bank_holiday(day):
        raise RuleError(f"{day:%A %-d %B %Y} is already a bank holiday ({bank_holiday(day)})", "day")
    if db.session.scalar(select(ClosureDay.id).where(ClosureDay.day == day)):
        raise RuleError(f"{day:%A %-d %B %Y} is already a closure day", "day")
    closure = ClosureDay(day=day, reason=reason[:80], added_by_id=actor.id, added_at=clock.now())
    db.session.add(closure)
    db.session.flush()
    forget_closure_days()
    record(actor, history.CLOSURE_DAY_ADDED, field=f"{day:%A %-d %B %Y}", after=closure.reason)
    return closure


def remove_closure_day(actor: User, closure: ClosureDay) -> None:
    require(can_manage(actor), "Only the QA lead can remove a closure day")
    record(actor, history.CLOSURE_DAY_REMOVED, field=f"{closure.day:%A %-d %B %Y}", before=closure.reason)
    db.session.delete(closure)
    db.session.flush()
    forget_closure_days()


def days_off_ahead(today: date, days: int = 400) -> list[DayOff]:
    """Bank holidays and closure days from today for about a year, in date order."""
    until = today + timedelta(days=days)
    closures = db.session.scalars(select(ClosureDay).where(ClosureDay.day >= today, ClosureDay.day <= until))
    found = [DayOff(c.day, c.reason, c) for c in closures]
    day = today
    while day <= until:
        name = bank_holiday(day)
        if name:
            found.append(DayOff(day, f"Bank holiday: {name}", None))
        day += timedelta(days=1)
    return sorted(found, key=lambda d: d.day)
