"""Every list is paged: one count and one page of rows, whatever the size of the table."""

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

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


def first_pages(queries: dict[str, Select], size: int) -> dict[str, Page]:
    """The first page of each of several lists (a start page's): every count in one statement, then
    the rows of the lists that have any. Most of a person's lists are empty on most days."""
    counted = select(*(_count(query).scalar_subquery() for query in queries.values()))
    totals = db.session.execute(counted).one()
    return {name: paginate(query, size, 1, total=total) for (name, query), total in zip(queries.items(), totals)}


def paginate(query: Select, size: int, number: int | None = None, total: int | None = None) -> Page:
    """A page of the query's objects. A page past the end shows the last page, never an error.
    `total`: the number of rows, when the caller already knows it (saves counting them again)."""
    if total is None:
        total = db.session.scalar(_count(query))
    if not total:  # an empty list needs no second statement (on PostgreSQL, planning a join costs ms)
        return Page([], 1, size, 0)
    number = min(number or requested_page(), page_count(total, size))
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(items, number, size, total)
