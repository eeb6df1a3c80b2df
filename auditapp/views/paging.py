"""Every list is paged: one count and one page of rows, whatever the size of the table."""

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, inspect, select

from auditapp.extensions import db


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def first(self) -> int:
        """The position of the first row shown, counting from 1 (0 when there are none)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def requested_page() -> int:
    """The ?page= number; anything that is not a positive whole number means the first page."""
    text = request.args.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 10 and int(text) > 0 else 1


def page_of(items: list, size: int) -> Page:
    """A page of a list already computed (the figures behind a count, remembered in memory)."""
    if not items:
        return Page([], 1, size, 0)
    number = min(requested_page(), page_count(len(items), size))
    return Page(items[(number - 1) * size:number * size], number, size, len(items))


def _count(query: Select) -> Select:
    return select(func.count()).select_from(query.order_by(None).subquery())


def counts_of(queries: dict[str, Select]) -> Select:
    """Every list's count in one statement (`first_pages`'s)."""
    return select(*(_count(query).scalar_subquery() for query in queries.values()))


def first_pages(queries: dict[str, Select], size: int, counted: Select | None = None) -> dict[str, Page]:
    """The first page of each of several lists (a start page's): every count in one statement, then
    the rows of the lists that have any. Most of a person's lists are empty on most days.
    `counted`: `counts_of(queries)`, when the caller keeps it from an earlier request."""
    totals = db.session.execute(counts_of(queries) if counted is None else counted).one()
    return {name: paginate(query, size, 1, total=total) for (name, query), total in zip(queries.items(), totals)}


def paginate(query: Select, size: int, number: int | None = None, total: int | None = None,
             ids_first: bool = False, reverse: Select | None = None, counted: Select | None = None) -> Page:
    """A page of the query's objects. A page past the end shows the last page, never an error.
    `total`: the number of rows, when the caller already knows it (saves counting them again).
    `ids_first`: the first page's ids first too, for a long list whose rows are loaded with joins
    (All actions, the case register): its filters and order then use the list's own indexes and
    only one page of rows is joined, where sorting every joined row cost up to 100 ms.
    `reverse`: the same query in exactly the opposite order (`SortableTable.reverse`): a page in the
    second half of the list is then read from the end, so the last page costs what the first does
    and no page skips more than half the list.
    `counted`: the same rows without what only sorts them (a join to the owner's name), to count
    them without that join (5 ms for All actions on SQLite)."""
    if total is None:
        total = db.session.scalar(_count(query if counted is None else counted))
    if not total:  # an empty list needs no second statement (on PostgreSQL, planning a join costs ms)
        return Page([], 1, size, 0)
    asked = number or requested_page()
    number = min(asked, page_count(total, size))
    # Whether the ids come first follows from the page asked for, never from how many rows there
    # are: a page's statements are the same whatever the size of the data.
    offset = (number - 1) * size
    after = total - offset - size  # rows after the page (negative on a last page that is not full)
    if reverse is not None and after < offset:
        # From the end: the rows after the page skipped, the page's rows read backwards, then turned.
        found = _rows(reverse, min(size, total - offset), max(after, 0), ids_first=True)
        return Page(found[::-1], number, size, total)
    return Page(_rows(query, size, offset, ids_first=ids_first or asked > 1), number, size, total)


def _rows(query: Select, size: int, offset: int, ids_first: bool) -> list[Any]:
    """One page of the query's objects. Past the first page, the ids first: OFFSET still walks the
    rows before the page, but only the list's own table and what its filters and order need, not
    the joins that load each row (nine tables for All actions); then those joins for one page's
    ids. The last page of a long list then costs about what the first does."""
    entity = query.column_descriptions[0].get("entity") if len(query.column_descriptions) == 1 else None
    if not ids_first or entity is None:
        return list(db.session.scalars(query.limit(size).offset(offset)))
    mapper = inspect(entity)
    key = mapper.primary_key[0]
    name = mapper.get_property_by_column(key).key
    ids = list(db.session.scalars(query.with_only_columns(key, maintain_column_froms=True).limit(size).offset(offset)))
    if not ids:
        return []
    found = {getattr(row, name): row for row in db.session.scalars(query.order_by(None).where(key.in_(ids)))}
    return [found[i] for i in ids if i in found]


@dataclass
class LogPage:
    """A page of a log read newest first, found by where it starts rather than by its number, so
    the thousandth page costs what the first does (no OFFSET counting past every row before it)."""
    items: list[Any]
    newer: int | None  # ?after= for the page of newer entries, if any
    older: int | None  # ?before= for the page of older entries, if any


def _id_arg(name: str) -> int | None:
    text = request.args.get(name, "")
    return int(text) if text.isdigit() and len(text) < 19 else None


def newest_first(query: Select, key: Any, size: int) -> LogPage:
    """A page of `query` (ordered by `key`, a unique id, newest first) before ?before= or after
    ?after= the ids of the page it was reached from: a look-up along the key, then `size` rows."""
    before, after = _id_arg("before"), _id_arg("after")
    if after is not None and before is None:
        rows = list(db.session.scalars(query.where(key > after).order_by(None).order_by(key).limit(size + 1)))
        more_newer, rows = len(rows) > size, rows[:size][::-1]
        if not rows:  # nothing newer any more: the newest page
            return newest_first_page(query, key, size)
        return LogPage(rows, _key_of(rows[0], key) if more_newer else None, _key_of(rows[-1], key))
    if before is not None:
        query = query.where(key < before)
    rows = list(db.session.scalars(query.limit(size + 1)))
    newer = _key_of(rows[0], key) if before is not None and rows else None
    return LogPage(rows[:size], newer, _key_of(rows[size - 1], key) if len(rows) > size else None)


def newest_first_page(query: Select, key: Any, size: int) -> LogPage:
    rows = list(db.session.scalars(query.limit(size + 1)))
    return LogPage(rows[:size], None, _key_of(rows[size - 1], key) if len(rows) > size else None)


def _key_of(row: Any, key: Any) -> int:
    return int(getattr(row, key.key))
