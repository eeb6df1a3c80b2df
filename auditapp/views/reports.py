import tempfile

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from auditapp import clock, permissions, reads
from auditapp.calibration import results as calibration_results
from auditapp.exports.history import write_history
from auditapp.exports.pack_pdf import pack_pdf
from auditapp.exports.workbook import workbook_bytes
from auditapp.extensions import db
from auditapp.forms.reports import ReportFilterForm
from auditapp.forms.widgets import offered
from auditapp.grading import DOMAINS, GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.models import CASE_TYPES, Cycle, FamilyFeedback, PractitionerReply, Team
from auditapp.models.families import OUTCOMES
from auditapp.month.sampling import month_to_report, months_to_report, open_cycle_for
from auditapp.months import month_label
from auditapp.remembered import remembered
from auditapp.reports import charts
from auditapp.reports import commentary as board_words
from auditapp.reports.facts import EQUALITY
from auditapp.reports.periods import Period, period_code, period_of
from auditapp.reports.summary import PERIODS, MonthSummary, behind, cached_summary, summarise
from auditapp.security.access import allow, allow_blueprint
from auditapp.views.paging import page_of

bp = Blueprint("reports", __name__, url_prefix="/reports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


allow_blueprint(bp, permissions.can_read_reports)


def _filters() -> ReportFilterForm | None:
    """The filters from the query string; None before any month has been opened."""
    form = ReportFilterForm(request.args)
    reportable = months_to_report()
    months = [month for month, _ in reportable]
    if not months:
        return None
    form.month.choices = [(m, month_label(m)) for m in months]
    form.team.choices = [("", "All teams")] + [
        (t, t) for t in db.session.scalars(select(Team.name).order_by(Team.name))]
    form.case_type.choices = [("", "All case types")] + [(label, label) for label in CASE_TYPES.values()]
    form.period.choices = list(PERIODS.items())
    if not form.month.data:
        form.month.data = month_to_report(reportable)
    if not form.period.data:
        form.period.data = "1"
    for field in (form.month, form.team, form.case_type, form.period):
        if field.data and field.data not in offered(field):
            abort(404)
    return form


def _summary(form: ReportFilterForm, with_trend: bool) -> MonthSummary:
    span = period_of(form.period.data, form.month.data)
    # Only the dashboard (the one page with the trend) shows the first page's comparison and commentary.
    return cached_summary(form.month.data, clock.today(), form.team.data or None,
                          form.case_type.data or None, with_trend, period=span.count, kind=span.kind,
                          with_board=with_trend)


def _filtered_summary(with_trend: bool) -> tuple[ReportFilterForm, MonthSummary] | None:
    form = _filters()
    return None if form is None else (form, _summary(form, with_trend))


@bp.route("/")
def dashboard():
    form = _filters()
    if form is None:
        return render_template("reports/no_months.html", form=None)
    # The links a reader may follow differ by rights, so the remembered HTML is kept per set of them.
    may_comment = board_words.may_write(current_user, board_words.commentary_of(form.month.data))
    rights = (permissions.can_read_all_actions(current_user), permissions.can_export_all(current_user),
              permissions.reads_every_audit(current_user), permissions.can_set_targets(current_user), may_comment)
    # The figures are recalled only to render the page: a page already remembered needs neither.
    body = _rendered_once("dashboard", rights,
                          lambda: _dashboard_body(form, _summary(form, with_trend=True), may_comment))
    return render_template("reports/dashboard.html", form=None,
                           words=period_of(form.period.data, form.month.data).words, body=body)


def _rendered_once(name: str, rights: tuple, render) -> str:
    """A report's figures as HTML (the output of one of our own autoescaped templates), remembered
    until the data changes. Rendering them is most of a report page's time, and they are the same
    for every reader with the same filters and the same rights (the links only some may follow),
    so only the page around them (who is signed in) is rendered for each request."""
    key = (tuple(sorted(request.args.items(multi=True))), clock.today(), rights)
    return remembered(name, key, render)


def _dashboard_body(form: ReportFilterForm, summary: MonthSummary, may_comment: bool) -> str:
    bars, bars_height = charts.stacked_bars(summary.domains)
    return render_template(
        "reports/_dashboard.html", filters=form, summary=summary, bars=bars, bars_height=bars_height,
        line=charts.trend_line(summary.trend, targets=summary.trend_targets), judgements=JUDGEMENTS, domains=DOMAINS,
        grades=GRADES_BEST_FIRST,
        colours=charts.GRADE_COLOURS, width=charts.WIDTH, label_x=charts.LABEL_WIDTH - 10,
        equality_labels=EQUALITY, can_export_all=permissions.can_export_all(current_user),
        drills=permissions.reads_every_audit(current_user), may_comment=may_comment,
        sets_targets=permissions.can_set_targets(current_user),
        targeted=list(db.session.scalars(select(Cycle).where(
            Cycle.kind == "targeted", Cycle.type_version_id.is_(None), Cycle.cancelled_at.is_(None),
            Cycle.month == summary.month)
            .order_by(Cycle.opened_at))))


@bp.route("/audits")
def audits_behind():
    """The audits behind one headline figure, under the page's filters: listed (with links) for those
    who may open audits; others see the count only."""
    found = _filtered_summary(with_trend=False)
    which = request.args.get("which", "")
    chosen = behind(which) or _behind_follow_up(which)
    if found is None or chosen is None:
        abort(404)
    form, summary = found
    label, test = chosen
    facts = [f for f in summary.facts if test(f)]
    readable = permissions.reads_every_audit(current_user)
    if readable:
        reads.note(f"Audits behind a figure: {label}, {summary.month}")
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("reports/audits_behind.html", form=None, filters=form, summary=summary, label=label,
                           count=len(facts), page=page_of(facts if readable else [], PAGE_SIZE), args=args)


def _behind_follow_up(which: str):
    """(label, test) for the figures that live beside the audits: disputes and family outcomes."""
    if which == "disputed":
        ids = set(db.session.scalars(select(PractitionerReply.audit_id).where(PractitionerReply.disputes.is_(True))))
        return "Findings disputed by the practitioner", lambda f: f.audit_id in ids
    outcome = next((key for key, label in OUTCOMES.items() if which == f"family:{key}"), None)
    if outcome:
        ids = set(db.session.scalars(select(FamilyFeedback.audit_id).where(FamilyFeedback.outcome == outcome)))
        # Only audits both auditors have submitted are counted (family work is blind before that).
        return (f"Families: {OUTCOMES[outcome].lower()}",
                lambda f: f.audit_id in ids and f.submitted_a and f.submitted_b and not f.withdrawn)
    return None


@bp.route("/agreement")
def agreement():
    form = _filters()
    if form is None:
        return render_template("reports/no_months.html", form=None)
    body = _rendered_once("agreement", (), lambda: _agreement_body(form, _summary(form, with_trend=False)))
    return render_template("reports/agreement.html", form=None, month=form.month.data, body=body)


def _agreement_body(form: ReportFilterForm, summary: MonthSummary) -> str:
    return render_template("reports/_agreement.html", filters=form, summary=summary,
                           by_team=summary.agreement_by_team, judgements=JUDGEMENTS,
                           calibration=calibration_results.trend(form.month.data, clock.today()))


def _read_as(span: Period, month: str) -> str:
    """A download's name in the record of reads: a month's as before (the QA lead's task list reads
    "Monthly summary for 2026-11" as the pack exported), a longer period's in words."""
    return f"Monthly summary for {month}" if span.kind == "1" else f"Summary for {span.words}"


PDF_ACTIONS = 50  # the pack lists this many actions (the period's first); the workbook has every one


def pack_html(summary: MonthSummary, scope: str = "") -> str:
    """The pack's HTML for the PDF: the dashboard's partials, with no links (nobody clicks paper)."""
    bars, bars_height = charts.stacked_bars(summary.domains)
    # The period's own actions first, then those overdue from earlier months (a county has a thousand).
    f = summary.follow_up
    actions = sorted(f.actions, key=lambda a: not f.in_period(a)) if f else []
    return render_template(
        "reports/pack.html", summary=summary, scope=scope, bars=bars, bars_height=bars_height,
        line=charts.trend_line(summary.trend, targets=summary.trend_targets), judgements=JUDGEMENTS, domains=DOMAINS,
        grades=GRADES_BEST_FIRST,
        colours=charts.GRADE_COLOURS, width=charts.WIDTH, label_x=charts.LABEL_WIDTH - 10, drills=False,
        may_comment=False, sets_targets=False, actions=actions[:PDF_ACTIONS],
        more_actions=max(0, len(actions) - PDF_ACTIONS), marking=current_app.config["PROTECTIVE_MARKING"],
        as_at=clock.uk_format(clock.now(), "%-d %B %Y %H:%M"))


def _download_of(month: str) -> tuple[str | None, str | None, str]:
    """A download's team, case type and period from its link, or 404 for a month never opened or a
    filter the page never offers (as the page itself refuses them)."""
    if open_cycle_for(month) is None:
        abort(404)
    team, case_type = request.args.get("team") or None, request.args.get("case_type") or None
    kind = request.args.get("period") or "1"
    if team and not db.session.scalar(select(Team.id).where(Team.name == team)) or \
            case_type and case_type not in CASE_TYPES.values() or kind not in PERIODS:
        abort(404)
    return team, case_type, kind


def pack_bytes(summary: MonthSummary, scope: str = "") -> bytes:
    return pack_pdf(pack_html(summary, scope))


@bp.route("/<month>.pdf")
def pack(month: str):
    """The board's pack as a PDF, for the same month, period and filters as the workbook."""
    team, case_type, kind = _download_of(month)
    span = period_of(kind, month)
    scope = ", ".join(filter(None, [team, case_type]))
    content = pack_bytes(summarise(month, clock.today(), team, case_type, period=span.count, kind=span.kind), scope)
    reads.note(f"{_read_as(span, month)}{f' ({scope})' if scope else ''} (PDF pack)")
    suffix = "".join(f"-{part.lower().replace(' ', '-')}" for part in filter(None, [team, case_type]))
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="case-audit-pack-{period_code(span)}{suffix}.pdf"'})


@bp.route("/all-audits.xlsx")
@allow(permissions.can_export_all)
def all_audits():
    """The full history, for the QA lead: written to a temporary file, so memory stays flat."""
    spool = tempfile.TemporaryFile()
    write_history(spool, clock.today())
    spool.seek(0)
    reads.note("Every audit ever sampled (Excel)")
    return send_file(spool, mimetype=XLSX, as_attachment=True, download_name="case-audits-all.xlsx")


@bp.route("/<month>.xlsx")
def workbook(month: str):
    """The month's workbook (or the quarter's or year's to the month, `period`), with the page's team
    and case-type filters when it carries them."""
    team, case_type, kind = _download_of(month)
    # Calibration's sheet: the group's spread, with names only in the QA lead's full (unfiltered) export.
    span = period_of(kind, month)
    content = workbook_bytes(summarise(month, clock.today(), team, case_type, period=span.count, kind=span.kind),
                             calibration=calibration_results.closed_in_month(month, clock.today()),
                             named=permissions.can_export_all(current_user) and not (team or case_type))
    scope = ", ".join(filter(None, [team, case_type]))
    reads.note(f"{_read_as(span, month)}{f' ({scope})' if scope else ''} (Excel)")
    suffix = "".join(f"-{part.lower().replace(' ', '-')}" for part in filter(None, [team, case_type]))
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="case-audit-summary-{period_code(span)}{suffix}.xlsx"'})
