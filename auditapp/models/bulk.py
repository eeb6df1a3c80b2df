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

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from operator import itemgetter
from types import TracebackType
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Table, false, func, select, update

CHUNK = 2000  # rows per executemany on SQLite: the memory of one statement's parameters stays small


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of column name -> plain value: int, str, date, datetime, None; every
    dict with the same keys) into `table`, in this transaction."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        _insert_executemany(connection, table, rows)
        return
    names, columns = _columns(table, rows)
    statement = f"COPY {_into(connection.dialect, table, columns)} FROM STDIN (FORMAT BINARY)"
    # Binary: nothing for the server to parse back from text (timestamps above all).
    types = [_type_name(connection.dialect, c) for c in columns]
    values = _cells(names)
    # The connection's own driver connection: the rows are part of its transaction, all or nothing with it.
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(values(row))


def _insert_executemany(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One prepared INSERT, executed for each row as a tuple: what insert(table) with the list of
    dicts sends, without SQLAlchemy building each row's parameters again (0.4 s of CPU for the
    138,000 rows of 6,000 past audits on SQLite, about as much as SQLite's own writing). Values
    still pass through each column type's bind processor where it has one (dates and times)."""
    names, columns = _columns(table, rows)
    dialect = connection.dialect
    marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    statement = f"INSERT INTO {_into(dialect, table, columns)} VALUES ({marks})"  # nosec B608: see _into
    values = _cells(names)
    processors = [c.type.bind_processor(dialect) for c in columns]
    if any(processors):
        plain = values
        steps = list(zip(range(len(names)), processors))

        def values(row: dict[str, Any]) -> tuple[Any, ...]:
            cells = list(plain(row))
            for index, process in steps:
                if process is not None:
                    cells[index] = process(cells[index])
            return tuple(cells)
    for start in range(0, len(rows), CHUNK):
        connection.exec_driver_sql(statement, [values(row) for row in rows[start:start + CHUNK]])


def _columns(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[Column[Any]]]:
    names = list(rows[0])
    return names, [table.c[name] for name in names]  # KeyError for a column the table lacks, as insert() would


def _into(dialect: Dialect, table: Table, columns: Sequence[Column[Any]]) -> str:
    """`"table" ("column", ...)` for a statement's text. Only names from the models' own tables,
    quoted by the dialect, are written into it; every value goes as a parameter."""
    quote = dialect.identifier_preparer.quote
    return f"{quote(table.name)} ({', '.join(quote(c.name) for c in columns)})"


def _type_name(dialect: Dialect, column: Column[Any]) -> str:
    """The column's type as PostgreSQL names it, without a length: what COPY and array casts take."""
    return column.type.compile(dialect).split("(")[0].lower()


def _cells(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A row's values as a tuple, in `names` order."""
    return itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))


_NEXT_IDS = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` new ids for `table`'s rows, in increasing order, that no other transaction will use."""
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        return sorted(number for number, in connection.exec_driver_sql(
            _NEXT_IDS, (connection.dialect.identifier_preparer.quote(table.name), count)))
    # SQLite: a write that changes nothing takes its one write lock for the rest of the transaction
    # first, so no other writer can insert between reading the highest id and using the ones above it.
    connection.execute(update(table).where(false()).values(id=table.c.id))
    highest = int(connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
    return list(range(highest + 1, highest + 1 + count))


class Pipeline:
    """PostgreSQL only: rows sent to the server without waiting for it to write them, so that the
    caller can go on (reading the next rows of a file) while the server checks their foreign keys
    and builds their indexes on the other core. libpq's pipeline mode on the connection's own
    driver connection: part of its transaction, all or nothing with it.

    `send` returns once the rows are on their way (one INSERT of column arrays, unnested by the
    server: COPY cannot be pipelined); `ids` and `send_returning` wait for everything sent before
    them, and raise the first error any of it met. Leaving the block waits for the rest and raises
    likewise; use the connection through SQLAlchemy again only after it.

    Why not a writing thread (tried): it and the reader share the GIL, and each time it waited on
    the server it waited again, up to the 5 ms switch interval, for the reader to let it go: its
    batches took twice as long as when written alone, and the reader waited for them."""

    def __init__(self, connection: Connection):
        driver = connection.connection.driver_connection
        assert driver is not None and connection.dialect.name == "postgresql"
        self.driver, self.dialect = driver, connection.dialect
        self._stack = ExitStack()

    def __enter__(self) -> "Pipeline":
        self._stack.enter_context(self.driver.pipeline())
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is None:
            self._stack.close()
            return
        try:  # the error already raised says what went wrong; psycopg's "pipeline aborted" would hide it
            self._stack.close()
        except Exception:  # noqa: BLE001 (the first error is re-raised by the with statement)
            pass

    def send(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """As insert_rows, without waiting for the server."""
        if rows:
            self._insert(table, rows, ())

    def send_returning(self, table: Table, rows: Sequence[dict[str, Any]], *names: str) -> list[tuple[Any, ...]]:
        """Insert `rows` and return each one's `names` columns, in the order given (waits)."""
        if not rows:
            return []
        cursor = self._insert(table, rows, names)
        return list(cursor.fetchall())

    def execute(self, statement: str, params: Sequence[Any]) -> None:
        """One statement of the caller's own (%b placeholders), without waiting for the server."""
        self.driver.cursor().execute(statement, params)

    def ids(self, table: Table, count: int) -> list[int]:
        """As reserve_ids (waits)."""
        if count <= 0:
            return []
        cursor = self.driver.cursor()
        cursor.execute(_NEXT_IDS, (self.dialect.identifier_preparer.quote(table.name), count))
        return sorted(number for number, in cursor.fetchall())

    def _insert(self, table: Table, rows: Sequence[dict[str, Any]], returning: Sequence[str]) -> Any:
        names, columns = _columns(table, rows)
        quote = self.dialect.identifier_preparer.quote
        # Binary: nothing for the server to parse back from text (timestamps above all), and cheaper to make.
        arrays = ", ".join(f"%b::{_type_name(self.dialect, c)}[]" for c in columns)
        # WITH ORDINALITY and ORDER BY: rows inserted in the order given, as insert_rows promises.
        cells = [f"c{n}" for n in range(len(columns))]
        picked = ", ".join(f"u.{c}" for c in cells)
        statement = (f"INSERT INTO {_into(self.dialect, table, columns)} SELECT {picked} "  # nosec B608: see _into
                     f"FROM unnest({arrays}) WITH ORDINALITY AS u({', '.join(cells)}, n) ORDER BY u.n")
        if returning:
            statement += f" RETURNING {', '.join(quote(table.c[name].name) for name in returning)}"
        cursor = self.driver.cursor()  # one a statement: a cursor keeps only its last statement's result
        cursor.execute(statement, [[row[name] for row in rows] for name in names])
        return cursor
