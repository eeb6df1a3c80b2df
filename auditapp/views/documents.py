"""The quarterly QA report and the annual self-evaluation (issue 26): one page of downloads, for
the QA lead and senior managers, and the QA lead's review of each year's self-evaluation."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from auditapp import clock, permissions, reads
from auditapp.exports.documents import docx_bytes, pdf_bytes
from auditapp.exports.quarterly import quarterly_document
from auditapp.exports.self_evaluation import self_evaluation_document
from auditapp.learning.review import mark_reviewed, reviewed
from auditapp.month.sampling import months_to_report
from auditapp.reports.periods import Period, parse_period, period_code, period_of
from auditapp.security.access import allow, allow_blueprint
from auditapp.views import saving

bp = Blueprint("documents", __name__, url_prefix="/documents")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

allow_blueprint(bp, permissions.can_download_learning_documents)


def _periods(kind: str) -> dict[str, Period]:
    """Each quarter (or financial year) with a month opened in it, newest first, by its code: the
    only ones offered, so a code in a URL is looked up here and never parsed from what was typed."""
    months = [month for month, _ in months_to_report()]
    found: dict[str, Period] = {}
    for month in months:
        code = period_code(period_of(kind, month))
        if code not in found:
            found[code] = parse_period(code, months[0])  # to date: it ends with the newest month opened
    return found


def _span(code: str, kind: str) -> Period:
    span = _periods(kind).get(code)
    if span is None:
        abort(404)
    return span


def _download(content: bytes, mimetype: str, name: str) -> Response:
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/")
def index():
    years = _periods("year")
    return render_template("documents/index.html", quarters=_periods("quarter"), years=years,
                           reviews={code: reviewed(code) for code in years},
                           may_review=permissions.can_review_self_evaluation(current_user))


@bp.route("/quarterly/<code>.docx")
def quarterly_docx(code: str):
    span = _span(code, "quarter")
    document = quarterly_document(span, clock.today(), current_app.config["PROTECTIVE_MARKING"])
    reads.note(f"Quarterly QA report for {span.words} (Word)")
    return _download(docx_bytes(document), DOCX, f"quality-assurance-report-{code}.docx")


@bp.route("/quarterly/<code>.pdf")
def quarterly_pdf(code: str):
    span = _span(code, "quarter")
    document = quarterly_document(span, clock.today(), current_app.config["PROTECTIVE_MARKING"])
    reads.note(f"Quarterly QA report for {span.words} (PDF)")
    return _download(pdf_bytes(document), "application/pdf", f"quality-assurance-report-{code}.pdf")


def _self_evaluation(code: str, as_pdf: bool):
    span = _span(code, "year")
    if reviewed(code) is None:
        # Refused until the QA lead has read the anonymised examples: back to the page that says so.
        flash(f"The self-evaluation for {code} cannot be downloaded until the QA lead has reviewed it", "error")
        return redirect(url_for("documents.index"))
    document = self_evaluation_document(span, clock.today(), current_app.config["PROTECTIVE_MARKING"])
    reads.note(f"Self-evaluation for {span.words} ({'PDF' if as_pdf else 'Word'})")
    if as_pdf:
        return _download(pdf_bytes(document), "application/pdf", f"self-evaluation-{code}.pdf")
    return _download(docx_bytes(document), DOCX, f"self-evaluation-{code}.docx")


@bp.route("/self-evaluation/<code>.docx")
def self_evaluation_docx(code: str):
    return _self_evaluation(code, as_pdf=False)


@bp.route("/self-evaluation/<code>.pdf")
def self_evaluation_pdf(code: str):
    return _self_evaluation(code, as_pdf=True)


@bp.route("/self-evaluation/<code>/draft.docx")
@allow(permissions.can_review_self_evaluation)
def self_evaluation_draft(code: str):
    """What the QA lead reads before reviewing: the same document, DRAFT on every page."""
    span = _span(code, "year")
    document = self_evaluation_document(span, clock.today(), current_app.config["PROTECTIVE_MARKING"], draft=True)
    reads.note(f"Self-evaluation for {span.words} (Word, draft for review)")
    return _download(docx_bytes(document), DOCX, f"self-evaluation-{code}-draft.docx")


@bp.route("/self-evaluation/<code>/review", methods=["POST"])
@allow(permissions.can_review_self_evaluation)
def review(code: str):
    span = _span(code, "year")
    with saving(None):
        mark_reviewed(current_user, code)
    flash(f"Self-evaluation for {span.words}: reviewed, ready to download", "success")
    return redirect(url_for("documents.index"))
