"""Rows written in bulk, in the order given, by functions that both databases serve.

On PostgreSQL an executemany is still one INSERT executed per row on the server (psycopg 3
pipelines them, but the server parses, plans and runs each): importing 6,000 past audits wrote
138,000 rows that way, 2.5 s of statements on the large county. COPY sends the same rows as one
stream, which the server loads in about a third of that, and it still checks every constraint
and runs every row trigger (the history's BEFORE INSERT checks included). SQLite has no COPY and
its executemany is already cheap (one prepared statement, no round trips), so it keeps that.

Rows go in in the order given and each takes its id from the table's sequence as it is loaded,
unless given one, so ids follow the order of the list (as the history chain's sealing needs).
Nothing is returned: give rows ids from `reserve_ids` when later rows refer to them.
"""

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, false, func, insert, select, text, update

CHUNK = 2000  # rows per executemany on SQLite: the memory of one statement's parameters stays small


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of column name -> plain value: int, str, date, datetime, None; every
    dict with the same keys) into `table`, in this transaction."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(table), rows[start:start + CHUNK])
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]  # KeyError for a column the table does not have, as insert() would
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN (FORMAT BINARY)"
    # Binary: nothing for the server to parse back from text (timestamps above all).
    types = [c.type.compile(connection.dialect).split("(")[0].lower() for c in columns]
    values = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    # The connection's own driver connection: the rows are part of its transaction, all or nothing with it.
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(values(row))


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` new ids for `table`'s rows, in increasing order, that no other transaction will use."""
    if count <= 0:
        return []
    name = connection.dialect.identifier_preparer.quote(table.name)
    if connection.dialect.name == "postgresql":
        return sorted(connection.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": name, "count": count}))
    # SQLite: a write that changes nothing takes its one write lock for the rest of the transaction
    # first, so no other writer can insert between reading the highest id and using the ones above it.
    connection.execute(update(table).where(false()).values(id=table.c.id))
    highest = int(connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
    return list(range(highest + 1, highest + 1 + count))
