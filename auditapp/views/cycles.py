from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import case, func, select

from auditapp import clock, history, permissions, reads
from auditapp.conflicts import history_mark
from auditapp.exports.allocation import allocation_csv
from auditapp.exports.cells import CSV_MEDIA_TYPE, excel_csv
from auditapp.extensions import db
from auditapp.forms.audits import WithdrawalDecisionForm, WithdrawalForm
from auditapp.forms.month import AllocationForm, CancelCycleForm, DrawSampleForm, OpenCycleForm
from auditapp.models import CASE_TYPES, Audit, Case, Cycle, Team, User
from auditapp.models.loading import PERSON_ROW
from auditapp.models.sets import WITHDRAWAL_REASONS
from auditapp.month.allocation import (
    allocation_problems,
    auditor_b_problem,
    audits_this_month,
    change_allocation,
    moderator_problem,
)
from auditapp.month.sampling import (
    cancel_cycle,
    decide_withdrawal,
    draw_sample,
    next_month_to_open,
    open_cycle,
    open_cycle_for,
    openable_months,
    request_withdrawal,
)
from auditapp.months import month_label, months_before
from auditapp.remembered import remembered
from auditapp.reports import worklists
from auditapp.security.access import allow
from auditapp.views import audit_reload, form_posted, posted, posted_any, saving
from auditapp.views.paging import Page, paginate, requested_page
from auditapp.views.sorting import Sort, SortableTable

bp = Blueprint("cycles", __name__)
CYCLES_PER_PAGE = 12
AUDITS_PER_PAGE = 25


def _name_of(person_id):
    return select(User.name).where(User.id == person_id).scalar_subquery()


def _of_case(column):
    return select(column).where(Case.id == Audit.case_id).scalar_subquery()


# Correlated look-ups, not joins: the rows are loaded with their case and people as before, and
# the statement keeps one shape whatever the order. Unsorted, the month's audits are in draw order.
MONTH_AUDITS_TABLE = SortableTable({
    "case": (_of_case(Case.reference),),
    "team": (select(Team.name).join(Case, Case.team_id == Team.id).where(Case.id == Audit.case_id)
             .scalar_subquery(),),
    "type": (_of_case(case(CASE_TYPES, value=Case.case_type)),),
    "auditor-a": (_name_of(Audit.auditor_a_id),), "auditor-b": (_name_of(Audit.auditor_b_id),),
    "moderator": (_name_of(Audit.moderator_id),),
    "due": (func.coalesce(Audit.moderation_due, Audit.auditor_due),),  # the date the Due column shows
}, tiebreak=(Audit.id,))


def _cycle(month: str) -> Cycle:
    """The month's open cycle, or else the latest cancelled one (shown as cancelled), or 404."""
    cycle = open_cycle_for(month) or db.session.scalar(
        select(Cycle).where(Cycle.month == month, Cycle.kind == "random").order_by(Cycle.cancelled_at.desc()).limit(1))
    if cycle is None:
        abort(404)
    return cycle


@bp.route("/cycles")
@allow(permissions.can_manage)
def index():
    page = paginate(worklists.cycles_newest_first(), CYCLES_PER_PAGE)
    return render_template("cycles/index.html", page=page,
                           overviews=worklists.cycle_overviews(page.items, clock.today()))


@bp.route("/cycles/new", methods=["GET", "POST"])
@allow(permissions.can_manage)
def new():
    form = OpenCycleForm()
    first, last = openable_months(clock.today())
    window = [first]
    while window[-1] < last:
        window.append(months_before(window[-1], -1))
    opened = set(db.session.scalars(select(Cycle.month).where(Cycle.month.in_(window), Cycle.kind == "random",
                                                               Cycle.cancelled_at.is_(None))))
    # Months already open stay in the list, said so: a second tab's post then hears why, not a 400.
    form.month.choices = [(m, month_label(m) + (" (already open)" if m in opened else "")) for m in window]
    if not form.is_submitted():
        form.month.data = next_month_to_open(clock.today())
        form.per_team.data = current_app.config["SAMPLE_PER_TEAM"]
    if form_posted(form):
        with saving(form) as save:
            cycle = open_cycle(current_user, form.month.data, form.per_team.data)
        if save.saved:
            flash(f"{month_label(cycle.month)} is open. Draw the sample next.", "success")
            return redirect(url_for("cycles.show", month=cycle.month))
    return render_template("cycles/new.html", form=form, first=month_label(first), last=month_label(last))


