"""The template for importing past audits: the columns the import reads, with an example row."""

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from auditapp.imports.past_audits import COLUMNS, GRADE_FIELDS, PEOPLE

EXAMPLE = {"month": "November 2024", "case reference": "LCS-100003", "auditor a": "lowri.lloyd@council.example.org",
           "auditor b": "rhys.davies@council.example.org", "moderator": "helen.marsh@council.example.org",
           "allocated on": "04/11/2024", "a submitted on": "15/11/2024", "b submitted on": "18/11/2024",
           "signed off on": "22/11/2024", "key issues a": "Yes", "key issues b": "Partly"}


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = "Past audits"
    sheet.append(list(COLUMNS.values()))
    sheet.append([EXAMPLE.get(name, "Requires improvement" if name.startswith("M ") else "Good") for name in COLUMNS])
    sheet.freeze_panes = "C2"
    for number, name in enumerate(COLUMNS.values(), start=1):
        sheet.column_dimensions[get_column_letter(number)].width = max(14, len(name) + 2)
    grades = DataValidation(type="list", formula1='"Outstanding,Good,Requires improvement,Inadequate"',
                            allow_blank=True)
    sheet.add_data_validation(grades)
    first, last = len(PEOPLE) + 1, len(PEOPLE) + len(GRADE_FIELDS)  # the grade columns follow the people
    grades.add(f"{get_column_letter(first)}2:{get_column_letter(last)}10000")
    notes = book.create_sheet("How to fill it in")
    for line in (
        "One row per audit done before auditapp. Nothing is imported if any row is wrong; "
        "the rows to correct are listed.",
        "Month: the month the case was audited, such as November 2024.",
        "Case reference: as in the case register (import the case list first).",
        "Auditor A, Auditor B, Moderator: each person's email address, as in People and teams.",
        "Grades: Outstanding, Good, Requires improvement or Inadequate; or O, G, RI, I; or Ofsted's numbers, "
        "1 (Outstanding) to 4 (Inadequate).",
        "Dates are optional (dd/mm/yyyy). Key issues are optional: Yes, Partly or No.",
        "Importing the same file again changes nothing: an audit is matched by its month and case.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
