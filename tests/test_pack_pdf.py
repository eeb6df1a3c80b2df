"""The board's pack as a PDF (issue 23): A4, the protective marking and "Page X of Y" on every
page, tagged for accessibility, and its figures the workbook's (read back with pypdf)."""

import io
import re

from builders import sampled_month, signed_off_audit
from openpyxl import load_workbook
from pypdf import PdfReader

from auditapp.extensions import db
from auditapp.models import Case
from auditapp.rounding import whole_percent

A4_LANDSCAPE = (842, 595)  # points


def _months(world) -> None:
    for case in list(world.cases):  # a case audited in September is not drawn again in October
        db.session.add(Case(reference=f"{case.reference}X", team_id=case.team_id, case_type=case.case_type,
                            manager_id=case.manager_id, open_date=case.open_date))
    db.session.commit()
    for month, grades in (("2026-09", [3] * 5 + [2] * 5), ("2026-10", [4] + [3] * 6 + [2] * 4 + [1])):
        for audit, grade in zip(sampled_month(month, per_team=4), grades):
            signed_off_audit(audit, final=grade)
    db.session.commit()


def _read(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_pack_is_a4_marked_numbered_tagged_and_says_the_workbooks_figures(world, as_user):
    _months(world)
    qa = as_user(world.qa_lead)
    qa.post("/reports/targets", data={"measure": "good_overall", "percent": "60", "starts": "2026-09"})
    response = qa.get("/reports/2026-10.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="case-audit-pack-2026-10.pdf"' in response.headers["Content-Disposition"]
    reader, pages = _read(response.data)
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        page = reader.pages[number - 1]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_LANDSCAPE
        assert text.count("OFFICIAL-SENSITIVE") >= 2, number  # at the top and at the bottom
        assert f"Page {number} of {len(pages)}" in text
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog  # tagged (PDF/UA-1)
    assert catalog.get("/Lang") == "en-GB"
    assert reader.metadata.title == "Case audit pack: October 2026"
    whole = " ".join(pages)
    book = load_workbook(io.BytesIO(qa.get("/reports/2026-10.xlsx").data))
    first = {}
    for row in book["Summary"].iter_rows(values_only=True):
        if row[0]:
            first.setdefault(row[0], row)
    # Each board measure: this month, last month, the change and the status, as the workbook has them.
    for name in ("Good or better overall", "Inadequate overall"):
        row = first[name]
        this = f"{whole_percent(row[1])}% (n={row[2]})"
        last = f"{whole_percent(row[3])}% (n={row[4]})"
        assert re.search(rf"{name} {re.escape(this)} {re.escape(last)} {row[5]}", whole), name
    assert "Good or better overall 58% (n=12) 50% (n=10) Up 8 points at least 60% Close" in whole
    # The domain table: every count the Domains sheet has, row by row.
    for row in book["Domains"].iter_rows(min_row=2, values_only=True):
        counts = " ".join(str(c) for c in row[1:6])
        assert f"{row[0]} {counts}" in whole, row[0]
    assert "What the audits tell us" in whole and "Agreement between auditors" in whole


def test_the_command_line_writes_the_same_pack(world, app, tmp_path):
    _months(world)
    output = tmp_path / "pack.pdf"
    result = app.test_cli_runner().invoke(args=["export-pack", "2026-10", "--output", str(output)])
    assert result.exit_code == 0, result.output
    _, pages = _read(output.read_bytes())
    assert "Moderated grades by domain: the chart's numbers" in " ".join(pages)
    result = app.test_cli_runner().invoke(args=["export-pack", "2026-27-Q3", "--output", str(output)])
    assert result.exit_code == 0 and "Quarter 3 of 2026-27 (October 2026)" in result.output
    assert app.test_cli_runner().invoke(args=["export-pack", "1999-01", "--output", str(output)]).exit_code == 1
