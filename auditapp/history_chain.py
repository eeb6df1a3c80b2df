"""Tamper evidence for the history: every entry carries a hash of what it says, chained to the hash
of the entry before it (by id). An entry changed or removed after it was written breaks the chain
there, and `flask verify-history` says where.

The triggers already refuse changes from the application's own database role (migration 0013); the
chain is what shows a change made some other way: by the database's owner, by hand, or by a restore
of an edited backup. Appending is what the service does, so an entry added at the end proves
nothing either way: keep the newest hash that verify-history prints somewhere else to pin the end.

Entries are sealed as they are flushed. Writers of history take turns for the rest of their
transaction (PostgreSQL: an advisory lock; SQLite: its single writer, taken before the tip is read),
so the order of ids and the order of the chain are the same, even under concurrent saves. Once a
transaction holds the turn, nobody else can add an entry until it ends, so the newest hash it sealed
is the chain's tip: a later flush of the same transaction (a draft save flushes twice) chains on
from it without taking the turn or reading the tip again (two statements fewer). Only while nothing
else wrote entries: a savepoint's end, and rows sealed in bulk, forget it.

A purge does not delete entries past retention: it empties them (REMOVED) and keeps their hash, so
the chain still runs through them and nothing of what they said is kept.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction

from auditapp.models import Event

GENESIS = ""  # what the first entry is chained to
REMOVED = "Removed at the end of its retention period"

# Any constant will do, so long as it is this service's alone.
_LOCK = 7_216_940_113
# In Session.info: the newest hash this transaction sealed, with the writers' turn held.
_TIP = "history tip"


def entry_hash(previous: str, at: datetime, user_id: int | None, audit_id: int | None, review_role: str | None,
               action: str, field: str | None, before: str | None, after: str | None) -> str:
    # The same text on both databases: the time to the microsecond, ids as numbers, UTF-8.
    said = json.dumps([at.isoformat(sep=" ", timespec="microseconds"), user_id, audit_id, review_role,
                       action, field, before, after], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{said}".encode()).hexdigest()


def hash_of(previous: str, entry: Event) -> str:
    return entry_hash(previous, entry.at, entry.user_id, entry.audit_id, entry.review_role, entry.action,
                      entry.field, entry.before, entry.after)


def _newest_hash(connection: Connection) -> str:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    else:
        # A write that changes nothing: SQLite's one write lock is this transaction's from here,
        # so no other writer can add an entry between reading the tip and adding ours.
        connection.execute(text("UPDATE history_purge SET id = id WHERE 0"))
    return connection.scalar(select(Event.hash).order_by(Event.id.desc()).limit(1)) or GENESIS


@event.listens_for(Session, "before_flush")
def _seal_new_entries(session: Session, flush_context, instances) -> None:
    entries = sorted((o for o in session.new if isinstance(o, Event) and o.hash is None),
                     key=lambda o: inspect(o).insert_order or 0)  # the order their ids will be given in
    if not entries:
        return
    previous = session.info.get(_TIP)
    if previous is None:
        previous = _newest_hash(session.connection())
    for entry in entries:
        entry.hash = previous = hash_of(previous, entry)
    session.info[_TIP] = previous


@event.listens_for(Session, "after_transaction_end")
def _forget_tip(session: Session, transaction: SessionTransaction) -> None:
    # The transaction's end, or a savepoint's: one rolled back takes its entries with it (and, on
    # PostgreSQL, the turn if it was taken inside), and after one released the tip is simply read
    # again, the turn already held. Not the end of each flush's own inner transaction: a flush
    # that fails leaves the session to be rolled back, which ends the transaction.
    if transaction.nested or transaction.parent is None:
        session.info.pop(_TIP, None)


def seal_rows(session: Session, rows: list[dict]) -> list[dict]:
    """Seal history rows that are about to be inserted in bulk (one statement, in this order), as
    `_seal_new_entries` seals entries flushed one by one: the session's pending entries are flushed
    first, the writers' turn is taken (held to the end of the transaction), and each row is chained
    to the one before it from the newest entry. Insert them in this order in this transaction, so
    their ids follow the chain; an import of 6,000 past audits then writes its entries in one
    statement instead of flushing 6,000 objects."""
    session.flush()
    seal_after(chain_tip(session), rows)
    return rows


def chain_tip(session: Session) -> str:
    """The newest entry's hash, with the writers' turn taken for the rest of the transaction: for a
    writer that seals batches of rows itself (`seal_after`) and inserts them outside the session,
    with nothing pending in it. Those rows move the tip where the session cannot see, so it reads
    the tip again at its next flush."""
    session.info.pop(_TIP, None)
    return _newest_hash(session.connection())


def seal_after(previous: str, rows: list[dict]) -> str:
    """Chain `rows` (to be inserted in this order, next in this transaction) after the entry whose
    hash is `previous`; returns the last one's hash, for the next batch."""
    for row in rows:
        row["hash"] = previous = entry_hash(previous, row["at"], row.get("user_id"), row.get("audit_id"),
                                            row.get("review_role"), row["action"], row.get("field"),
                                            row.get("before"), row.get("after"))
    return previous


@dataclass
class Verified:
    entries: int = 0
    removed: int = 0
    newest_id: int | None = None
    newest_hash: str = GENESIS
    broken: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.broken


def verify(rows: Iterable[Event], limit: int = 20) -> Verified:
    """Walk the history in id order; name the first `limit` entries that do not follow from the
    ones before them (changed, or one before them removed) or carry no seal at all."""
    result = Verified()
    previous = GENESIS
    for entry in rows:
        result.entries += 1
        if entry.hash is None:
            problem = "has no seal: it was written outside the service"
        elif entry.action == REMOVED:
            result.removed += 1  # emptied by a purge: nothing left to check but its place
            problem = None
        elif entry.hash != hash_of(previous, entry):
            problem = "does not follow from the entry before it: it was changed, or one before it removed"
        else:
            problem = None
        if problem and len(result.broken) < limit:
            result.broken.append(f"Entry {entry.id} ({entry.at:%d %b %Y %H:%M} UTC, {entry.action!r}) {problem}")
        previous = entry.hash or previous
        result.newest_id, result.newest_hash = entry.id, previous
    return result


def verify_history(session: Session) -> Verified:
    rows = session.scalars(select(Event).order_by(Event.id).execution_options(yield_per=5_000))
    return verify(rows)
