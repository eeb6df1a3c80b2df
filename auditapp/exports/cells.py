"""Cells a person typed, made safe for spreadsheets (OWASP's CSV injection guidance).

A spreadsheet may run a cell that begins with = + - @ (or a tab or carriage return before one)
as a formula: a case reference, team name or comment typed that way could reach out to other
files or sites when a manager opens the export. Every CSV and workbook the service writes passes
its text through here."""

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def csv_safe(value):
    """For CSV: a leading apostrophe, which spreadsheets read as "this is text" and hide."""
    return "'" + value if is_risky(value) else value


def mark_as_text(cell) -> None:
    """For a workbook cell already holding the value: stored as a string (openpyxl would otherwise
    write "=..." as a formula), with Excel's quote-prefix so that editing it keeps it text."""
    cell.data_type = "s"
    if is_risky(cell.value):
        cell.quotePrefix = True
