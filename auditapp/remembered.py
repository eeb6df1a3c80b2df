"""Figures remembered by this process until the data changes.

Every change the service makes writes a history entry, so the newest entry's id is a version of
all the data: reading it costs one index look-up, and any change makes the next reader compute
afresh. Only plain values are remembered (never ORM objects, which belong to one request)."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import or_, select

from auditapp.extensions import db
from auditapp.history import SIGN_IN
from auditapp.models import Event

T = TypeVar("T")
SIZE = 32
_recent: OrderedDict = OrderedDict()
_lock = threading.Lock()


def data_version() -> tuple | None:
    # Sign-ins and sign-outs are in the history too, but change no figure: passing over them keeps
    # what is remembered through a morning of people signing in (the newest entries, read backwards
    # along the primary key). The newest entry's time as well as its id: a restore or a purge can
    # leave a newest entry with an id seen before, but never at the same moment.
    row = db.session.execute(select(Event.id, Event.at).where(or_(Event.field.is_(None), Event.field != SIGN_IN))
                             .order_by(Event.id.desc()).limit(1)).first()
    return tuple(row) if row else None


def remembered(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    full_key = (str(db.engine.url), data_version(), name, key)
    with _lock:
        if full_key in _recent:
            _recent.move_to_end(full_key)
            return _recent[full_key]
    value = compute()
    with _lock:
        _recent[full_key] = value
        while len(_recent) > SIZE:
            _recent.popitem(last=False)
    return value


def forget_all() -> None:
    """For tests, which empty the database (and so reuse history ids) between cases."""
    with _lock:
        _recent.clear()
