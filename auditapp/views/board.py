"""The board's pack beyond the figures: the QA lead's targets and each month's commentary."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditapp import clock, permissions
from auditapp.forms.reports import CommentaryForm, TargetForm
from auditapp.models.board import BOARD_MEASURES
from auditapp.month.sampling import open_cycle_for
from auditapp.months import month_label, month_of, months_before
from auditapp.reports import commentary as board_words
from auditapp.reports import targets
from auditapp.security.access import allow
from auditapp.views import form_posted, month_or_404, posted, posted_any, saving
from auditapp.views.paging import page_of

bp = Blueprint("board", __name__, url_prefix="/reports")
PAGE_SIZE = 20


def _start_months() -> list[tuple[str, str]]:
    """Two years back (only a measure's first target may start in the past) to a year ahead."""
    now = month_of(clock.today())
    return [(m, month_label(m)) for m in (months_before(now, back) for back in range(24, -13, -1))]


@bp.route("/targets", methods=["GET", "POST"])
@allow(permissions.can_set_targets)
def target_list():
    form = TargetForm()
    form.measure.choices = [(key, name) for key, (name, _) in BOARD_MEASURES.items()]
    form.starts.choices = _start_months()
    if request.method == "GET":
        form.starts.data = month_of(clock.today())
    if form_posted(form):
        text = (form.percent.data or "").strip()
        percent = int(text) if text.isdigit() else None
        if text and percent is None:
            form.percent.errors = [*form.percent.errors, "Enter the target as a whole number from 0 to 100"]
        else:
            with saving(form) as save:
                targets.set_target(current_user, form.measure.data, percent, form.starts.data, clock.today())
            if save.saved:
                flash(f"Target set: {BOARD_MEASURES[form.measure.data][0]}, from {month_label(form.starts.data)}",
                      "success")
                return redirect(url_for("board.target_list"))
    now = month_of(clock.today())
    return render_template("board/targets.html", form=form, month=now, in_force=targets.targets_in([now])[now],
                           measures=BOARD_MEASURES, page=page_of(targets.target_history(), PAGE_SIZE))


def _words_again(month: str):
    """saving()'s reload: the commentary as now saved, and its version."""
    saved = board_words.commentary_of(month)
    return saved, saved.version if saved else 0


@bp.route("/<month>/commentary", methods=["GET", "POST"])
@allow(permissions.can_read_reports)
def commentary(month: str):
    month = month_or_404(month)
    if open_cycle_for(month) is None:
        abort(404)
    saved = board_words.commentary_of(month)
    permissions.require(board_words.may_write(current_user, saved),
                        "Only the QA lead, or senior managers the QA lead allows, write the commentary")
    qa_lead = permissions.can_set_targets(current_user)
    form = CommentaryForm()
    if request.method == "GET":
        form.version.data = str(saved.version if saved else 0)
        form.seniors_may_write.data = "yes" if saved and saved.seniors_may_write else "no"
        if saved:
            form.told.data, form.doing.data = saved.told, saved.doing
    if form.is_submitted() and not posted_any(form):
        flash("Nothing was saved: the form arrived without any answers. The commentary is as it was.", "info")
        return redirect(url_for("board.commentary", month=month))
    if form_posted(form):
        # A text missing from the post keeps what was saved; so does the QA lead's choice.
        told = form.told.data if posted(form.told) else (saved.told if saved else "")
        doing = form.doing.data if posted(form.doing) else (saved.doing if saved else "")
        allow_seniors = form.seniors_may_write.data == "yes" if qa_lead and posted(form.seniors_may_write) else None
        with saving(form, reload=lambda: _words_again(month)) as save:
            board_words.save_commentary(current_user, month, told or "", doing or "", allow_seniors,
                                        form.opened_at()[0])
        saved = save.reloaded or saved
        if save.saved:
            flash(f"The commentary for {month_label(month)} is saved", "success")
            return redirect(url_for("reports.dashboard", month=month))
    return render_template("board/commentary.html", form=form, month=month, saved=saved, qa_lead=qa_lead,
                           written_by=board_words.words_for(month))
