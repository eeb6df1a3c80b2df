"""Themes: the QA lead's list, tagging an audit, and the audits behind a count."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from auditapp import permissions, reads
from auditapp.extensions import db
from auditapp.findings import themes
from auditapp.forms.findings import ThemeForm, ThemeTagsForm
from auditapp.framework.type_content import awaits_consent
from auditapp.models import Audit, Theme
from auditapp.models.findings import THEME_KINDS
from auditapp.models.loading import AUDIT_ROW
from auditapp.reports.periods import KINDS, period_of
from auditapp.security.access import allow
from auditapp.views import form_posted, month_or_404, saving
from auditapp.views.paging import Page, paginate

bp = Blueprint("themes", __name__)
PAGE_SIZE = 50


@bp.route("/themes", methods=["GET", "POST"])
@allow(permissions.can_manage_themes)
def index():
    form = ThemeForm()
    if form_posted(form):
        with saving(form) as save:
            theme = themes.add_theme(current_user, form.name.data or "")
        if save.saved:
            flash(f"Theme {theme.name} added", "success")
            return redirect(url_for("themes.index"))
    return render_template("themes/index.html", form=form, themes=themes.all_themes())


@bp.route("/themes/<int:theme_id>/retire", methods=["POST"])
@allow(permissions.can_manage_themes)
def retire(theme_id: int):
    theme = db.session.get(Theme, theme_id) or abort(404)
    version = request.form.get("version", "")
    with saving(None) as save:
        themes.set_retired(current_user, theme, request.form.get("retired") == "1",
                           int(version) if version.isdigit() else None)
    if save.saved:
        flash(f"{theme.name} {'retired' if theme.retired_at else 'offered again'}", "success")
    else:
        flash("This theme was changed after you opened the page: nothing was changed. Check it, then try again.",
              "info")
    return redirect(url_for("themes.index"))


@bp.route("/audits/<int:audit_id>/themes/<role>", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def tag(audit_id: int, role: str):
    audit = permissions.get_audit(audit_id, current_user)
    if role not in ("A", "B", "M") or not permissions.can_tag_themes(current_user, audit, role):
        abort(permissions.refusal_for_part(current_user, audit, role))
    if awaits_consent(audit):
        flash(themes.CONSENT_FIRST, "info")
        return redirect(url_for("audits.review", audit_id=audit.id, role=role))
    form = ThemeTagsForm()
    offered = [(str(t.id), t.name) for t in themes.active_themes()]
    form.strength.choices = form.worry.choices = offered
    if request.method == "GET":
        saved = themes.tags_of(audit, role)
        form.strength.data = [str(i) for i in saved["strength"]]
        form.worry.data = [str(i) for i in saved["worry"]]
        form.open_at(themes.tags_version(audit, role))
    if form.is_submitted() and not form.submit.data:
        # Unticking every box is a choice, made with the button; a post without it is not one.
        flash("Nothing was saved: the form arrived without its button. The themes are as last saved.", "info")
        return redirect(url_for("themes.tag", audit_id=audit.id, role=role))
    if form_posted(form):
        chosen = {kind: {int(v) for v in (getattr(form, kind).data or []) if v.isdigit()} for kind in THEME_KINDS}
        with saving(form, reload=lambda: _tags_again(audit_id, role)) as save:
            themes.save_tags(current_user, audit, role, chosen, form.opened_at()[0])
        audit = save.reloaded or audit
        if save.saved:
            flash("Themes saved", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("themes/tag.html", form=form, audit=audit, role=role)


def _tags_again(audit_id: int, role: str):
    """saving()'s reload: the audit as now saved, and this role's tags' version."""
    audit = permissions.get_audit(audit_id, current_user, reload=True)
    return audit, themes.tags_version(audit, role)


@bp.route("/reports/themes/<int:theme_id>/<kind>/<month>")
@allow(permissions.can_read_reports)
def audits_behind(theme_id: int, kind: str, month: str):
    """The signed-off audits behind one theme count; links only for those who may open audits."""
    theme = db.session.get(Theme, theme_id)
    month = month_or_404(month)
    # The dashboard's period (a quarter, the year to date, 12 months) ending with the month.
    period = request.args.get("period") or "1"
    if theme is None or kind not in THEME_KINDS or period not in KINDS:
        abort(404)
    span = period_of(period, month)
    months = span.count
    ids = themes.audits_tagged(theme_id, kind, month, months)
    # Listed for those who may open every audit (the QA lead, senior managers); others see the count.
    listed = permissions.reads_every_audit(current_user) and ids
    if listed:
        # A month as before ("2026-11"); a longer period in words, so the record says which months.
        reads.note(f"Audits behind a theme count: {theme.name} ({THEME_KINDS[kind].lower()}), "
                   f"{month if period == '1' else span.words}")
    page = paginate(select(Audit).options(*AUDIT_ROW).where(Audit.id.in_(ids)).order_by(Audit.id), PAGE_SIZE) \
        if listed else Page([], 1, PAGE_SIZE, 0)
    return render_template("themes/audits.html", theme=theme, kind=THEME_KINDS[kind], kind_key=kind, month=month,
                           period=None if period == "1" else period, words=span.words, count=len(ids), page=page)
