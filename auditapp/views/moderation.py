from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditapp import permissions
from auditapp.audits import families
from auditapp.audits.moderation import (
    MODERATION_ACTIONS,
    ModerationEntry,
    StillNeeded,
    compare,
    entry_from_audit,
    moderated_against,
    reopen,
    save_for_sign_off,
    save_moderation,
)
from auditapp.conflicts import history_mark
from auditapp.findings import actions
from auditapp.forms.audits import ModerationForm, ReopenForm
from auditapp.forms.widgets import descriptor_lists
from auditapp.framework import descriptors as descriptor_versions
from auditapp.grading import JUDGEMENTS
from auditapp.security.access import allow
from auditapp.views import add_field_errors, audit_reload, form_posted, posted, posted_any, saving

bp = Blueprint("moderation", __name__)


@bp.route("/audits/<int:audit_id>/moderate", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def moderate(audit_id: int):
    audit = permissions.get_audit_to_moderate(audit_id, current_user)
    if audit.signed_off_at:
        if request.method != "GET":
            abort(403)
        flash("This audit is signed off. Only the QA lead can reopen it.", "info")
        return redirect(url_for("audits.show", audit_id=audit.id))
    if audit.cycle.course == "single with review":  # one auditor: the senior manager reviews, not moderates
        return redirect(url_for("single.review", audit_id=audit.id), 303 if request.method == "POST" else 302)
    permissions.require(permissions.can_moderate(current_user, audit),
                        "This audit cannot be moderated until both auditors have submitted.")
    form = ModerationForm()
    if not form.is_submitted():
        _fill_form(form, entry_from_audit(audit))
        form.open_at(audit.moderation_version, history_mark(audit))
    changes = None
    if form_posted(form):
        if not posted_any(form):
            flash("Nothing was saved: the form arrived without any answers. The moderation is as last saved.",
                  "info")
            return redirect(url_for("moderation.moderate", audit_id=audit.id))
        entry = _entry_from_form(form, entry_from_audit(audit))
        checking = bool(form.check.data)
        signing = bool(form.sign_off.data) or checking
        version = form.opened_at()[0]
        reload = audit_reload(form, audit_id, lambda a: a.moderation_version, actions=MODERATION_ACTIONS)
        needed = StillNeeded()
        with saving(form, reload=reload) as save:
            if signing:
                # Checking saves and then shows the check page, whose one step signs off.
                needed = save_for_sign_off(current_user, audit, entry, version, sign=not checking)
            else:
                save_moderation(current_user, audit, entry, version)
        audit, changes = save.reloaded or (audit, changes)
        if save.saved and needed:
            # A refused sign-off keeps everything typed, on the page and as a saved draft, so going
            # off to confirm an action or answer a concern loses nothing.
            form.open_at(audit.moderation_version)
            add_field_errors(form, needed.answers)
            form.form_errors.extend(needed.elsewhere)
            flash("Your moderation is saved as a draft. It is not signed off yet: see what is still needed.", "info")
        elif save.saved:
            if checking:
                return redirect(url_for("checks.sign_off_check", audit_id=audit.id))
            if signing:
                flash("The audit is signed off and locked", "success")
                return redirect(url_for("audits.show", audit_id=audit.id))
            flash("Your moderation has been saved", "success")
            return redirect(url_for("moderation.moderate", audit_id=audit.id))
    return render_template("moderation/moderate.html", audit=audit, form=form, changes=changes,
                           comparisons=compare(audit), a=audit.review("A"), b=audit.review("B"),
                           to_decide=actions.proposals_on(audit),
                           family=families.shown_to(current_user, audit),
                           descriptors=descriptor_versions.graded_against(moderated_against(audit)).descriptors,
                           descriptor_lists=descriptor_lists)


def _fill_form(form: ModerationForm, entry: ModerationEntry) -> None:
    for key in JUDGEMENTS:
        form[f"{key}_grade"].data = str(entry.grades[key]) if entry.grades[key] else None
        form[f"{key}_rationale"].data = entry.rationales[key]
    form.key_issues_a.data, form.key_issues_b.data = entry.key_issues_a, entry.key_issues_b
    form.feedback_a.data, form.feedback_b.data = entry.feedback_a, entry.feedback_b


def _entry_from_form(form: ModerationForm, saved: ModerationEntry) -> ModerationEntry:
    """The saved moderation with each posted answer over it: a field missing from the post keeps its value."""

    def value(name: str, before, convert=lambda v: v or ""):
        return convert(form[name].data) if posted(form[name]) else before

    def choice(v):
        return v or None

    entry = ModerationEntry(
        key_issues_a=value("key_issues_a", saved.key_issues_a, choice),
        key_issues_b=value("key_issues_b", saved.key_issues_b, choice),
        feedback_a=value("feedback_a", saved.feedback_a), feedback_b=value("feedback_b", saved.feedback_b),
    )
    for key in JUDGEMENTS:
        entry.grades[key] = value(f"{key}_grade", saved.grades[key], lambda v: int(v) if v else None)
        entry.rationales[key] = value(f"{key}_rationale", saved.rationales[key])
    return entry


@bp.route("/audits/<int:audit_id>/reopen", methods=["GET", "POST"])
@allow(permissions.can_reopen)
def reopen_audit(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    if audit.signed_off_at is None:
        abort(404)
    form = ReopenForm()
    if form_posted(form):
        with saving(form) as save:
            reopen(current_user, audit, form.reason.data or "")
        if save.saved:
            flash("The audit is reopened: the moderator can change it and sign it off again", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("moderation/reopen.html", audit=audit, form=form)