@bp.route("/cycles/<month>/cancel", methods=["GET", "POST"])
@allow(permissions.can_manage)
def cancel(month: str):
    cycle = _cycle(month)
    if cycle.cancelled_at is not None:
        abort(404)
    form = CancelCycleForm()
    if form_posted(form):
        with saving(form) as save:
            cancel_cycle(current_user, cycle, form.reason.data or "")
        if save.saved:
            flash(f"{month_label(month)} is cancelled: its audits are off everyone's lists", "success")
            return redirect(url_for("cycles.index"))
    return render_template("cycles/cancel.html", cycle=cycle, form=form)


@bp.route("/cycles/<month>", methods=["GET", "POST"])
@allow(permissions.can_manage)
def show(month: str):
    cycle = _cycle(month)
    form = DrawSampleForm()
    if cycle.sampled_at is None and cycle.cancelled_at is None and form_posted(form):
        with saving(form) as save:
            audits = draw_sample(current_user, cycle, form.seed.data)
        if save.saved:
            flash(f"{len(audits)} cases sampled and allocated with draw number {cycle.seed}", "success")
            return redirect(url_for("cycles.show", month=cycle.month))
    today = clock.today()
    reads.note(f"Month {cycle.month}: its sampled cases")
    sort = MONTH_AUDITS_TABLE.requested()
    overview = worklists.cycle_overviews([cycle], today)[0]
    # The page's rows are remembered under the figures' version, shared by every worker: what a row
    # shows (its people, due date and status) moves only with a change that moves the figures, never
    # with a draft, and loading 25 audits with their cases, reviews and people was half the page.
    number = requested_page()
    key = (cycle.id, sort.key, sort.descending, number, today)
    page = remembered("month's sampled cases", key, lambda: _sampled_rows(cycle, sort, number, overview.audits, today))
    return render_template("cycles/show.html", overview=overview, sort=sort, page=page, form=form, today=today)


@dataclass(frozen=True)
class SampledRow:
    """One sampled case as the month's overview lists it: plain values, so it can be remembered."""
    audit_id: int
    reference: str
    team: str
    case_type: str
    auditor_a: str
    auditor_b: str
    moderator: str
    due: date | None
    overdue: bool
    status: str


def _sampled_rows(cycle: Cycle, sort: Sort, number: int, total: int, today: date) -> Page:
    # The overview has counted the month's audits already (remembered): no second count for the pages.
    page = paginate(MONTH_AUDITS_TABLE.apply(worklists.cycle_audits(cycle), sort), AUDITS_PER_PAGE, number,
                    total=total)

    def name(person: User | None) -> str:
        return person.name if person else ""

    rows = [SampledRow(audit.id, audit.case.reference, audit.case.team.name, audit.case.case_type_label,
                       name(audit.auditor_a), name(audit.auditor_b), name(audit.moderator),
                       day := audit.moderation_due or audit.auditor_due,
                       bool(audit.is_overdue(today) and day and today > day), audit.status)
            for audit in worklists.with_people(page.items)]
    return Page(rows, page.number, page.size, page.total)


