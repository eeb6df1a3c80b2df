"""The family-contact task: attempts to reach the family, the outcome and what they said."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditapp import permissions
from auditapp.audits import families
from auditapp.forms.findings import FamilyContactForm, FamilyFeedbackForm, parse_day
from auditapp.models.families import CONTACT_METHODS, CONTACT_WHO, OUTCOMES, QUESTIONS, RATINGS, RESPONDENTS
from auditapp.security.access import allow
from auditapp.views import form_posted, saving

bp = Blueprint("families", __name__)


def _audit_for_family(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    role = families.contact_role()
    if not permissions.can_record_family(current_user, audit, role):
        abort(permissions.refusal_for_part(current_user, audit, role))
    permissions.require(permissions.can_record_family(current_user, audit, families.contact_role()),
                        "Only the auditor asked to contact the family records this, while the audit is open")
    return audit


@bp.route("/audits/<int:audit_id>/family", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def contact(audit_id: int):
    audit = _audit_for_family(audit_id)
    form = FamilyContactForm()
    if form_posted(form):
        with saving(form) as save:
            families.record_attempt(current_user, audit, parse_day(form.attempted_on.data), form.who.data,
                                    form.method.data)
        if save.saved:
            flash("Attempt recorded", "success")
            return redirect(url_for("families.contact", audit_id=audit.id))
    saved, answers = families.feedback_of(audit)
    return render_template("families/contact.html", form=form, audit=audit, attempts=families.attempts(audit),
                           saved=saved, answers=answers, who=CONTACT_WHO, methods=CONTACT_METHODS, outcomes=OUTCOMES)


@bp.route("/audits/<int:audit_id>/family/feedback", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def feedback(audit_id: int):
    audit = _audit_for_family(audit_id)
    saved, answers = families.feedback_of(audit)
    form = FamilyFeedbackForm()
    if request.method == "GET":
        form.open_at(saved.version if saved else 0)
        if saved:
            form.outcome.data, form.not_contacted_reason.data = saved.outcome, saved.not_contacted_reason
        for who, answer in answers.items():
            for q in QUESTIONS:
                form[f"{who}_{q}"].data = str(getattr(answer, q) or "")
                form[f"{who}_{q}_words"].data = getattr(answer, f"{q}_words")
            form[f"{who}_change_words"].data = answer.change_words
    if form_posted(form):
        given = {}
        for who in RESPONDENTS:
            given[who] = families.Answers(
                ratings={q: int(form[f"{who}_{q}"].data) if (form[f"{who}_{q}"].data or "").isdigit() else None
                         for q in QUESTIONS},
                words={**{q: form[f"{who}_{q}_words"].data or "" for q in QUESTIONS},
                       "change": form[f"{who}_change_words"].data or ""})
        with saving(form, reload=lambda: _feedback_again(audit_id)) as save:
            families.save_feedback(current_user, audit, form.outcome.data, form.not_contacted_reason.data or "", given,
                                   form.opened_at()[0])
        if save.saved:
            flash("The family's feedback is saved", "success")
            return redirect(url_for("audits.show", audit_id=audit.id, _anchor="family"))
    return render_template("families/feedback.html", form=form, audit=audit, respondents=RESPONDENTS,
                           questions=QUESTIONS, ratings=RATINGS)


def _feedback_again(audit_id: int):
    """saving()'s reload: the feedback as now saved, and its version (0 when none is saved yet)."""
    saved, _ = families.feedback_of(permissions.get_audit(audit_id, current_user, reload=True))
    return saved, saved.version if saved else 0
