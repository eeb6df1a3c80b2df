from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from auditapp import clock, permissions
from auditapp.extensions import db
from auditapp.forms.findings import parse_day
from auditapp.forms.month import UploadForm
from auditapp.forms.people import AbsenceForm, ClosureDayForm, PersonForm, TeamForm
from auditapp.forms.reports import ActivityFilterForm
from auditapp.history import kinds_of_entry, recent_activity, subjects
from auditapp.imports.table import ImportFailed
from auditapp.imports.users import read_people
from auditapp.models import ROLE_LABELS, Absence, ClosureDay, Event, ReadRecord, Team, User
from auditapp.models.loading import PERSON_ROW
from auditapp.month.closures import add_closure_day, days_off_ahead, remove_closure_day
from auditapp.reads import recent_reads
from auditapp.remembered import history_version, remembered
from auditapp.security.access import allow, allow_blueprint
from auditapp.security.people import (
    absences_of,
    add_absence,
    apply_people,
    create_team,
    remove_absence,
    rename_team,
    save_user,
    set_password,
    set_workload,
)
from auditapp.views import form_posted, saving
from auditapp.views.paging import LogPage, newest_first, paginate
from auditapp.views.sorting import SortableTable
from auditapp.workdays import REGIONS, region

bp = Blueprint("admin", __name__, url_prefix="/people")
PEOPLE_PAGE = 50
ACTIVITY_PAGE = 100
PEOPLE_TABLE = SortableTable({
    "name": (User.name,), "email": (User.email,),
    # A correlated look-up, not a join: the page's statement stays the same shape whatever the order.
    "team": (select(Team.name).where(Team.id == User.team_id).scalar_subquery(),),
}, tiebreak=(User.id,), default="name")


allow_blueprint(bp, permissions.can_manage)


@bp.route("/", methods=["GET", "POST"])
def people():
    form = UploadForm()
    problems = []
    if form_posted(form):
        try:
            with saving(form) as save:
                added, updated = apply_people(current_user, read_people(form.file.data.stream, form.file.data.filename))
        except ImportFailed as failure:
            db.session.rollback()
            problems = failure.lines()
            form.file.errors = ["The file has problems: nothing was imported. Correct the rows listed."]
        if save.refused:
            form.file.errors = [save.refused.message]
        if save.saved:
            flash(f"People imported: {added} added, {updated} updated", "success")
            return redirect(url_for("admin.people"))
    search = (request.args.get("q") or "").strip()
    query = select(User).options(*PERSON_ROW).order_by(User.name, User.id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern)))
    sort = PEOPLE_TABLE.requested()
    return render_template("admin/people.html", page=paginate(PEOPLE_TABLE.apply(query, sort), PEOPLE_PAGE),
                           search=search, form=form, problems=problems, sort=sort)


