"""The calendar month, as the service counts it: a month is "YYYY-MM" in URLs, files and the
database, and its name ("November 2026") wherever people read it."""

import re
from datetime import date
from functools import lru_cache

from sqlalchemy import select

from auditapp.errors import RuleError
from auditapp.models import Audit, Cycle

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(text: str) -> str:
    text = (text or "").strip()
    if not _MONTH.match(text):
        raise RuleError("Enter the month as the year and month number, for example 2026-11 for November 2026", "month")
    return text


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


@lru_cache(maxsize=1024)
def month_label(month: str) -> str:
    # Cached: the report filters label every month there has been, on every report page.
    return month_start(month).strftime("%B %Y")


def span_label(first: str, last: str) -> str:
    """Months from `first` to `last` as words: "August to October 2026", "November 2025 to October 2026"."""
    if first == last:
        return month_label(last)
    if first[:4] == last[:4]:
        return f"{month_start(first):%B} to {month_label(last)}"
    return f"{month_label(first)} to {month_label(last)}"


def month_start(month: str) -> date:
    year, number = map(int, month.split("-"))
    return date(year, number, 1)


def months_before(month: str, count: int) -> str:
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def in_live_cycle():
    """The audit's month was not cancelled: only such audits are anyone's work or in any figure.
    Said as "not in the (few) cancelled cycles", so the database can still pick the audit index
    that suits each list rather than walking every cycle's audits."""
    return Audit.cycle_id.not_in(select(Cycle.id).where(Cycle.cancelled_at.is_not(None)))
