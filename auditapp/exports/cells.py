"""Cells a person typed, made safe for spreadsheets (OWASP's CSV injection guidance).

A spreadsheet may run a cell that begins with = + - @ (or a tab or carriage return before one)
as a formula: a case reference, team name or comment typed that way could reach out to other
files or sites when a manager opens the export. Every CSV and workbook the service writes passes
its text through here."""

import re

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters but tab, CR and LF: no one types them, PostgreSQL refuses NUL in text and
# openpyxl the rest in a cell (IllegalCharacterError). Every form refuses them (views.form_posted),
# and exports drop any that reached the database before the forms did, so no workbook fails for one.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(value):
    return CONTROL.sub("", value) if isinstance(value, str) else value


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def csv_safe(value):
    """For CSV: a leading apostrophe, which spreadsheets read as "this is text" and hide."""
    value = printable(value)
    return "'" + value if is_risky(value) else value


def mark_as_text(cell) -> None:
    """For a workbook cell already holding the value: stored as a string (openpyxl would otherwise
    write "=..." as a formula), with Excel's quote-prefix so that editing it keeps it text."""
    cell.data_type = "s"
    if is_risky(cell.value):
        cell.quotePrefix = True


# Every CSV the service writes: UTF-8 with a byte-order mark. Excel opens a double-clicked CSV as
# Windows-1252 unless it starts with the mark, so "Siân" would read "SiÃ¢n" and "Zoë" "ZoÃ«".
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"


def excel_csv(text: str) -> bytes:
    """A CSV's text as the bytes of a file Excel opens intact."""
    return (BYTE_ORDER_MARK + text).encode("utf-8")
