"""The month's allocation as CSV: what `draw-sample` prints and the cycle page offers to download."""

import csv
import io
from collections.abc import Iterable

from auditapp.exports.cells import csv_safe
from auditapp.models import Audit

HEADER = ["case reference", "team", "case type", "auditor A email", "auditor B email", "moderator email"]


def allocation_csv(audits: Iterable[Audit]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for audit in audits:
        writer.writerow([csv_safe(value) for value in (
            audit.case.reference, audit.case.team.name, audit.case.case_type_label,
            audit.auditor_a.email, audit.auditor_b.email, audit.moderator.email)])
    return out.getvalue()
