"""The quarterly QA report and the annual self-evaluation (issue 26): downloaded through HTTP and
written by the command line, read back with python-docx and pypdf, their figures compared with
summarise()'s for the same period; small groups suppressed; the self-evaluation anonymised and
refused until the QA lead has reviewed it (the review is in the history)."""

import io
from datetime import date

import docx
from builders import sampled_month, signed_off_audit
from pypdf import PdfReader
from sqlalchemy import select

from auditapp import clock, history
from auditapp.exports.anonymise import anonymise, ordinary_words
from auditapp.extensions import db
from auditapp.models import Audit, Case, Event, ModeratedGrade, ReadRecord, Response, Review, User
from auditapp.reports.periods import period_of
from auditapp.reports.summary import summarise
from auditapp.rounding import percent_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_text(content: bytes) -> str:
    word = docx.Document(io.BytesIO(content))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    lines.extend(p.text for p in word.sections[0].header.paragraphs)
    return "\n".join(lines)


def _pdf_pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def _quarter(world, per_team: int = 4) -> None:
    """Two months of the quarter (October, November 2026) and July, of the same part of the quarter before."""
    for case in list(world.cases):  # a case audited one month is not drawn again the next
        for suffix in ("X", "Y"):
            db.session.add(Case(reference=f"{case.reference}{suffix}", team_id=case.team_id,
                                case_type=case.case_type, manager_id=case.manager_id, open_date=case.open_date))
    db.session.commit()
    for month, grades in (("2026-07", [3, 2]), ("2026-10", [4, 3, 3, 1]), ("2026-11", [3, 3, 2, 2])):
        for i, audit in enumerate(sampled_month(month, per_team=per_team)):
            signed_off_audit(audit, final=grades[i % len(grades)])
    db.session.commit()


def _expected_figures(kind: str) -> list[str]:
    span = period_of(kind, "2026-11")
    summary = summarise(span.end, clock.today(), period=span.count, kind=span.kind)
    before = summarise(span.before.end, clock.today(), period=span.before.count, kind=span.kind,
                       with_trend=False, with_board=False)
    figures = [percent_text(row.this.share, row.this.n) for row in summary.board]
    figures += [percent_text(c.pct_good, c.n) for c in summary.domains.values()]
    figures += [percent_text(c.pct_good, c.n) for c in before.domains.values()]
    figures += [percent_text(counts["overall"].pct_good, counts["overall"].n) for counts in summary.teams.values()]
    return figures


