"""The monthly pack on paper (issue 13): the demo's month rendered by LibreOffice headless, as a
council officer printing it would, stays within a sensible number of A4 pages."""

import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from auditapp import clock
from auditapp.exports.workbook import workbook_bytes
from auditapp.reports.summary import summarise

pytestmark = pytest.mark.slow  # renders with LibreOffice: once, on SQLite


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def render(path, tmp_path) -> bytes:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    return path.with_suffix(".pdf").read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="make test installs LibreOffice")
def test_a_demo_month_prints_on_a_few_landscape_pages_the_summary_on_one(app, tmp_path):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    content = workbook_bytes(summarise("2026-10", clock.today()))
    whole = tmp_path / "month.xlsx"
    whole.write_bytes(content)
    assert pages(render(whole, tmp_path)) <= 20  # 47 portrait pages before any page set-up
    for name in load_workbook(io.BytesIO(content)).sheetnames:
        if name == "Charts":
            continue  # (a copy loses its charts; the Charts sheet is set to fit one page)
        book = load_workbook(io.BytesIO(content))
        for other in [n for n in book.sheetnames if n != name]:
            del book[other]
        single = tmp_path / f"{name.replace(' ', '-')}.xlsx"
        book.save(single)
        assert pages(render(single, tmp_path)) <= (1 if name == "Summary" else 3), name