@bp.route("/cycles/<month>/allocation.csv")
@allow(permissions.can_manage)
def allocation_download(month: str):
    audits = worklists.with_people(list(db.session.scalars(
        worklists.cycle_audits(_cycle(month)).where(Audit.withdrawn_at.is_(None)))))
    reads.note(f"Allocation for {month} (CSV)")
    return Response(excel_csv(allocation_csv(audits)), content_type=CSV_MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="allocation-{month}.csv"'})


@bp.route("/audits/<int:audit_id>/allocation", methods=["GET", "POST"])
@allow(permissions.can_manage)
def allocation(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    people = list(db.session.scalars(
        select(User).options(*PERSON_ROW).where(User.active.is_(True)).order_by(User.name)))
    form = AllocationForm()
    load = audits_this_month(audit)

    def this_month(user) -> str:
        return f"{load[user.id]} {'audit' if load[user.id] == 1 else 'audits'} this month"

    # Only people the independence rules allow are offered (the rule still checks what is posted).
    form.auditor_b.choices = [("", "Select a manager")] + [
        (str(u.id), f"{u.name} ({u.team.name}), {this_month(u)}") for u in people
        if auditor_b_problem(audit.case, u) is None]
    form.moderator.choices = [("", "Select a senior manager")] + [
        (str(u.id), f"{u.name}, {this_month(u)}") for u in people if moderator_problem(audit.case, u) is None]
    if not form.is_submitted():
        form.auditor_b.data, form.moderator.data = str(audit.auditor_b_id), str(audit.moderator_id)
        form.open_at(audit.allocation_version, history_mark(audit))
    changes = None
    if form.is_submitted() and not posted_any(form):
        flash("Nothing was saved: the form arrived without any answers. The allocation is as it was.", "info")
        return redirect(url_for("cycles.allocation", audit_id=audit.id))
    if form_posted(form):
        chosen = {u.id: u for u in people}
        # A field missing from the post keeps the current choice.
        auditor_b = chosen.get(int(form.auditor_b.data or 0)) if posted(form.auditor_b) else audit.auditor_b
        moderator = chosen.get(int(form.moderator.data or 0)) if posted(form.moderator) else audit.moderator
        reload = audit_reload(form, audit_id, lambda a: a.allocation_version, actions={history.ALLOCATION_CHANGED})
        with saving(form, reload=reload) as save:
            change_allocation(current_user, audit, auditor_b, moderator, form.opened_at()[0],
                              reason=form.reason.data or "", discard_draft=bool(form.discard_draft.data))
        audit, changes = save.reloaded or (audit, changes)
        if save.saved:
            flash("The allocation has been saved, and the people it changes for have been told", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("cycles/allocation.html", audit=audit, form=form, changes=changes,
                           rules=allocation_problems, has_draft_b=bool(audit.review("B")))


@bp.route("/audits/<int:audit_id>/withdraw", methods=["GET", "POST"])
@allow(permissions.can_request_withdrawal)
def withdraw(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    form = WithdrawalForm()
    if form_posted(form):
        with saving(form) as save:
            request_withdrawal(current_user, audit, form.reason.data, form.note.data or "")
        if save.saved:
            flash("Withdrawal requested. Another senior manager must approve it.", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("cycles/withdraw.html", audit=audit, form=form)


@bp.route("/audits/<int:audit_id>/withdrawal", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def decide(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    permissions.require(permissions.can_approve_withdrawal(current_user, audit),
                        "A senior manager other than the one who asked must decide on a withdrawal.")
    if not audit.withdrawal_requested_at or audit.withdrawn_at:
        abort(404)
    form = WithdrawalDecisionForm()
    if form_posted(form):
        with saving(form) as save:
            replacement = decide_withdrawal(current_user, audit, form.decision.data == "approve")
            if form.decision.data == "refuse":
                message, category = "Withdrawal refused: the case stays in the sample", "success"
            elif replacement:
                message, category = (f"Case withdrawn. Replacement case {replacement.case.reference} drawn "
                                     "and allocated.", "success")
            else:
                message, category = "Case withdrawn. No other eligible case in the team could replace it.", "info"
            target = replacement.id if replacement else audit.id
        if save.saved:
            flash(message, category)
            return redirect(url_for("audits.show", audit_id=target))
    return render_template("cycles/decide.html", audit=audit, form=form, reasons=WITHDRAWAL_REASONS)
