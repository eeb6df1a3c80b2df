"""The printed audit record (issue 23): the audit's page as a PDF, with the protective marking at the
top and bottom of every page, the case reference and page X of Y in the footer, and a typical
audit on at most 4 A4 pages (the history a compact table at the end, or left out on request)."""

import io

from builders import PASSWORD, draft_review, month_sampled_by
from pypdf import PdfReader
from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.models import Audit, Case, Cycle, Event, User
from auditapp.permissions import SYSTEM
from auditapp.security.people import set_password


def _pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_demo_audit_prints_on_four_marked_numbered_pages_at_most(app, as_user):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    # The October audit with the longest history: as typical as the demo gets, and then some.
    audit_id = db.session.execute(
        select(Audit.id).join(Cycle, Cycle.id == Audit.cycle_id).join(Event, Event.audit_id == Audit.id)
        .where(Cycle.month == "2026-10", Audit.signed_off_at.is_not(None))
        .group_by(Audit.id).order_by(func.count(Event.id).desc())).scalars().first()
    audit = db.session.get(Audit, audit_id)
    reference = db.session.get(Case, audit.case_id).reference
    qa = db.session.scalar(select(User).where(User.email == "quinn.ashby@council.example.org"))
    set_password(SYSTEM, qa, PASSWORD)  # the tests' own password, for as_user
    db.session.commit()
    signed_in = as_user(qa)
    response = signed_in.get(f"/audits/{audit.id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    assert 1 <= len(pages) <= 4, len(pages)
    for number, text in enumerate(pages, 1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, number  # at the top and at the bottom
        assert f"Case {reference} · Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    assert "History" in whole and "Signed off" in whole and "Before After" not in whole  # the compact history
    assert "What you can do" not in whole and "Download this audit record" not in whole  # nothing to click
    without = _pages(signed_in.get(f"/audits/{audit.id}/record.pdf?history=none").data)
    assert "The history of this audit is left out of this copy" in " ".join(without) and len(without) <= len(pages)


def test_the_printed_record_keeps_blind_review(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    draft_review(audit, "A")
    db.session.commit()
    a_words = _pages(as_user(audit.auditor_a).get(f"/audits/{audit.id}/record.pdf").data)
    b_words = _pages(as_user(audit.auditor_b).get(f"/audits/{audit.id}/record.pdf").data)
    assert "Auditor A" in " ".join(b_words)
    assert len(" ".join(a_words)) > len(" ".join(b_words))  # A sees their own draft; B sees none of it
