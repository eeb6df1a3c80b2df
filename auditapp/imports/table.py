"""Find the header row in a CSV or Excel export and yield its rows, numbered as the file shows them."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

import openpyxl

HEADER_SEARCH_ROWS = 10


class ImportFailed(Exception):
    """Nothing was imported; `problems` lists every bad row."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


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


def read_table(stream: IO[bytes], filename: str, required: list[str]) -> list[Row]:
    if filename.lower().endswith(".xlsx"):
        numbered = _xlsx_rows(stream)
    elif filename.lower().endswith(".csv"):
        numbered = _csv_rows(stream)
    else:
        raise ImportFailed(["The file must be a .xlsx or .csv file"])
    numbered = list(numbered)

    for index, (_, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        headers = [normalise_header(c) for c in cells]
        if all(name in headers for name in required):
            break
    else:
        missing = ", ".join(name.capitalize() for name in required)
        raise ImportFailed(
            [f"No header row found in the first {HEADER_SEARCH_ROWS} rows: it must have the columns {missing}"]
        )

    rows = []
    for number, cells in numbered[index + 1 :]:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {h: c for h, c in zip(headers, cells) if h}
        rows.append(Row(number, values))
    return rows


def _xlsx_rows(stream: IO[bytes]):
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise ImportFailed([f"The file could not be read as an Excel workbook ({error.__class__.__name__})"])
    sheet = workbook.worksheets[0]
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(cells)
    workbook.close()


def _csv_rows(stream: IO[bytes]):
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as Windows-1252 unless told otherwise.
        text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value: object) -> date:
    """A real Excel date or dd/mm/yyyy text; ValueError for anything impossible."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