def _person_form(user: User | None) -> PersonForm:
    form = PersonForm(obj=user)
    form.team.choices = [("", "Select a team")] + [
        (str(t.id), t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]
    form.line_manager.choices = [("", "None")] + [
        (str(i), name) for i, name in db.session.execute(
            select(User.id, User.name).where(User.active.is_(True), User.id != getattr(user, "id", None))
            .order_by(User.name))]
    if user and not form.is_submitted():
        form.team.data = str(user.team_id)
        form.roles.data = [attr for attr in ROLE_LABELS if getattr(user, attr)]
        form.line_manager.data = str(user.line_manager_id or "")
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:user_id>", methods=["GET", "POST"])
def person(user_id: int | None = None):
    # populate_existing: the person may be the one signed in, already loaded without their team.
    user = db.session.get(User, user_id, options=PERSON_ROW, populate_existing=True) if user_id else None
    if user_id and user is None:
        abort(404)
    form = _person_form(user)
    if form_posted(form):
        team = db.session.get(Team, int(form.team.data or 0))
        if team is None:  # the team list offers only teams that exist: anything else was crafted
            abort(404)
        with saving(form, reload=lambda: _person_again(user_id)) as save:
            saved = save_user(current_user, user, name=form.name.data or "", email=form.email.data or "", team=team,
                              roles=set(form.roles.data or []), active=form.active.data,
                              expected_version=form.opened_at()[0])
            if form.password.data:
                set_password(current_user, saved, form.password.data, keep_session=session.get("sid"))
            manager = (db.session.get(User, int(form.line_manager.data))
                       if (form.line_manager.data or "").isdigit() else None)
            set_workload(current_user, saved, form.max_audits_per_month.data, manager)
        user = save.reloaded or user
        if save.saved:
            flash(f"{saved.name} has been saved", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person.html", form=form, user=user, absence_form=AbsenceForm(),
                           absences=absences_of(user) if user else [])


def _person_again(user_id: int | None) -> tuple[User, int]:
    user = db.session.get(User, user_id, options=PERSON_ROW, populate_existing=True) if user_id else None
    if user is None:  # a conflict needs a saved person: a new one cannot have been changed by another
        abort(404)
    return user, user.version


@bp.route("/<int:user_id>/absences", methods=["POST"])
def absence(user_id: int):
    user = db.session.get(User, user_id, options=PERSON_ROW) or abort(404)
    form = AbsenceForm()
    if form_posted(form):
        with saving(form) as save:
            add_absence(current_user, user, _day(form.starts_on.data), _day(form.ends_on.data), form.reason.data)
        if save.saved:
            flash("Period away recorded: no audits are allocated and no reminders sent to them then", "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/person.html", form=_person_form(user), user=user, absence_form=form,
                           absences=absences_of(user))


@bp.route("/<int:user_id>/absences/<int:absence_id>/remove", methods=["POST"])
def remove_absence_view(user_id: int, absence_id: int):
    user = db.session.get(User, user_id, options=PERSON_ROW) or abort(404)
    found = db.session.get(Absence, absence_id)
    if found is None or found.user_id != user.id:
        abort(404)
    version = request.form.get("version", "")
    with saving(None) as save:
        remove_absence(current_user, found, user, int(version) if version.isdigit() else None)
    if save.saved:
        flash("Period away removed", "success")
    else:
        flash("This period away was changed after you opened the page: nothing was removed. Check it, "
              "then remove it again.", "info")
    return redirect(url_for("admin.person", user_id=user.id))


def _day(text: str | None):
    try:
        return parse_day(text)
    except ValueError:
        return None


@bp.route("/closure-days", methods=["GET", "POST"])
def closure_days():
    form = ClosureDayForm()
    if form_posted(form):
        with saving(form) as save:
            closure = add_closure_day(current_user, _day(form.day.data), form.reason.data or "")
        if save.saved:
            flash(f"{closure.day:%A %-d %B %Y} added as a closure day: no deadline falls on it", "success")
            return redirect(url_for("admin.closure_days"))
    return render_template("admin/closure_days.html", form=form, days_off=days_off_ahead(clock.today()),
                           region_name=REGIONS[region()])


@bp.route("/closure-days/<int:closure_id>/remove", methods=["POST"])
def remove_closure_day_view(closure_id: int):
    closure = db.session.get(ClosureDay, closure_id) or abort(404)
    day = closure.day
    with saving(None):
        remove_closure_day(current_user, closure)
    flash(f"{day:%A %-d %B %Y} is a working day again", "success")
    return redirect(url_for("admin.closure_days"))


@bp.route("/teams", methods=["GET", "POST"])
def teams():
    form = TeamForm()
    if form_posted(form):
        with saving(form) as save:
            team = create_team(current_user, form.name.data or "")
        if save.saved:
            flash(f"Team {team.name} added", "success")
            return redirect(url_for("admin.teams"))
    rows = db.session.execute(
        select(Team, func.count(User.id)).outerjoin(User, User.team_id == Team.id)
        .group_by(Team.id).order_by(Team.name))
    return render_template("admin/teams.html", form=form, teams=list(rows))


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
def team(team_id: int):
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    form = TeamForm(obj=team)
    form.submit.label.text = "Save"
    if form_posted(form):
        with saving(form, reload=lambda: _team_again(team_id)) as save:
            rename_team(current_user, team, form.name.data or "", form.opened_at()[0])
        team = save.reloaded or team
        if save.saved:
            flash(f"Team renamed to {team.name}", "success")
            return redirect(url_for("admin.teams"))
    return render_template("admin/team.html", form=form, team=team)


def _team_again(team_id: int) -> tuple[Team, int]:
    team = db.session.get(Team, team_id, populate_existing=True)
    if team is None:
        abort(404)
    return team, team.version


@bp.route("/activity")
@allow(permissions.can_read_activity)
def activity():
    form = ActivityFilterForm(request.args)
    # Everyone, by name: remembered under the figures' version, which every change to people moves
    # (reading and turning 430 people into choices was a tenth of the page on the large county).
    form.person.choices = remembered("activity log's people", None, lambda: [("", "Anyone")] + [
        (str(i), name) for i, name in db.session.execute(select(User.id, User.name).order_by(User.name, User.id))])
    # Remembered until the data changes: finding the kinds reads the whole log.
    kinds = remembered("kinds of entry", None, kinds_of_entry, version=history_version)
    form.kind.choices = [("", "Any kind")] + [(k, k) for k in kinds]
    since, until = _filter_day(form.since), _filter_day(form.until)
    if since and until and until < since:
        form.until.errors = ["The last day to show must be the same as or after the first day"]
        since = until = None
    person = int(form.person.data) if (form.person.data or "").isdigit() else None
    kind = form.kind.data if form.kind.data in dict(form.kind.choices) else None
    page = _newest_first(recent_activity(person, kind or None, since, until), Event.id)
    args = {name: value for name, value in request.args.items()
            if name not in ("page", "submit", "before", "after") and value}
    return render_template("admin/activity.html", events=page.items, page=page, form=form, args=args,
                           subjects=subjects(page.items),
                           filtered=bool(args))


DAY_ERRORS = {"since": "Enter the first day to show as a real date, for example 1/11/2026",
              "until": "Enter the last day to show as a real date, for example 30/11/2026"}


def _filter_day(field):
    """The date a filter field asks for; None, with the field's error, when it is not a date."""
    try:
        return parse_day(field.data)
    except ValueError:
        field.errors = [DAY_ERRORS[field.name]]
        return None


@bp.route("/reads")
@allow(permissions.can_read_activity)
def reads():
    search = request.args.get("q", "")[:100]
    page = _newest_first(recent_reads(search), ReadRecord.id)
    return render_template("admin/reads.html", reads=page.items, page=page, search=search)


def _newest_first(query, key) -> LogPage:
    """No total: counting the whole log on every view would cost more than the page; one row past
    the page says whether there is more. Keyset paging, so the oldest page is as quick as the newest."""
    return newest_first(query, key, ACTIVITY_PAGE)
