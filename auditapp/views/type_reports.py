"""Reports per audit type (issue 24): the list of types, a type's summary page and its workbook."""

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select

from auditapp import clock, permissions, reads
from auditapp.exports.type_workbook import type_workbook_bytes
from auditapp.extensions import db
from auditapp.forms.type_reports import TypeFilterForm
from auditapp.forms.widgets import offered
from auditapp.grading import GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.models import CASE_TYPES, AuditType, AuditTypeVersion, Team
from auditapp.months import month_label, month_of, months_before
from auditapp.reports.periods import period_code, period_of
from auditapp.reports.type_summary import (
    TypeScope,
    TypeSummary,
    cached_type_summary,
    months_with_audits,
    number_text,
    published_versions,
)
from auditapp.security.access import allow_blueprint
from auditapp.views.paging import page_of, paginate

bp = Blueprint("type_reports", __name__, url_prefix="/reports/types")
allow_blueprint(bp, permissions.can_read_type_summaries)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIODS = {"1": "The month", "quarter": "The quarter of the financial year", "12": "The 12 months to the month",
           "year": "The financial year to date"}
TYPES_PAGE = 25
AUDITS_PAGE = 25
MOST_MONTHS = 60  # the month list goes back at most five years before the type's latest audit


def _reported() -> Select:
    """The types a summary is kept for: published at least once, not the built-in monthly audit
    (whose figures are the monthly summary's), retired ones too (their audits stay readable)."""
    published = select(AuditTypeVersion.audit_type_id).where(AuditTypeVersion.state == "published")
    return (select(AuditType).where(AuditType.built_in.is_(False), AuditType.id.in_(published))
            .order_by(AuditType.retired_at.is_not(None), AuditType.name, AuditType.id))


@bp.route("/")
def index():
    page = paginate(_reported(), TYPES_PAGE)
    return render_template("type_reports/index.html", page=page)


def _type_or_404(type_id: int) -> AuditType:
    found = db.session.scalar(_reported().where(AuditType.id == type_id))
    if found is None:
        abort(404)
    return found


def _filters(kind: AuditType) -> tuple[TypeFilterForm, TypeScope]:
    """The filters from the query string, with only what the page offers (anything else: 404)."""
    form = TypeFilterForm(request.args)
    first, last = months_with_audits(kind.id)
    this_month = month_of(clock.today())
    newest = max(last or this_month, this_month)
    oldest = max(first or newest, months_before(newest, MOST_MONTHS))
    months = [months_before(newest, back) for back in range(0, MOST_MONTHS + 1)
              if months_before(newest, back) >= oldest]
    form.month.choices = [(m, month_label(m)) for m in months]
    form.period.choices = list(PERIODS.items())
    numbers = [v.number for v in published_versions(kind.id) if v.number is not None]
    form.version.choices = [("", "Every version")] + [(str(n), f"Version {n}") for n in reversed(numbers)]
    teams = db.session.scalars(select(Team.name).order_by(Team.name))
    form.team.choices = [("", "All teams")] + [(t, t) for t in teams]
    form.case_type.choices = [("", "All case types")] + [(label, label) for label in CASE_TYPES.values()]
    form.month.data = form.month.data or (last if last and last <= newest else this_month)
    form.period.data = form.period.data or "12"
    for field in (form.month, form.period, form.version, form.team, form.case_type):
        if field.data and field.data not in offered(field):
            abort(404)
    scope = TypeScope(kind.id, period_of(form.period.data, form.month.data),
                      int(form.version.data) if form.version.data else None,
                      form.team.data or None, form.case_type.data or None)
    return form, scope


def _scope_words(scope: TypeScope, summary: TypeSummary) -> str:
    return ", ".join(filter(None, [summary.period_words, summary.version_words, scope.team or "all teams",
                                   scope.case_type or "all case types"]))


@bp.route("/<int:type_id>")
def summary(type_id: int):
    kind = _type_or_404(type_id)
    form, scope = _filters(kind)
    figures = cached_type_summary(scope, clock.today())
    readable = permissions.reads_every_audit(current_user)
    page = page_of(figures.audits if readable else [], AUDITS_PAGE)
    # Noted for every reader, as its download is: the figures of a few audits under a team's filter
    # are close to the audits themselves, and the QA lead's and senior managers' page lists them.
    listed = f", audits {page.first} to {page.last}" if page.items else ""
    reads.note(f"Summary of the type {kind.name}: {_scope_words(scope, figures)}{listed}")
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("type_reports/summary.html", kind=kind, filters=form, summary=figures, scope=scope,
                           scope_words=_scope_words(scope, figures), page=page, args=args, readable=readable,
                           judgements=JUDGEMENTS, grades=GRADES_BEST_FIRST, number_text=number_text,
                           download=_download_args(form))


def _download_args(form: TypeFilterForm) -> dict[str, str]:
    return {name: field.data for name, field in (("month", form.month), ("period", form.period),
                                                   ("version", form.version), ("team", form.team),
                                                   ("case_type", form.case_type)) if field.data}


@bp.route("/<int:type_id>.xlsx")
def workbook(type_id: int):
    kind = _type_or_404(type_id)
    form, scope = _filters(kind)
    figures = cached_type_summary(scope, clock.today())
    content = type_workbook_bytes(figures, _scope_words(scope, figures),
                                  with_text=permissions.can_read_typed_text(current_user))
    reads.note(f"Summary of the type {kind.name}: {_scope_words(scope, figures)} (Excel)")
    suffix = "".join(f"-{part.lower().replace(' ', '-')}" for part in filter(None, [scope.team, scope.case_type]))
    version = f"-version-{scope.version}" if scope.version else ""
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="audit-type-{kind.id}-{period_code(scope.period)}'
                               f'{version}{suffix}.xlsx"'})
