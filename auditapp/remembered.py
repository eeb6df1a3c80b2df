"""Figures computed once for a version of the data, for every worker and every machine.

A figure is remembered under the version of what can change it: the report figures under
figure_version.current() (moved only by changes that can alter a figure: a draft save, a sign-in
or a read never moves it), the activity log's list of kinds under history_version() (any entry).
It is kept twice: in this process's memory (no cost at all to read again), and in a store every
worker and machine reads (the remembered_figure table, or Redis when REMEMBERED_REDIS_URL or
HUEY_REDIS_URL is set), so a figure computed by one worker is not computed again by the others.
Both are bounded by bytes, not by a count of entries, so readers rotating through many filter sets
do not push each other out. Only plain values are remembered (never ORM objects, which belong to
one request); they are pickled, and signed with the SECRET_KEY, so only what this service stored
is ever unpickled."""

import hashlib
import hmac
import logging
import pickle  # nosec B403: only values this service signed are loaded (see _load)
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar, cast

from flask import Flask, Response, after_this_request, current_app, g, has_request_context
from redis.exceptions import RedisError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from auditapp import clock, figure_version, one_at_a_time
from auditapp.extensions import db
from auditapp.history import SIGN_IN
from auditapp.models import Event, RememberedFigure

T = TypeVar("T")
log = logging.getLogger(__name__)
MAC_SIZE = 32
# A figure remembered is only saved time: a store that fails makes the page compute the figure.
STORE_ERRORS = (SQLAlchemyError, RedisError, OSError)
REDIS_PREFIX = "auditapp:remembered:"
# What a remembered value holds, by release: moved whenever a figure's meaning or shape changes (the
# follow-up and family figures over a whole period rather than its last month), so a value an older
# release stored under the same data version is never read as this release's (4: a summary's facts
# are named tuples, and its grade counts and pairs Counters).
SHAPE = 4


def history_version() -> str | None:
    """The version of the whole history, for what any entry can change (the kinds of entry).
    Sign-ins and sign-outs are passed over (the newest entries, read backwards along the primary
    key). The newest entry's time as well as its id: a restore or a purge can leave a newest entry
    with an id seen before, but never at the same moment."""
    row = db.session.execute(select(Event.id, Event.at).where(or_(Event.field.is_(None), Event.field != SIGN_IN))
                             .order_by(Event.id.desc()).limit(1)).first()
    return f"history {row[0]} {row[1].isoformat()}" if row else None


Entry = tuple[str, str, bytes]  # (key, version, signed value)
Computed = tuple[str, str, Any]  # (key, version, the value itself)


class Store(Protocol):
    def get(self, key: str, version: str) -> bytes | None: ...
    def put(self, entries: list[Entry]) -> None: ...
    def clear(self) -> None: ...


class DatabaseStore:
    """The remembered_figure table: one row per name and key, holding its newest version only, so
    a version moving replaces rows rather than adding them; the oldest go past `limit` bytes."""

    def __init__(self, limit: int, check_after: int | None = None) -> None:
        self.limit = limit
        # Adding up the table's size is a statement of its own: done once this process has written
        # a sixteenth of the limit since it last looked, not on every write.
        self.check_after = limit // 16 if check_after is None else check_after
        self.written = 0

    def get(self, key: str, version: str) -> bytes | None:
        # Read in the request's own transaction: one primary-key look-up.
        return db.session.scalar(select(RememberedFigure.value)
                                 .where(RememberedFigure.key == key, RememberedFigure.version == version))

    def put(self, entries: list[Entry]) -> None:
        if _holds_write_lock():
            return  # a second connection would wait for this transaction's lock
        upsert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        # Its own short transaction, committed at once: the figures are for everyone, whatever the
        # request that computed them does next, and that request's own transaction stays a read.
        with db.engine.begin() as connection:
            for key, version, value in entries:
                values = {"version": version, "value": value, "size": len(value), "stored_at": clock.now()}
                connection.execute(upsert(RememberedFigure).values(key=key, **values).on_conflict_do_update(
                    index_elements=[RememberedFigure.key], set_=values))
                self.written += len(value)
            if self.written >= self.check_after:
                self.written = 0
                total = int(connection.scalar(select(func.coalesce(func.sum(RememberedFigure.size), 0))) or 0)
                if total > self.limit:
                    self._trim(connection, total)

    def _trim(self, connection: Any, total: int) -> None:
        """The oldest first, until the rest fit in half the limit (so trimming is rare)."""
        gone = []
        for key, size in connection.execute(select(RememberedFigure.key, RememberedFigure.size)
                                            .order_by(RememberedFigure.stored_at)):
            if total <= self.limit // 2:
                break
            gone.append(key)
            total -= size
        connection.execute(delete(RememberedFigure).where(RememberedFigure.key.in_(gone)))

    def clear(self) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(RememberedFigure))


