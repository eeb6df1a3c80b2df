"""The one place the service asks the time, so the demo can be built in the past."""

from contextlib import contextmanager
from datetime import date, datetime, timezone

_fixed: datetime | None = None


def now() -> datetime:
    # Naive UTC throughout: SQLite keeps no time zone, and one convention avoids mixing.
    return _fixed or datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    return now().date()


@contextmanager
def frozen_at(moment: datetime):
    global _fixed
    previous, _fixed = _fixed, moment
    try:
        yield
    finally:
        _fixed = previous
