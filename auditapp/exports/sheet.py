"""One worksheet of a workbook written as blocks of rows, each an Excel table with filters, every
cell neutralised (free text never a formula) and column widths kept to what the cells need."""

from collections.abc import Iterable
from datetime import date, datetime

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from auditapp.exports.cells import mark_as_text, printable
from auditapp.grading import GRADE_PALETTE

DECIMAL = "0.00"
DATE = "dd/mm/yyyy"
# One colour per grade, the same on every sheet (and as the dashboard's tags).
GRADE_FILLS = {grade.label: PatternFill("solid", fgColor=colours["tint"]) for grade, colours in GRADE_PALETTE.items()}


def write_value(cell, value) -> None:
    value = printable(value)
    cell.value = value
    # Free text is never a formula, whatever it starts with.
    if isinstance(value, str):
        mark_as_text(cell)
    elif isinstance(value, datetime | date):
        cell.number_format = DATE
    elif isinstance(value, float):
        cell.number_format = DECIMAL


class Sheet:
    """Writes blocks of rows, each as an Excel table with filters, remembering widths."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.row = 1
        self.widths: dict[int, int] = {}

    def title(self, text: str) -> None:
        self.ws.cell(self.row, 1, printable(text)).font = Font(bold=True, size=12)
        self.row += 1

    def table(self, name: str, header: list[str], rows: Iterable[list], formats: dict[int, str] | None = None,
              freeze: bool = False) -> tuple[int, int]:
        """Returns (first data row, last data row)."""
        top = self.row
        for col, text in enumerate(header, 1):
            write_value(self.ws.cell(top, col), text)
            self._fit(col, text)
        last = top
        for last, values in enumerate(rows, top + 1):
            for col, value in enumerate(values, 1):
                cell = self.ws.cell(last, col)
                write_value(cell, value)
                if formats and col in formats and value is not None:
                    cell.number_format = formats[col]
                if value in GRADE_FILLS:
                    cell.fill = GRADE_FILLS[value]
                self._fit(col, value)
        if last == top:  # a table needs a data row
            last += 1
        ref = f"A{top}:{get_column_letter(len(header))}{last}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        self.ws.add_table(table)
        if freeze:
            self.ws.freeze_panes = f"A{top + 1}"
        self.row = last + 2
        return top + 1, last

    def _fit(self, col: int, value) -> None:
        if isinstance(value, datetime | date):
            length = 10
        elif isinstance(value, float):
            length = 6
        else:
            length = len(str(value)) if value is not None else 0
        self.widths[col] = min(max(self.widths.get(col, 8), length + 2), 60)

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
