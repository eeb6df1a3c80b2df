"""Every audit ever sampled, one row each, as a workbook: the full-history export for the QA lead.

Streams: audits are read in chunks of ids, their grades fetched per chunk, and rows written in
openpyxl's write-only mode, so memory stays flat however many years there are.
"""

from collections.abc import Iterator
from copy import copy
from datetime import date, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import aliased

from auditapp.clock import uk_day
from auditapp.exports.cells import is_risky, mark_as_text, printable
from auditapp.extensions import db
from auditapp.grading import DOMAINS, grade_words
from auditapp.models import CASE_TYPES, Audit, Case, Cycle, Team, User, status_of
from auditapp.reports.facts import Judgements

CHUNK = 2500  # rows a statement: memory stays flat, and PostgreSQL is asked 5 times for 12,000 audits, not 13
HEADER = ["Month", "Case reference", "Team", "Case type", "Auditor A", "Auditor B", "Moderator", "Status",
          *[f"{name} - {who}" for name in [*DOMAINS.values(), "Overall"] for who in ("A", "B", "Moderated")],
          "Allocated", "Auditor A submitted", "Auditor B submitted", "Moderated"]


def audit_rows(today: date) -> Iterator[list]:
    auditor_a, auditor_b, moderator = aliased(User), aliased(User), aliased(User)
    query = (
        select(Audit.id, Cycle.month, Case.reference, Team.name, Case.case_type, auditor_a.name, auditor_b.name,
               moderator.name, Audit.withdrawn_at, Audit.withdrawal_requested_at, Audit.signed_off_at,
               Audit.allocated_at, Cycle.course, Audit.consent, Audit.returned_at)
        .join(Cycle, Cycle.id == Audit.cycle_id).join(Case, Case.id == Audit.case_id)
        .join(Team, Team.id == Case.team_id).join(auditor_a, auditor_a.id == Audit.auditor_a_id)
        .join(auditor_b, auditor_b.id == Audit.auditor_b_id).join(moderator, moderator.id == Audit.moderator_id)
        .where(Cycle.cancelled_at.is_(None))
        .order_by(Audit.id)
    )
    last = 0
    while True:
        chunk = db.session.execute(query.where(Audit.id > last).limit(CHUNK)).all()
        if not chunk:
            return
        last = chunk[-1][0]
        yield from _rows(chunk)


def _rows(chunk) -> Iterator[list]:
    # The chunk's grades by a range of ids, not a list of a thousand: PostgreSQL reads a range
    # from the index at once, where a long IN list is parsed, planned and bound value by value.
    judged = Judgements.of(select(Audit.id).where(Audit.id.between(chunk[0][0], chunk[-1][0])))
    for (audit_id, month, reference, team, case_type, name_a, name_b, name_m, withdrawn, requested, signed_off,
         allocated, course, consent, returned) in chunk:
        own = judged.reviews.get(audit_id, {})
        a, b = judged.given(audit_id, "A"), judged.given(audit_id, "B")
        final = judged.final(audit_id, signed_off is not None)
        row = [month, reference, team, CASE_TYPES[case_type], name_a, name_b, name_m,
               status_of(withdrawn, requested, signed_off, len(own), len(judged.submitted(audit_id)), course, consent,
                         returned)]
        row += grade_words(a, b, final)
        row += [uk_day(m) for m in (allocated, own.get("A", (None,))[0], own.get("B", (None,))[0], signed_off)]
        yield row


def write_history(target: IO[bytes] | str, today: date) -> int:
    """Writes the workbook; returns the number of audits in it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Audits")
    sheet.freeze_panes = "C2"
    sheet.append(HEADER)
    cells = Cells(sheet)
    count = 0
    for row in audit_rows(today):
        sheet.append([cells.cell(value) for value in row])
        count += 1
    book.save(target)
    return count


class Cells:
    """Cell objects only where a value needs one: text a person typed that begins like a formula,
    and dates (plain values are written as they are; wrapping every cell would double the
    export's time). Dates copy one formatted cell's style, as openpyxl's documentation does,
    rather than looking the number format up 48,000 times."""

    def __init__(self, sheet):
        self.sheet = sheet
        dated = WriteOnlyCell(sheet, datetime(2000, 1, 1))
        dated.number_format = "dd/mm/yyyy"
        self.date_style = dated._style  # type: ignore[attr-defined]  # the copy openpyxl's docs show

    def cell(self, value):
        value = printable(value)
        if is_risky(value):
            cell = WriteOnlyCell(self.sheet, value)
            mark_as_text(cell)
            return cell
        if value is not None and hasattr(value, "year"):
            cell = WriteOnlyCell(self.sheet, value)
            cell._style = copy(self.date_style)  # type: ignore[attr-defined]
            return cell
        return value