class RedisStore:
    """Redis beside the queue, for several machines: each version under its own key, expiring
    after a day; bound its memory with Redis's own `maxmemory` and `allkeys-lru`."""

    def __init__(self, url: str, seconds: int) -> None:
        import redis  # only when configured
        self.redis = redis.Redis.from_url(url)
        self.seconds = seconds

    @staticmethod
    def _name(key: str, version: str) -> str:
        return f"{REDIS_PREFIX}{key}:{hashlib.sha256(version.encode()).hexdigest()[:32]}"

    def get(self, key: str, version: str) -> bytes | None:
        return cast(bytes | None, self.redis.get(self._name(key, version)))

    def put(self, entries: list[Entry]) -> None:
        with self.redis.pipeline(transaction=False) as pipe:
            for key, version, value in entries:
                pipe.set(self._name(key, version), value, ex=self.seconds)
            pipe.execute()

    def clear(self) -> None:
        for name in self.redis.scan_iter(f"{REDIS_PREFIX}*"):
            self.redis.delete(name)


class Memory:
    """This process's own copy: the most recently used first to stay, up to `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.entries: OrderedDict[tuple[str, str], tuple[Any, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[bool, Any]:
        with self.lock:
            if key not in self.entries:
                return False, None
            self.entries.move_to_end(key)
            return True, self.entries[key][0]

    def put(self, key: tuple[str, str], value: Any, size: int) -> None:
        with self.lock:
            if key in self.entries:
                self.used -= self.entries.pop(key)[1]
            self.entries[key] = (value, size)
            self.used += size
            while self.used > self.limit and len(self.entries) > 1:
                self.used -= self.entries.popitem(last=False)[1][1]

    def resize(self, key: tuple[str, str], size: int) -> None:
        with self.lock:
            if key in self.entries:
                value, before = self.entries[key]
                self.entries[key] = (value, size)
                self.used += size - before
            while self.used > self.limit and len(self.entries) > 1:
                self.used -= self.entries.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = 0


_memory = Memory(64 * 1024 * 1024)


def _store() -> Store:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("remembered store")
    if store is None:
        config = app.config
        if config.get("REMEMBERED_REDIS_URL"):
            store = RedisStore(config["REMEMBERED_REDIS_URL"], config.get("REMEMBERED_SECONDS", 24 * 60 * 60))
        else:
            store = DatabaseStore(int(config.get("REMEMBERED_SHARED_MB", 256)) * 1024 * 1024)
        app.extensions["remembered store"] = store
        _memory.limit = int(config.get("REMEMBERED_LOCAL_MB", 64)) * 1024 * 1024
    return cast(Store, store)


def _mac(key: str, version: str, payload: bytes) -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"\0".join([key.encode(), version.encode(), payload]), hashlib.sha256).digest()


def _load(key: str, version: str, stored: bytes) -> tuple[bool, Any]:
    mac, payload = stored[:MAC_SIZE], stored[MAC_SIZE:]
    if not hmac.compare_digest(mac, _mac(key, version, payload)):
        log.warning("A remembered figure failed its signature check; computing it afresh")
        return False, None
    return True, pickle.loads(payload)  # nosec B301: signed by this service with its SECRET_KEY


def _version_now(version: Callable[[], str | None]) -> str:
    """The version, read once per request (or per transaction outside one): a page of several
    remembered figures pays for one look-up."""
    seen = g.setdefault("remembered versions", {}) if has_request_context() else {}
    if version not in seen:
        seen[version] = version() or "none"
    return cast(str, seen[version])


def remembered(name: str, key: Hashable, compute: Callable[[], T],
               version: Callable[[], str | None] = figure_version.current) -> T:
    """compute(), or what it gave for this version of what can change it, whoever computed it."""
    if figure_version.moved_in_this_transaction():
        # This transaction's own changes are not committed: what it computes nobody else can see.
        return compute()
    seen = _version_now(version)
    digest = hashlib.sha256(repr((str(db.engine.url), SHAPE, name, key)).encode()).hexdigest()
    found, value = _memory.get((digest, seen))
    if found:
        return cast(T, value)
    store = _store()
    found, value = _stored(store, digest, seen)
    if found:
        return cast(T, value)
    # A figure computed inside another's turn (a dashboard's summary, inside its page's figures) is
    # not what anyone waits for: those waiting read the outer figure. It is stored once the response
    # has gone, and the reader waits only for the figure others are waiting for (the 12-month
    # summary's 450 KB had been 7 ms of the first reader's 150 ms on PostgreSQL).
    nested = one_at_a_time.inside_a_turn()
    with one_at_a_time.turn(digest, _lock_folder()) as waited:
        if waited:  # another worker had the turn: what it stored, if it could
            found, value = _stored(store, digest, seen)
            if found:
                return cast(T, value)
        value = compute()
        _memory.put((digest, seen), value, 0)  # its size once pickled, below
        if has_request_context() and not nested and not _holds_write_lock():
            _put(store, [(digest, seen, value)])  # stored before the turn ends, for those waiting for it
        else:
            _share(store, (digest, seen, value))
    return value


def _holds_write_lock() -> bool:
    """True while this transaction holds SQLite's write lock (an ORM flush, or a statement like a
    feed token's last use), so a second connection writing would wait for it; and after any flush
    on either database, as the store has always taken it."""
    if figure_version.wrote_in_this_transaction():
        return True
    if db.engine.dialect.name != "sqlite":
        return False
    return bool(getattr(db.session().connection().connection.dbapi_connection, "in_transaction", False))


def _stored(store: Store, digest: str, seen: str) -> tuple[bool, Any]:
    """The figure from the shared store, kept in this process's memory too once found. After a wait,
    what another worker stored meanwhile: both databases read committed rows statement by statement."""
    try:
        stored = store.get(digest, seen)
        if stored is None:
            return False, None
        found, value = _load(digest, seen, stored)
    except (*STORE_ERRORS, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        log.warning("Could not read a remembered figure: %s", error)
        return False, None
    if found:
        _memory.put((digest, seen), value, len(stored))
    return found, value


def _lock_folder() -> str:
    return str(current_app.config.get("REMEMBERED_LOCKS") or one_at_a_time.default_folder())


def _share(store: Store, entry: Computed) -> None:
    """Into the shared store: in a request, once its response has been sent (the reader waits for
    neither the pickling, nor the write, nor on SQLite its commit), all of the request's figures in
    one transaction."""
    if not has_request_context():
        _put(store, [entry])
        return
    pending = g.get("remembered to share")
    if pending is None:
        pending = g.setdefault("remembered to share", [])
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        @after_this_request
        def when_sent(response: Response) -> Response:
            response.call_on_close(lambda: _put_for(app, store, pending))
            return response
    pending.append(entry)


def _put_for(app: Flask, store: Store, entries: list[Computed]) -> None:
    with app.app_context():
        _put(store, entries)


def _put(store: Store, computed: list[Computed]) -> None:
    entries = []
    for digest, seen, value in computed:
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            continue  # kept by this process only
        stored = _mac(digest, seen, payload) + payload
        _memory.resize((digest, seen), len(stored))
        entries.append((digest, seen, stored))
    if not entries:
        return
    try:
        store.put(entries)
    except STORE_ERRORS as error:
        log.warning("Could not share a remembered figure: %s", error)


def forget_here() -> None:
    """This process's memory only (what the shared store holds is versioned, so it cannot be stale)."""
    _memory.clear()


def forget_all() -> None:
    """For tests and the bench, which measure a page as its first reader sees it: here and in the store."""
    _memory.clear()
    _store().clear()
