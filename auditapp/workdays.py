"""Working days as an English council counts them: Monday to Friday, less the bank holidays and
the closure days the QA lead adds (a council's Christmas closure, say).

Bank holidays come from the `holidays` package's UK calendar for the council's nation
(BANK_HOLIDAYS_REGION: ENG for England, the default, or WLS, SCT, NIR), which computes any year,
one-off days included. Every deadline (auditors', moderation, actions' defaults, due-soon and
escalation) is counted here, so a deadline never falls on a day nobody is at work.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from auditapp.extensions import db
from auditapp.models import ClosureDay

DEFAULT_REGION = "ENG"
REGIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


@lru_cache(maxsize=4)
def _bank_holidays(region: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=region)


def _closure_days() -> frozenset[date]:
    # Read once per transaction: the list is short and changes a few times a year, and a
    # transaction that began before a change could not see it anyway.
    if not has_app_context():
        return frozenset()
    info = db.session.info
    if "closure_days" not in info:
        info["closure_days"] = frozenset(db.session.scalars(select(ClosureDay.day)))
    return info["closure_days"]


@event.listens_for(Session, "after_transaction_end")
def _forget_at_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("closure_days", None)


def forget_closure_days() -> None:
    """After a closure day is added or removed, so this transaction counts with the new list."""
    if has_app_context():
        db.session.info.pop("closure_days", None)


def region() -> str:
    configured = current_app.config.get("BANK_HOLIDAYS_REGION") if has_app_context() else None
    return configured if configured in REGIONS else DEFAULT_REGION


def bank_holiday(day: date) -> str | None:
    """The bank holiday's name, if `day` is one in the council's nation."""
    return _bank_holidays(region()).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday(day) is None and day not in _closure_days()


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`."""
    return _step_working_days(start, days, timedelta(days=1))


def working_days_before(end: date, days: int) -> date:
    """The working day `days` working days before `end`."""
    return _step_working_days(end, days, timedelta(days=-1))


def _step_working_days(day: date, days: int, step: timedelta) -> date:
    while days > 0:
        day += step
        if is_working_day(day):
            days -= 1
    return day
