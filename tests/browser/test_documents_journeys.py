"""The quarterly report and the self-evaluation in Chromium, axe on each page (issue 26): the QA
lead finds the documents from the practice priorities, downloads the quarter's report as Word and
PDF, finds the self-evaluation refused until reviewed, reads the draft, reviews it and downloads it;
a senior manager then downloads the reviewed self-evaluation too."""

import io
import re

import docx
from builders import build_world, sampled_month, signed_off_audit
from playwright.sync_api import expect

from auditapp.extensions import db


def test_downloading_the_quarterly_report_and_the_reviewed_self_evaluation(visit, tmp_path):
    world = build_world(cases_per_team=8)
    for month, final in (("2026-10", 3), ("2026-11", 2)):
        for audit in sampled_month(month, 2):
            signed_off_audit(audit, final=final)
    db.session.commit()

    qa = visit(world.qa_lead)
    page = qa.page
    page.goto("/priorities")
    page.get_by_role("link", name="Quarterly report and self-evaluation").click()
    expect(page.get_by_role("heading", name="Quarterly report and self-evaluation")).to_be_visible()
    qa.check("Quarterly report and self-evaluation")
    quarter = "Quarter 3 of 2026-27 (October to November 2026)"
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Word document for {quarter}").click()
    assert download.value.suggested_filename == "quality-assurance-report-2026-27-Q3.docx"
    path = tmp_path / "q3.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "1. Purpose of the report" in text and quarter in text
    with page.expect_download() as download:
        page.get_by_role("link", name=f"PDF for {quarter}").click()
    assert download.value.suggested_filename == "quality-assurance-report-2026-27-Q3.pdf"

    year = "The financial year 2026-27 (April to November 2026)"
    card = page.locator(".govuk-summary-card", has_text=year)
    expect(card).to_contain_text("Not reviewed yet")
    expect(card.get_by_role("link", name=re.compile("^Word document"))).to_have_count(0)
    with page.expect_download() as download:
        card.get_by_role("link", name=f"Read the draft (Word) for {year}").click()
    assert download.value.suggested_filename == "self-evaluation-2026-27-draft.docx"
    card.get_by_role("button", name=f"I have reviewed it: allow downloads for {year}").click()
    expect(page.get_by_text("reviewed, ready to download")).to_be_visible()
    expect(card).to_contain_text(f"Reviewed by {world.qa_lead.name}")
    qa.check("Self-evaluation reviewed")

    senior = visit(world.seniors[0])
    page = senior.page
    page.goto("/documents/")
    senior.check("Documents, as a senior manager")
    expect(page.get_by_role("button", name=re.compile("reviewed it"))).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Word document for {year}").click()
    assert download.value.suggested_filename == "self-evaluation-2026-27.docx"
    content = (tmp_path / "sef.docx")
    download.value.save_as(content)
    sef = docx.Document(io.BytesIO(content.read_bytes()))
    assert sef.sections[0].header.paragraphs[0].text.startswith("OFFICIAL")
    assert "2. How do we know it?" in "\n".join(p.text for p in sef.paragraphs)