def test_the_quarterly_report_says_the_dashboards_figures_in_word_and_pdf(world, as_user):
    _quarter(world)
    qa = as_user(world.qa_lead)
    qa.post("/reports/targets", data={"measure": "good_overall", "percent": "60", "starts": "2026-07"})
    response = qa.get("/documents/quarterly/2026-27-Q3.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert 'filename="quality-assurance-report-2026-27-Q3.docx"' in response.headers["Content-Disposition"]
    text = _docx_text(response.data)
    headings = ["1. Purpose of the report", "2. Headline figures against targets", "3. What the audits show",
                "4. Consistency of auditing", "5. Families' voices", "6. Practice priorities and their evidence",
                "7. Actions and re-audits", "8. You said, we did", "9. Commentary from the QA lead"]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings), "in the issue's order"
    assert "Quarter 3 of 2026-27 (October to November 2026)" in text
    assert "Quarter 2 of 2026-27 (July to August 2026)" in text, "last quarter's figures beside this quarter's"
    for figure in _expected_figures("quarter"):
        assert figure in text, figure
    row = next(line for line in text.splitlines() if line.startswith("Good or better overall |"))
    assert "at least 60%" in row
    assert "OFFICIAL" in text  # the protective marking in the page header

    pdf = qa.get("/documents/quarterly/2026-27-Q3.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = _pdf_pages(pdf.data)
    joined = " ".join(pages)
    for figure in _expected_figures("quarter"):
        assert figure in joined, figure
    assert all("OFFICIAL" in page for page in pages) and f"Page 1 of {len(pages)}" in pages[0]
    assert "/StructTreeRoot" in str(PdfReader(io.BytesIO(pdf.data)).trailer["/Root"]), "tagged for screen readers"
    reads = set(db.session.scalars(select(ReadRecord.what)))
    assert {"Quarterly QA report for Quarter 3 of 2026-27 (October to November 2026) (Word)",
            "Quarterly QA report for Quarter 3 of 2026-27 (October to November 2026) (PDF)"} <= reads


def test_a_team_with_fewer_than_five_audits_is_too_few_to_judge(world, as_user):
    _quarter(world, per_team=1)  # one audit per team each month: two per team in the quarter
    text = _docx_text(as_user(world.seniors[0]).get("/documents/quarterly/2026-27-Q3.docx").data)
    team_rows = [line for line in text.splitlines() if line.split(" | ")[0] in ("Assessment North", "Early Help")
                 and "Too few" in line]
    assert team_rows and all("%" not in row for row in team_rows)
    assert "Too few to judge (n=2)" in text


def test_families_words_are_quoted_only_with_consent(world, as_user):
    _quarter(world, per_team=1)
    audit_id = db.session.scalar(select(Audit.id).where(Audit.signed_off_at.is_not(None)).order_by(Audit.id))
    # Rows as stored: the second's words were kept without consent (as an older import might have).
    for words, consented in (("The worker never rang back", True), ("Nobody asked my son", False)):
        db.session.add(Response(source="family", audit_id=audit_id, you_said="Calls were not returned",
                                we_did="A call-back standard for every team", their_words=words,
                                words_consented=consented, changed_on=date(2026, 11, 10),
                                recorded_by_id=world.qa_lead.id, recorded_at=clock.now()))
    db.session.commit()
    text = _docx_text(as_user(world.qa_lead).get("/documents/quarterly/2026-27-Q3.docx").data)
    assert "2 changes made in response" in text and "A call-back standard for every team" in text
    assert "“The worker never rang back”" in text and "Nobody asked my son" not in text


def test_the_self_evaluation_is_refused_until_reviewed_then_anonymised(world, as_user, app, tmp_path):
    _quarter(world)
    # The year's first Outstanding audit: the self-evaluation's first example (best first).
    audit = db.session.get(Audit, db.session.scalar(
        select(ModeratedGrade.audit_id).where(ModeratedGrade.domain == "overall", ModeratedGrade.grade == 4)
        .order_by(ModeratedGrade.audit_id)))
    review = db.session.scalars(select(Review).where(Review.audit_id == audit.id).order_by(Review.role)).first()
    case = db.session.get(Case, audit.case_id)
    review.working_well = f"Quinn Lead and the worker, Jordan Smith, visited {case.reference} weekly."
    db.session.execute(ModeratedGrade.__table__.update().where(ModeratedGrade.audit_id == audit.id)
                       .values(rationale="Senior 1 agreed with Priya at the Child Protection conference."))
    db.session.commit()

    senior, qa = as_user(world.seniors[0]), as_user(world.qa_lead)
    refused = senior.get("/documents/self-evaluation/2026-27.docx")
    assert refused.status_code == 302 and refused.location.endswith("/documents/")
    assert "cannot be downloaded until the QA lead has reviewed it" in senior.get("/documents/").get_data(as_text=True)
    runner = app.test_cli_runner()
    output = tmp_path / "sef.docx"
    result = runner.invoke(args=["export-self-evaluation", "2026-27", "--output", str(output)])
    assert result.exit_code == 1 and "not been reviewed" in result.output and not output.exists()
    result = runner.invoke(args=["export-self-evaluation", "2026-27", "--draft", "--output", str(output)])
    assert result.exit_code == 0, result.output
    draft = docx.Document(str(output))
    assert draft.sections[0].header.paragraphs[0].text.startswith("DRAFT")
    assert draft.sections[0].footer.paragraphs[0].text.startswith("DRAFT")

    assert senior.post("/documents/self-evaluation/2026-27/review").status_code == 403, "the QA lead's only"
    assert qa.post("/documents/self-evaluation/2026-27/review").status_code == 302
    entry = db.session.scalars(select(Event).where(Event.action == history.SELF_EVALUATION_REVIEWED)).one()
    assert entry.field == "2026-27" and entry.user_id == world.qa_lead.id

    response = senior.get("/documents/self-evaluation/2026-27.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    text = _docx_text(response.data)
    assert "DRAFT" not in text
    questions = ["1. What do we know about the quality and impact of social work practice?",
                 "2. How do we know it?", "3. What are our plans to maintain or improve it?"]
    assert [text.index(q) for q in questions] == sorted(text.index(q) for q in questions)
    for figure in _expected_figures("year"):
        assert figure in text, figure
    assert "Case 1" in text and "visited Case" in text
    assert "[name] [name] and the worker, [name] [name], visited" in text
    assert "[name] 1 agreed with [name] at the Child Protection conference." in text  # "Senior 1" is a person here
    every_reference = set(db.session.scalars(select(Case.reference)))
    people = {part for name in db.session.scalars(select(User.name)) for part in name.split() if len(part) > 2}
    words = set(text.replace(",", " ").replace(".", " ").split())
    assert not every_reference & words, "no case reference"
    assert not {"Quinn", "Jordan", "Smith", "Priya"} & words
    assert not {p for p in people if p not in ("Manager", "Senior", "Lead", "Reader", "North", "Early", "Help",
                                               "Care", "Children", "Assessment")} & words
    assert "Self-evaluation for The financial year 2026-27 (April to November 2026) (Word)" in set(
        db.session.scalars(select(ReadRecord.what)))

    pdf = senior.get("/documents/self-evaluation/2026-27.pdf")
    assert pdf.status_code == 200
    joined = " ".join(_pdf_pages(pdf.data))
    assert "Quinn" not in joined and "Case 1" in joined
    for figure in _expected_figures("year"):
        assert figure in joined, figure


def test_the_command_line_writes_both_documents(world, app, tmp_path):
    _quarter(world)
    runner = app.test_cli_runner()
    q3 = tmp_path / "q3.docx"
    result = runner.invoke(args=["export-quarterly", "2026-27-Q3", "--output", str(q3)])
    assert result.exit_code == 0 and "Quarter 3 of 2026-27 (October to November 2026)" in result.output
    text = _docx_text(q3.read_bytes())
    for figure in _expected_figures("quarter"):
        assert figure in text
    pdf = tmp_path / "q3.pdf"
    assert runner.invoke(args=["export-quarterly", "2026-27-Q3", "--pdf", "--output", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert runner.invoke(args=["export-quarterly", "2026-27", "--output", str(q3)]).exit_code == 1
    assert runner.invoke(args=["export-self-evaluation", "2026-27-Q3", "--output", str(q3)]).exit_code == 1


def test_the_anonymiser_keeps_ordinary_words_and_sentence_starts():
    kept = ordinary_words() | {"assessment", "north"}
    said = anonymise("Seen by Dr Okafor at school. Mum and Assessment North agreed; auditor B and the IRO, "
                     "with CR-40123 on a Child Protection Plan in May.", {}, frozenset(), kept)
    assert said == ("Seen by [name] [name] at school. Mum and Assessment North agreed; auditor B and the IRO, "
                    "with [case] on a Child Protection Plan in May.")
    assert anonymise("Okafor was seen.", {}, frozenset({"okafor"}), kept) == "[name] was seen."
