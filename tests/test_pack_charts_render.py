"""The workbook's charts as a board member sees them: the demo's October rendered by LibreOffice
headless, then read back as words with their boxes (poppler's pdftotext) and as a PNG to look at.
No two labels may overlap, and every value the charts label is a value in the tables."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from auditapp import clock
from auditapp.exports.workbook import workbook_bytes
from auditapp.reports.summary import summarise
from auditapp.rounding import whole_percent

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                 reason="make test installs LibreOffice and poppler-utils")]
SCREENSHOTS = Path(__file__).parent.parent / "test-output" / "screenshots"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words_by_page(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    return [[(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in WORD.findall(page)]
            for page in html.split("<page ")[1:]]


def overlapping(words: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    found = []
    for i, (x0, y0, x1, y1, text) in enumerate(words):
        for u0, v0, u1, v1, other in words[i + 1:]:
            # A sliver of shared edge (side bearings, two lines' ascenders and descenders) is not one
            # label drawn over another.
            tall = min(y1 - y0, v1 - v0)
            if min(x1, u1) - max(x0, u0) > 1 and min(y1, v1) - max(y0, v0) > tall / 4:
                found.append((text, other))
    return found


def test_the_charts_labels_never_overlap_and_say_only_values_from_the_tables(app, tmp_path):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    summary = summarise("2026-10", clock.today())
    book = tmp_path / "october.xlsx"
    book.write_bytes(workbook_bytes(summary))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=180)
    pdf = book.with_suffix(".pdf")
    pages = words_by_page(pdf)
    charts = next(i for i, words in enumerate(pages)
                  if "Moderated grades by domain, October 2026" in " ".join(w[4] for w in words))
    words = pages[charts]
    text = " ".join(w[4] for w in words)
    # The demo's year (the twelve months to October), in words, never 2026-10.
    assert "% Good or better overall, November 2025 to October 2026" in text
    assert overlapping(words) == []
    # Labels are values only: no series or category names repeated on the bars.
    assert text.count("Requires") <= 2  # the legend's "Requires improvement" (and the table title), never per bar
    counts = {str(c) for counts in summary.domains.values() for c in counts.counts.values()}
    # Rounded as the spreadsheet shows them (half up: 10 of 16 is 63%), not Python's half to even.
    percentages = {f"{whole_percent(p.pct_good['overall'])}%" for p in summary.trend
                   if p.pct_good["overall"] is not None}
    # The bar chart's axis is the row its "0" sits on; the line chart's is every quarter.
    axis_row = next(w[1] for w in words if w[4] == "0")
    footer = next(w[1] for w in words if w[4] == "Page")
    # Below the line chart's 0% are its months ("Nov 25" … "Oct 26", which a year's twelve make
    # LibreOffice wrap into words of their own): category names, not data labels.
    months_row = max(w[1] for w in words if w[4] == "0%")
    labels = [w[4] for w in words
              if re.fullmatch(r"\d{1,3}%?", w[4]) and abs(w[1] - axis_row) > 1 and w[1] < min(footer, months_row) + 2]
    quarters = {"0%", "25%", "50%", "75%", "100%"}
    assert labels and [label for label in labels if label not in counts | percentages | quarters] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(charts + 1), "-l", str(charts + 1), str(pdf),
                    str(SCREENSHOTS / "workbook-charts")], check=True, timeout=60)
