"""The one place the service asks the time, so the demo can be built in the past.

Moments are stored as naive UTC (SQLite keeps no time zone, and one convention avoids mixing);
people read them, and the service reasons about "today", in UK time (Europe/London), so an event
at 13:30 UTC on 15 June reads 14:30, and just after midnight in summer it is already tomorrow.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
_fixed: datetime | None = None


def now() -> datetime:
    """This moment, as naive UTC: what is stored."""
    return _fixed or datetime.now(UTC).replace(tzinfo=None)


def in_uk(moment: datetime) -> datetime:
    """A stored (naive UTC) moment as UK time, for people to read."""
    return moment.replace(tzinfo=UTC).astimezone(UK)


def uk_date(moment: datetime) -> date:
    """The UK date a stored moment fell on: what "submitted on" or "done on" means to people."""
    # Since 1972 UK time is UTC or an hour ahead, so only a moment in UTC's last hour of a day can
    # fall on the next UK day: the others need no time-zone look-up (the monthly figures ask this
    # about 7,000 times when computed afresh).
    if moment.hour < 23 and moment.year >= 1972:
        return moment.date()
    return in_uk(moment).date()


def uk_day(moment: datetime | None) -> date | None:
    """The UK date of a stored moment, or None: the dates in exports."""
    return uk_date(moment) if moment else None


def today() -> date:
    """Today's date in the UK."""
    return uk_date(now())


def start_of_uk_day(day: date) -> datetime:
    """The stored (naive UTC) moment a UK day begins: where a search from that day starts."""
    return datetime.combine(day, datetime.min.time(), UK).astimezone(UTC).replace(tzinfo=None)


def uk_format(moment: datetime | None, pattern: str = "%-d %B %Y at %H:%M") -> str:
    """A stored moment written in UK time (the templates' `uk` filter)."""
    return in_uk(moment).strftime(pattern) if moment else ""


def day_text(value: date | datetime | None) -> str:
    """A date, or the UK date of a stored moment, as people write it: 23 November 2026."""
    if value is None:
        return ""
    return (uk_date(value) if isinstance(value, datetime) else value).strftime("%-d %B %Y")


@contextmanager
def frozen_at(moment: datetime):
    """Stop the clock at `moment` (naive UTC)."""
    global _fixed
    previous, _fixed = _fixed, moment
    try:
        yield
    finally:
        _fixed = previous
