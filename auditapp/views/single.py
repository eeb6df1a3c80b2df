"""A single audit with review: the allocated senior manager reads the one auditor's audit, then
agrees (it is signed off) or returns it with a note (audits/single.py holds the rules)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField

from auditapp import permissions
from auditapp.audits import single
from auditapp.conflicts import history_mark
from auditapp.errors import Invalid
from auditapp.forms.widgets import LockedForm, long_text
from auditapp.grading import domains_judged
from auditapp.month import targeted
from auditapp.security.access import allow
from auditapp.views import audit_reload, form_posted, saving
from auditapp.views.audits import answer_words

bp = Blueprint("single", __name__)


class SingleReviewForm(LockedForm):
    decision = RadioField("Do you agree with this audit?", widget=GovRadioInput(), validate_choice=False, choices=[
        ("agree", "Yes, agree: sign it off"), ("return", "No, return it to the auditor with a note")])
    note = long_text("Note to the auditor", "Needed when you return it: what they should look at again. "
                     "Optional when you agree.", limit=single.MAX_NOTE, called="The note")
    submit = SubmitField("Save the decision", widget=GovSubmitInput())


@bp.route("/audits/<int:audit_id>/single-review", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def review(audit_id: int):
    audit = permissions.get_audit_to_moderate(audit_id, current_user)
    if not permissions.can_review_single(current_user, audit):
        if request.method == "GET":
            flash("This audit is not waiting for your review", "info")
            return redirect(url_for("audits.show", audit_id=audit.id))
        abort(403)
    form = SingleReviewForm()
    if not form.is_submitted():
        form.open_at(audit.moderation_version, history_mark(audit))
    changes = None
    if form_posted(form):
        decision = form.decision.data
        with saving(form, reload=audit_reload(form, audit_id, lambda a: a.moderation_version)) as save:
            if decision == "agree":
                single.agree(current_user, audit, form.note.data or "", form.opened_at()[0])
            elif decision == "return":
                single.return_to_auditor(current_user, audit, form.note.data or "", form.opened_at()[0])
            else:
                raise Invalid({"decision": "Choose whether you agree with the audit or return it"})
        audit, changes = save.reloaded or (audit, changes)
        if save.saved:
            flash("The audit is signed off" if decision == "agree" else
                  f"The audit is returned to {audit.auditor_b.name} with your note", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    review = audit.review("B")
    return render_template("single/review.html", audit=audit, form=form, changes=changes, review=review,
                           domains=domains_judged(audit.cycle.domain_keys), questions=targeted.questions(audit.cycle),
                           answers=targeted.answers_of(review), answer_words=answer_words)
