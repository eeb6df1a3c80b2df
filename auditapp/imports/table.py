"""Find the header row in a CSV or Excel export and yield its rows, numbered as the file shows them."""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from typing import IO

import openpyxl

from auditapp.imports.columns import match_header

HEADER_SEARCH_ROWS = 10
# A county's case list is about 60,000 rows and 32 MB inside its .xlsx. Anything far beyond that is
# a mistake or a "zip bomb" (a small file that expands to gigabytes): refuse it before reading it.
MAX_ROWS = 250_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024


MAX_PROBLEMS_SHOWN = 100  # a file where every row is wrong must not print 60,000 lines


class ImportFailed(Exception):
    """Nothing was imported; `problems` lists the first bad rows and `count` how many there were."""

    def __init__(self, problems: list[str], count: int | None = None):
        super().__init__(f"{count or len(problems)} problem(s)")
        self.problems = problems[:MAX_PROBLEMS_SHOWN]
        self.count = count if count is not None else len(problems)

    @property
    def not_shown(self) -> int:
        return self.count - len(self.problems)

    def lines(self) -> list[str]:
        """The problems as a person reads them, with the count of any left out."""
        more = [f"… and {self.not_shown:,} more problems not shown"] if self.not_shown else []
        return [*self.problems, *more]


Progress = Callable[[int, int | None], None]  # (rows read so far, rows in the file if known)


@dataclass
class Row:
    number: int  # as the spreadsheet or text editor shows it
    values: dict[str, object] = field(default_factory=dict)

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split())


def normalise_header(value: object) -> str:
    """'Case  Reference ' and 'case reference' match: case and spacing are ignored."""
    return re.sub(r"\s+", " ", str(value or "")).strip().lower()


def read_table(stream: IO[bytes], filename: str, required: list[str],
               progress: Progress | None = None) -> Iterator[Row]:
    """The rows under the header, one at a time: a 60,000-row file is never held whole."""
    total, numbered = _open(stream, filename)
    top = _top(numbered)
    for index, (_, cells) in enumerate(top):  # noqa: B007 (index is the header row, read after the loop)
        headers = [normalise_header(c) for c in cells]
        if all(name in headers for name in required):
            break
    else:
        missing = ", ".join(name.capitalize() for name in required)
        raise ImportFailed(
            [f"No header row found in the first {HEADER_SEARCH_ROWS} rows: it must have the columns {missing}"]
        )
    return _rows(chain(top[index + 1:], numbered), headers, total, progress)


class NeedsColumns(Exception):
    """No row names every field auditapp needs: the likeliest header row, for the QA lead to match
    its columns to auditapp's fields (nothing is imported until they have)."""

    def __init__(self, row: int, headers: list[str], guesses: dict[str, str]):
        super().__init__(f"row {row}: columns to match")
        self.row, self.headers, self.guesses = row, headers, guesses


def read_mapped_table(stream: IO[bytes], filename: str, required: list[str], names: Mapping[str, str],
                      progress: Progress | None = None) -> Iterator[Row]:
    """As read_table, but each column is known by any of its usual names (`names`: normalised name ->
    field), and each row's values are keyed by auditapp's field. Refused before any row is read: two
    rows that both look like the header, or two columns giving one field; NeedsColumns when no row
    names every required field."""
    total, numbered = _open(stream, filename)
    top = _top(numbered)
    matches = [(number, match_header(cells, names)) for number, cells in top]
    headers = [(number, found) for number, found in matches if found.matches(required)]
    if len(headers) > 1:
        rows = " and ".join(str(number) for number, _ in headers[:2])
        raise ImportFailed([f"Rows {rows} both look like the header row (each names every column auditapp "
                            "needs): delete the one that is not the header and upload the file again"])
    if not headers:
        number, best = max(matches, key=lambda m: (len(m[1].fields), sum(bool(c) for c in m[1].cells) > 1,
                                                   -m[0]))
        guesses = {name: best.cells[index] for name, index in best.fields.items()}
        raise NeedsColumns(number, [c for c in best.cells if c], guesses)
    number, header = headers[0]
    if header.clashes:
        raise ImportFailed([f"Columns {' and '.join(repr(c) for c in columns)} both give the "
                            f"{name}: delete one or rename it, so that each comes from one column"
                            for name, columns in header.clashes.items()])
    keys = [""] * len(header.cells)
    for name, index in header.fields.items():
        keys[index] = name
    after = next(i for i, (n, _) in enumerate(top) if n == number) + 1
    return _rows(chain(top[after:], numbered), keys, total, progress)


