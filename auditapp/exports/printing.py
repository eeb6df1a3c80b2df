"""Workbooks that print: every sheet A4 landscape, one page wide, its heading row (and the case
reference on wide sheets) repeated on each page, a header and footer with the protective marking,
the month, when the data was read and the page number; the charts on a page of their own; and the
file's title, author and subject set."""

from datetime import datetime

from flask import current_app
from openpyxl import Workbook

from auditapp import clock

WIDE_SHEETS = {"Audits", "Family feedback", "Actions"}  # the case reference repeats on each page
ONE_PAGE = {"Summary", "Charts"}  # read at a glance: scaled to fit one page


def set_up_printing(book: Workbook, title: str, as_at: datetime) -> None:
    marking = current_app.config["PROTECTIVE_MARKING"]
    book.properties.title = title
    book.properties.creator = "Case audit (children's services)"
    book.properties.subject = f"{marking}: case audit summary"
    book.properties.keywords = marking
    for ws in book.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        # openpyxl makes a sheet with each of these parts; its types allow None as they may be unset.
        assert ws.sheet_properties.pageSetUpPr is not None
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if ws.title in ONE_PAGE else 0
        heading = _heading_row(ws)
        if heading:
            ws.print_title_rows = f"{heading}:{heading}"
        if ws.title in WIDE_SHEETS:
            ws.print_title_cols = "A:A"
        for part in (ws.oddHeader, ws.evenHeader):
            assert part is not None
            part.center.text = marking
        for part in (ws.oddFooter, ws.evenFooter):
            assert part is not None
            part.left.text = marking
            part.center.text = "Page &P of &N"
            part.right.text = f"{title} · data as at {clock.uk_format(as_at, '%-d %B %Y %H:%M')}"


def _heading_row(ws) -> int | None:
    """The first table's heading row: the row above the frozen panes, or the first table's top."""
    if ws.freeze_panes:
        return max(1, ws[ws.freeze_panes].row - 1)
    tables = list(ws.tables.values())
    return int("".join(c for c in tables[0].ref.split(":")[0] if c.isdigit())) if tables else None
