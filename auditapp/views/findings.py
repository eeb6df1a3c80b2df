"""Actions from audits: propose, confirm, remove, record progress, mark done, verify, and the lists."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from auditapp import clock, permissions
from auditapp.extensions import db
from auditapp.findings import actions
from auditapp.findings.themes import active_themes
from auditapp.forms.findings import ActionForm, ProgressForm, RemoveActionForm, VerifyForm, parse_day
from auditapp.grading import DOMAINS
from auditapp.history import action_history, subjects
from auditapp.models import Action, Audit, Case, Team, User
from auditapp.models.findings import ACTION_STATES, PRIORITIES
from auditapp.models.loading import ACTION_ROW
from auditapp.remembered import remembered
from auditapp.security.access import allow
from auditapp.views import form_posted, saving
from auditapp.views.paging import paginate
from auditapp.views.sorting import SortableTable

bp = Blueprint("findings", __name__)
PAGE_SIZE = 25
# The list's own order (open ones first, soonest due) until a heading is chosen. The list reads the
# action table alone (its filters are conditions, not joins): the case's reference is a correlated
# look-up, so the list's ids are sorted without loading any row's joins. The owner's name is a join
# instead: both databases then walk people by the (name, id) index (migration 0028s) and each one's
# actions by theirs, sorting only each name's few actions by id and stopping at the page, where a
# look-up per action meant computing and sorting 8,400 names for every page (17 ms on SQLite).
OWNER = aliased(User, name="owner")
ACTIONS_TABLE = SortableTable({
    "action": (Action.description,),
    "case": (select(Case.reference).join(Audit, Audit.case_id == Case.id).where(Audit.id == Action.audit_id)
             .scalar_subquery(),),
    "owner": (OWNER.name,),
    "priority": (case({key: rank for rank, key in enumerate(PRIORITIES)}, value=Action.priority),),  # most urgent first
    "due": (Action.due,),
    "state": (case({key: rank for rank, key in enumerate(ACTION_STATES)}, value=Action.status),),  # the order work goes
}, tiebreak=(Action.id,), joins={"owner": lambda query: query.join(OWNER, OWNER.id == Action.owner_id)},
    never_empty=frozenset({"action", "owner", "due"}))


def _choices(form: ActionForm) -> None:
    people = db.session.execute(select(User.id, User.name, Team.name).join(Team, Team.id == User.team_id)
                                .where(User.active.is_(True)).order_by(User.name)).all()
    form.owner.choices = [("", "Choose a person")] + [(str(i), f"{name} ({team})") for i, name, team in people]
    form.theme.choices = [("", "None")] + [(str(t.id), t.name) for t in active_themes()]


def _entry(form: ActionForm) -> actions.ActionEntry:
    return actions.ActionEntry(
        description=form.description.data or "", owner_id=int(form.owner.data) if form.owner.data else None,
        priority=form.priority.data or "", due=parse_day(form.due.data), domain=form.domain.data or None,
        theme_id=int(form.theme.data) if form.theme.data else None)


def _fill(form: ActionForm, action: Action) -> None:
    form.description.data, form.owner.data, form.priority.data = (action.description, str(action.owner_id),
                                                                  action.priority)
    form.due.data, form.domain.data = action.due.strftime("%-d/%-m/%Y"), action.domain or ""
    form.theme.data = str(action.theme_id or "")
    form.open_at(action.version)


def _action_again(action_id: int) -> tuple[tuple[Action, Audit], int]:
    """saving()'s reload: the action and its audit as now saved, and the action's version."""
    action, audit = permissions.get_action(action_id, current_user)
    return (action, audit), action.version


@bp.route("/audits/<int:audit_id>/actions/new", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def propose(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    permissions.require(permissions.can_propose_action(current_user, audit),
                        "Actions are proposed by the auditors while their audit is open, or added by the moderator")
    form = ActionForm()
    _choices(form)
    if form_posted(form):
        with saving(form) as save:
            actions.propose(current_user, audit, _entry(form))
        if save.saved:
            flash("Action added" if current_user.id == audit.moderator_id else
                  "Action proposed: the moderator will confirm it", "success")
            return _back_after_deciding(audit)
    return render_template("actions/form.html", form=form, audit=audit, action=None,
                           moderating=permissions.can_decide_actions(current_user, audit))


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def edit(action_id: int):
    action, audit = permissions.get_action(action_id, current_user)
    permissions.require(permissions.can_change_action(current_user, action, audit), "This action cannot be changed now")
    moderating = permissions.decides_action(current_user, action, audit)
    form = ActionForm()
    _choices(form)
    if request.method == "GET":
        _fill(form, action)
    if form_posted(form):
        with saving(form, reload=lambda: _action_again(action_id)) as save:
            actions.edit(current_user, action, audit, _entry(form), form.opened_at()[0],
                         confirm=bool(form.confirm.data))
        action, audit = save.reloaded or (action, audit)
        if save.saved:
            flash("Action confirmed" if form.confirm.data and moderating else "Action saved", "success")
            return _back_after_deciding(audit)
    return render_template("actions/form.html", form=form, audit=audit, action=action, moderating=moderating)


@bp.route("/actions/<int:action_id>/remove", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def remove(action_id: int):
    action, audit = permissions.get_action(action_id, current_user)
    permissions.require(permissions.can_change_action(current_user, action, audit), "This action cannot be removed now")
    form = RemoveActionForm()
    if request.method == "GET":
        form.open_at(action.version)
    if form_posted(form):
        with saving(form, reload=lambda: _action_again(action_id)) as save:
            actions.remove(current_user, action, audit, form.reason.data or "", form.opened_at()[0])
        action, audit = save.reloaded or (action, audit)
        if save.saved:
            flash("Action removed", "success")
            return _back_after_deciding(audit)
    return render_template("actions/remove.html", form=form, audit=audit, action=action)


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def action(action_id: int):
    """The action itself: the owner records progress or marks it done; a manager verifies it."""
    action, audit = permissions.get_action(action_id, current_user)
    progress, verify = ProgressForm(prefix="progress"), VerifyForm(prefix="verify")
    if request.method == "GET":
        progress.open_at(action.version)
        verify.open_at(action.version)
        progress.progress.data = action.progress
    posted = progress if "progress-version" in request.form else verify
    if request.method == "POST":
        permissions.require(permissions.can_update_action(current_user, action) if posted is progress
                            else permissions.can_verify_action(current_user, action, audit))
    if request.method == "POST" and form_posted(posted):
        if posted is verify and verify.decision.data == "accept" and verify.confirmed.data != "yes":
            return render_template("actions/close_check.html", action=action, audit=audit, verify=verify)
        with saving(posted, reload=lambda: _action_again(action_id)) as save:
            if posted is progress:
                actions.record_progress(current_user, action, audit, progress.progress.data or "",
                                        progress.opened_at()[0], done=bool(progress.done.data),
                                        evidence=progress.evidence.data or "", location=progress.location.data or "")
            else:
                actions.verify(current_user, action, audit, verify.decision.data == "accept",
                               verify.reason.data or "", verify.opened_at()[0])
        action, audit = save.reloaded or (action, audit)
        if save.saved:
            flash("Saved", "success")
            return redirect(url_for("findings.action", action_id=action_id))
    history = action_history(action)
    return render_template("actions/show.html", action=action, audit=audit, progress=progress, verify=verify,
                           history=history, subjects=subjects(history), today=clock.today(), domains=DOMAINS)


@bp.route("/actions")
@allow(permissions.can_read_all_actions)
def all_actions():
    filters = actions.ActionFilters(
        team=request.args.get("team", type=int), owner=request.args.get("owner", type=int),
        status=request.args.get("status") or None, overdue=request.args.get("overdue") == "1",
        month=request.args.get("month") or None, priority=request.args.get("priority") or None,
        since=request.args.get("since") or None)
    today = clock.today()
    sort = ACTIONS_TABLE.requested()
    listed = actions.action_list(filters, today).options(*ACTION_ROW)
    # A sorted list pages from the nearer end (`reverse`): its last page walks no more than its first.
    page = paginate(ACTIONS_TABLE.apply(listed, sort), PAGE_SIZE, ids_first=True,
                    reverse=ACTIONS_TABLE.reverse(listed, sort), counted=listed)
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    # Who owns an action on the list: remembered under the figures' version, which moves with every
    # action's change of state and every change to people (3 ms a request on the large county).
    owners = remembered("owners of listed actions", None, lambda: [tuple(row) for row in db.session.execute(
        select(User.id, User.name).where(User.id.in_(select(Action.owner_id).where(Action.status.in_(actions.LISTED))))
        .order_by(User.name))])
    return render_template("actions/list.html", page=page, title="All actions", today=today, teams=teams,
                           owners=owners, filters=filters, args=sort.page_args, sort=sort, states=ACTION_STATES,
                           priorities=PRIORITIES, months=actions.months_with_actions(), endpoint="findings.all_actions")


@bp.route("/actions/team")
@allow(permissions.has_audit_work)
def team_actions():
    today = clock.today()
    page = paginate(actions.for_team(current_user.team_id).options(*ACTION_ROW), PAGE_SIZE)
    return render_template("actions/list.html", page=page, title="Your team's actions", today=today,
                           filters=None, args={}, endpoint="findings.team_actions")


def _back_after_deciding(audit):
    """Back where the decision was started: the moderation page (its typed work saved there) when
    the moderator came from it, else the audit's actions. A fixed choice, never a posted URL."""
    if request.args.get("from") == "moderation" and permissions.can_moderate(current_user, audit):
        return redirect(url_for("moderation.moderate", audit_id=audit.id, _anchor="actions-to-decide"))
    return redirect(url_for("audits.show", audit_id=audit.id, _anchor="actions"))