def _open(stream: IO[bytes], filename: str) -> tuple[int | None, Iterator[tuple[int, Sequence[object]]]]:
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(stream)
    if filename.lower().endswith(".csv"):
        return _csv_rows(stream)
    raise ImportFailed(["The file must be a .xlsx or .csv file"])


def _top(numbered: Iterator[tuple[int, Sequence[object]]]) -> list[tuple[int, Sequence[object]]]:
    """The rows a header may be in; ImportFailed if the file has nothing in it at all."""
    top = list(islice(numbered, HEADER_SEARCH_ROWS))
    if not any(c is not None and str(c).strip() for _, cells in top for c in cells):
        raise ImportFailed(["The file is empty: export the list again, with its header row and rows"])
    return top


def _rows(numbered, headers: list[str], total: int | None, progress: Progress | None) -> Iterator[Row]:
    for count, (number, cells) in enumerate(numbered, 1):
        if progress and count % 1000 == 0:
            progress(number, total)
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        yield Row(number, {h: c for h, c in zip(headers, cells) if h})


def _check_expanded_size(stream: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            expanded = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFailed(
            ["The file could not be read as an Excel workbook (it is not a valid .xlsx file)"]) from error
    finally:
        stream.seek(0)
    if expanded > MAX_UNCOMPRESSED:
        raise ImportFailed([f"The file expands to {expanded / 2**20:,.0f} MB when opened, more than the "
                            f"{MAX_UNCOMPRESSED // 2**20} MB a case list needs: check it is the case-list export"])


def _too_many_rows(count: int) -> ImportFailed:
    return ImportFailed([f"The file has {count:,} rows or more, more than the {MAX_ROWS:,} a case list can have: "
                         "check it is the case-list export"])


def _xlsx_rows(stream: IO[bytes]):
    _check_expanded_size(stream)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise ImportFailed([f"The file could not be read as an Excel workbook ({error.__class__.__name__})"]) from error
    sheet = workbook.worksheets[0]
    if (sheet.max_row or 0) > MAX_ROWS:
        raise _too_many_rows(sheet.max_row)

    def rows():
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:  # the declared size can be wrong: count as we go too
                raise _too_many_rows(number)
            yield number, cells
        workbook.close()

    return sheet.max_row, rows()


def _csv_rows(stream: IO[bytes]):
    raw = stream.read()
    if b"\x00" in raw[:65536]:  # text never holds NUL: a workbook, PDF or picture renamed .csv
        raise ImportFailed(["The file is not a spreadsheet (it holds binary data, not text): "
                            "export the list as .xlsx or .csv"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as Windows-1252 unless told otherwise.
        text = raw.decode("cp1252", errors="replace")
    total = text.count("\n") + (not text.endswith("\n"))
    if total > MAX_ROWS:
        raise _too_many_rows(total)

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""))
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1

    return total, rows()


DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y",
                "%d-%b-%y")
# Systems export date-times ("2024-02-01 00:00:00", "01/02/2024 09:30"): the day is what counts.
TIME_PARTS = re.compile(r"^(.+?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$")


def parse_date(value: object) -> date:
    """A real Excel date or dd/mm/yyyy text; ValueError for anything impossible."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    timed = TIME_PARTS.match(text)
    if timed:
        text = timed.group(1)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
