"""The practitioner's reply after sign-off, the response to a dispute, and the re-audits list."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditapp import permissions, reads
from auditapp.findings import replies
from auditapp.forms.findings import DisputeResponseForm, ReplyForm, parse_day
from auditapp.grading import JUDGEMENTS
from auditapp.month import reaudits
from auditapp.security.access import allow
from auditapp.views import form_posted, saving
from auditapp.views.paging import page_of

bp = Blueprint("replies", __name__)
PAGE_SIZE = 20


def _reply_again(audit_id: int):
    """saving()'s reload: the audit and its reply as now saved, and the reply's version (0 before one)."""
    audit = permissions.get_audit(audit_id, current_user, reload=True)
    reply = replies.reply_for(audit)
    return (audit, reply), reply.version if reply else 0


@bp.route("/audits/<int:audit_id>/reply", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def reply(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    permissions.require(permissions.can_record_reply(current_user, audit),
                        "Only auditor A records the practitioner's reply, once the audit is signed off")
    saved = replies.reply_for(audit)
    form = ReplyForm()
    if request.method == "GET":
        form.open_at(saved.version if saved else 0)
        if saved:
            form.held.data = "yes" if saved.held else "no"
            form.held_on.data = saved.held_on.strftime("%-d/%-m/%Y") if saved.held_on else ""
            form.not_held_reason.data, form.practitioner_view.data = saved.not_held_reason, saved.practitioner_view
            form.disputes.data, form.dispute_details.data = "yes" if saved.disputes else "no", saved.dispute_details
    if form_posted(form):
        entry = replies.ReplyEntry(
            held={"yes": True, "no": False}.get(form.held.data), held_on=parse_day(form.held_on.data),
            not_held_reason=form.not_held_reason.data or "", practitioner_view=form.practitioner_view.data or "",
            disputes=form.disputes.data == "yes", dispute_details=form.dispute_details.data or "")
        with saving(form, reload=lambda: _reply_again(audit_id)) as save:
            replies.save_reply(current_user, audit, entry, form.opened_at()[0])
        audit, saved = save.reloaded or (audit, saved)
        if save.saved:
            flash("The practitioner's reply is recorded", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("replies/reply.html", form=form, audit=audit)


@bp.route("/audits/<int:audit_id>/reply/response", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def respond(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    permissions.require(permissions.can_respond_to_dispute(current_user, audit),
                        "Only the moderator or the QA lead responds to a dispute")
    saved = replies.reply_for(audit)
    if saved is None or not saved.disputes:
        return redirect(url_for("audits.show", audit_id=audit.id))
    form = DisputeResponseForm()
    if request.method == "GET":
        form.version.data, form.response.data = str(saved.version), saved.response
    if form_posted(form):
        with saving(form, reload=lambda: _reply_again(audit_id)) as save:
            replies.respond(current_user, audit, saved, form.response.data or "", form.opened_at()[0])
        audit, saved = save.reloaded or (audit, saved)
        if save.saved:
            flash("Your response is recorded", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("replies/respond.html", form=form, audit=audit, reply=saved)


@bp.route("/reaudits")
@allow(permissions.can_see_reaudits)
def reaudit_list():
    reads.note("Re-audits and their results")
    return render_template("reaudits/index.html", page=page_of(reaudits.overview(), PAGE_SIZE), judgements=JUDGEMENTS)
