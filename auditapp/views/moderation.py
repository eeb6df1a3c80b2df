from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import permissions
from ..errors import RuleError
from ..extensions import db
from ..forms import ModerationForm, ReopenForm
from ..grading import JUDGEMENTS
from ..moderation import ModerationEntry, compare, entry_from_audit, problems, reopen, save_moderation, sign_off
from . import add_field_errors, form_posted, show_rule_error

bp = Blueprint("moderation", __name__)


@bp.route("/audits/<int:audit_id>/moderate", methods=["GET", "POST"])
@login_required
def moderate(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    if audit.moderator_id != current_user.id:
        abort(403)
    if audit.signed_off_at:
        if request.method != "GET":
            abort(403)
        flash("This audit is signed off. Only the QA lead can reopen it.", "info")
        return redirect(url_for("audits.show", audit_id=audit.id))
    permissions.require(permissions.can_moderate(current_user, audit),
                        "This audit cannot be moderated until both auditors have submitted.")
    form = ModerationForm()
    if not form.is_submitted():
        _fill_form(form, entry_from_audit(audit))
    if form_posted(form):
        entry = _entry_from_form(form)
        signing = bool(form.sign_off.data)
        found = problems(audit, entry) if signing else {}
        if found:
            add_field_errors(form, found)
        else:
            try:
                (sign_off if signing else save_moderation)(current_user, audit, entry)
                db.session.commit()
            except RuleError as error:
                show_rule_error(form, error)
            else:
                if signing:
                    flash("The audit is signed off and locked", "success")
                    return redirect(url_for("audits.show", audit_id=audit.id))
                flash("Your moderation has been saved", "success")
                return redirect(url_for("moderation.moderate", audit_id=audit.id))
    return render_template("moderation/moderate.html", audit=audit, form=form,
                           comparisons=compare(audit), a=audit.review("A"), b=audit.review("B"))


def _fill_form(form: ModerationForm, entry: ModerationEntry) -> None:
    for key in JUDGEMENTS:
        form[f"{key}_grade"].data = str(entry.grades[key]) if entry.grades[key] else None
        form[f"{key}_rationale"].data = entry.rationales[key]
    form.key_issues_a.data, form.key_issues_b.data = entry.key_issues_a, entry.key_issues_b
    form.feedback_a.data, form.feedback_b.data = entry.feedback_a, entry.feedback_b


def _entry_from_form(form: ModerationForm) -> ModerationEntry:
    entry = ModerationEntry(
        key_issues_a=form.key_issues_a.data or None, key_issues_b=form.key_issues_b.data or None,
        feedback_a=form.feedback_a.data or "", feedback_b=form.feedback_b.data or "",
    )
    for key in JUDGEMENTS:
        value = form[f"{key}_grade"].data
        entry.grades[key] = int(value) if value else None
        entry.rationales[key] = form[f"{key}_rationale"].data or ""
    return entry


@bp.route("/audits/<int:audit_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen_audit(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    permissions.require(current_user.is_qa_lead, "Only the QA lead can reopen a signed-off audit.")
    if audit.signed_off_at is None:
        abort(404)
    form = ReopenForm()
    if form_posted(form):
        try:
            reopen(current_user, audit, form.reason.data)
            db.session.commit()
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash("The audit is reopened: the moderator can change it and sign it off again", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("moderation/reopen.html", audit=audit, form=form)
