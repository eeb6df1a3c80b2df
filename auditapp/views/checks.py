"""Check your answers (the GOV.UK pattern) before what cannot be undone: submitting an audit and
signing one off. The form's own button saves a draft and comes here; this page shows every answer
with a link back to change it, and confirming is the only step that submits or signs off."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from auditapp import permissions
from auditapp.audits.moderation import entry_from_audit, sign_off, still_needed
from auditapp.audits.reviewing import entry_from_review, save_review
from auditapp.audits.reviewing import problems as review_problems
from auditapp.conflicts import Conflict, history_mark
from auditapp.findings import actions
from auditapp.forms.audits import ConfirmForm
from auditapp.grading import domains_judged, grade_label, judgements_made
from auditapp.models.sets import KEY_ISSUES
from auditapp.month import targeted
from auditapp.security.access import allow
from auditapp.views import form_posted, saving
from auditapp.views.audits import answer_words

bp = Blueprint("checks", __name__)


@bp.route("/audits/<int:audit_id>/review/<role>/check", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def review(audit_id: int, role: str):
    audit = permissions.get_own_review(audit_id, current_user, role)
    if not permissions.can_edit_review(current_user, audit, role):
        return redirect(url_for("audits.show", audit_id=audit.id))
    saved = audit.review(role)
    entry, answers = entry_from_review(saved), targeted.answers_of(saved)
    still_needed = review_problems(entry, True, audit.cycle.domain_keys) | targeted.missing_answers(audit, answers)
    if saved is None or still_needed:
        flash("Some answers are still needed before you can submit: they are marked below.", "info")
        return redirect(url_for("audits.review", audit_id=audit.id, role=role))
    form = ConfirmForm()
    form.confirm.label.text = "Submit audit"
    if not form.is_submitted():
        form.open_at(saved.version, history_mark(audit))
    if form_posted(form):
        if not _confirmed(form, lambda: save_review(current_user, audit, role, entry, submit=True,
                                              expected_version=form.opened_at()[0])):
            return redirect(url_for("checks.review", audit_id=audit_id, role=role))
        flash("Your audit has been submitted. What happens next: when both auditors have submitted, the "
              "moderator compares the two and signs off a final grade. You will be emailed their feedback to you, "
              "and you can see the other auditor's audit here once both are in.", "success")
        return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("checks/review.html", audit=audit, role=role, entry=entry, answers=answers,
                           questions=targeted.questions(audit.cycle), answer_words=answer_words,
                           domains=domains_judged(audit.cycle.domain_keys), form=form,
                           grade_label=grade_label)


@bp.route("/audits/<int:audit_id>/moderate/check", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def sign_off_check(audit_id: int):
    audit = permissions.get_audit_to_moderate(audit_id, current_user)
    if not permissions.can_moderate(current_user, audit):
        return redirect(url_for("audits.show", audit_id=audit.id))
    entry = entry_from_audit(audit)
    if still_needed(audit, entry):
        flash("Some answers are still needed before you can sign off: they are marked below.", "info")
        return redirect(url_for("moderation.moderate", audit_id=audit.id))
    form = ConfirmForm()
    form.confirm.label.text = "Sign off audit"
    if not form.is_submitted():
        form.open_at(audit.moderation_version, history_mark(audit))
    if form_posted(form):
        if not _confirmed(form, lambda: sign_off(current_user, audit, entry, form.opened_at()[0])):
            return redirect(url_for("checks.sign_off_check", audit_id=audit_id))
        flash("The audit is signed off and locked. The auditors can now read your feedback to them; actions you "
              "confirmed are with their owners.", "success")
        return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("checks/sign_off.html", audit=audit, entry=entry,
                           judgements=judgements_made(audit.cycle.domain_keys),
                           key_issues=KEY_ISSUES, form=form, grade_label=grade_label,
                           confirmed=actions.on_audit(audit))


def _confirmed(form: ConfirmForm, step) -> bool:
    """Take the one step and commit; or, if it was changed in another tab since this page opened
    (or a rule now refuses it), undo, say so, and let the person check again."""
    with saving(form) as save:
        step()
    if isinstance(save.refused, Conflict):
        flash("It was saved from another tab after you opened this page. Check it again.", "info")
    elif save.refused:
        flash(save.refused.message, "info")
    return save.saved
