"""Practice priorities, the work under them and their evidence; and "you said, we did"."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from auditapp import clock, permissions, reads
from auditapp.extensions import db
from auditapp.findings.themes import active_themes, all_themes
from auditapp.forms.findings import parse_day
from auditapp.forms.learning import ActivityForm, CloseForm, LinkForm, PriorityForm, ResponseForm, number_or_none
from auditapp.grading import JUDGEMENTS
from auditapp.learning import evidence, priorities, responses
from auditapp.models import Priority, PriorityLink
from auditapp.security.access import allow
from auditapp.views import form_posted, saving
from auditapp.views.paging import paginate

bp = Blueprint("learning", __name__)
PAGE_SIZE = 25


@bp.route("/priorities")
@allow(permissions.can_read_priorities)
def index():
    page = paginate(priorities.priority_list(), PAGE_SIZE)
    return render_template("learning/index.html", page=page, describe=priorities.describe)


def _choices(form: PriorityForm, priority: Priority | None = None) -> None:
    """The senior managers and themes offered; a priority keeps its own even once retired or gone."""
    owners = [(str(u.id), u.name) for u in priorities.owners()]
    themes = [(str(t.id), t.name) for t in active_themes()]
    if priority and str(priority.owner_id) not in dict(owners):
        owners.append((str(priority.owner_id), priority.owner.name))
    if priority and priority.theme and str(priority.theme_id) not in dict(themes):
        themes.append((str(priority.theme_id), priority.theme.name))
    form.owner.choices = [("", "Choose a senior manager")] + owners
    form.theme.choices = [("", "Choose a theme")] + themes


def _entry(form: PriorityForm) -> priorities.PriorityEntry:
    return priorities.PriorityEntry(
        title=form.title.data or "", why=form.why.data or "", owner_id=number_or_none(form.owner.data),
        measure=form.measure.data or "", judgement=form.judgement.data or "", theme_id=number_or_none(form.theme.data),
        target=number_or_none(form.target.data), target_by=parse_day(form.target_by.data),
        review_on=parse_day(form.review_on.data))


@bp.route("/priorities/new", methods=["GET", "POST"])
@allow(permissions.can_raise_priority)
def new():
    form = PriorityForm()
    _choices(form)
    if request.method == "GET":
        # Raised from a figure's drill-down: the theme or domain it came from is chosen already.
        if request.args.get("theme", "").isdigit():
            form.measure.data, form.theme.data = "worry", request.args["theme"]
        elif request.args.get("domain") in JUDGEMENTS:
            form.measure.data, form.judgement.data = "good", request.args["domain"]
    if form_posted(form):
        with saving(form) as save:
            priority = priorities.raise_priority(current_user, _entry(form))
        if save.saved:
            flash(f"Practice priority raised: {priority.title}", "success")
            return redirect(url_for("learning.show", priority_id=priority.id))
    return render_template("learning/form.html", form=form, priority=None)


@bp.route("/priorities/<int:priority_id>")
@allow(permissions.can_read_priorities)
def show(priority_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    activities = priorities.activities_of([priority.id])[priority.id]
    shown = evidence.evidence(priority, activities, evidence.evidence_months(priority, clock.today()),
                              from_first_audits=True)
    links = priorities.linked(priorities.links_of(priority))
    if permissions.reads_every_audit(current_user):
        reads.note(f"Practice priority: {priority.title}")  # the page names the audits behind it, for them
    return render_template("learning/show.html", priority=priority, activities=activities, evidence=shown,
                           links=links,
                           history=priorities.history_of(priority) if permissions.reads_every_audit(current_user)
                           else [],
                           measure=priorities.describe(priority, priority.theme.name if priority.theme else None))


def _priority_again(form, priority_id: int):
    """saving()'s reload: the priority as now saved with what changed since the form was opened
    (from its history), and its version; the form's mark moves on."""
    seen = form.opened_at()[1] or 0
    priority = permissions.get_priority(priority_id, current_user, reload=True)
    form.seen.data = str(priorities.history_mark(priority))
    return (priority, priorities.history_of(priority, seen)), priority.version


@bp.route("/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@allow(permissions.can_raise_priority)
def edit(priority_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    form = PriorityForm()
    _choices(form, priority)
    changes = None
    if request.method == "GET":
        form.open_at(priority.version, priorities.history_mark(priority))
        form.title.data, form.why.data, form.owner.data = priority.title, priority.why, str(priority.owner_id)
        form.measure.data, form.judgement.data = priority.measure, priority.judgement or ""
        form.theme.data = str(priority.theme_id or "")
        form.target.data = "" if priority.target is None else str(priority.target)
        form.target_by.data = priority.target_by.strftime("%-d/%-m/%Y")
        form.review_on.data = priority.review_on.strftime("%-d/%-m/%Y")
    if form_posted(form):
        with saving(form, reload=lambda: _priority_again(form, priority_id)) as save:
            priorities.change_priority(current_user, priority, _entry(form), form.opened_at()[0])
        priority, changes = save.reloaded or (priority, None)
        if save.saved:
            flash("Practice priority saved", "success")
            return redirect(url_for("learning.show", priority_id=priority.id))
    return render_template("learning/form.html", form=form, priority=priority, changes=changes)


@bp.route("/priorities/<int:priority_id>/close", methods=["GET", "POST"])
@allow(permissions.can_raise_priority)
def close(priority_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    form, changes = CloseForm(), None
    if request.method == "GET":
        form.open_at(priority.version, priorities.history_mark(priority))
    if form_posted(form):
        with saving(form, reload=lambda: _priority_again(form, priority_id)) as save:
            priorities.close_priority(current_user, priority, form.outcome.data or "", form.note.data or "",
                                      form.opened_at()[0])
        priority, changes = save.reloaded or (priority, None)
        if save.saved:
            flash(f"Practice priority closed: {priority.state_label}", "success")
            return redirect(url_for("learning.show", priority_id=priority.id))
    return render_template("learning/close.html", form=form, priority=priority, changes=changes)


@bp.route("/priorities/<int:priority_id>/links", methods=["GET", "POST"])
@allow(permissions.can_raise_priority)
def links(priority_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    form = LinkForm()
    form.theme.choices = [("", "None")] + [(str(t.id), t.name) for t in all_themes()]
    form.action.choices = [("", "None")] + [(str(a.id), a.description[:120])
                                            for a in priorities.candidate_actions(priority)]
    if form_posted(form):
        entry = priorities.LinkEntry(theme_id=number_or_none(form.theme.data), domain=form.domain.data or "",
                                     reference=form.reference.data or "",
                                     reference_kind=form.reference_kind.data or "audit",
                                     action_id=number_or_none(form.action.data))
        with saving(form) as save:
            added = priorities.add_links(current_user, priority, entry)
        if save.saved:
            flash(f"{added} linked" if added else "Already linked: nothing new", "success")
            return redirect(url_for("learning.links", priority_id=priority.id))
    rows = priorities.linked(priorities.links_of(priority))
    reads.note(f"What is behind the practice priority: {priority.title}")  # names the audits linked
    return render_template("learning/links.html", form=form, priority=priority, links=rows)


@bp.route("/priorities/<int:priority_id>/links/<int:link_id>/remove", methods=["POST"])
@allow(permissions.can_raise_priority)
def remove_link(priority_id: int, link_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    link = db.session.get(PriorityLink, link_id)
    if link is None or link.priority_id != priority.id:
        abort(404)
    with saving(None):
        priorities.remove_link(current_user, priority, link)
    flash("Link removed", "success")
    return redirect(url_for("learning.links", priority_id=priority.id))


@bp.route("/priorities/<int:priority_id>/activities/new", methods=["GET", "POST"])
@allow(permissions.can_raise_priority)
def new_activity(priority_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    form = ActivityForm()
    if form_posted(form):
        entry = priorities.ActivityEntry(kind=form.kind.data or "", what=form.what.data or "",
                                         held_on=parse_day(form.held_on.data), reached=form.reached.data or "",
                                         attended=number_or_none(form.attended.data),
                                         material_url=form.material_url.data or "")
        with saving(form) as save:
            priorities.add_activity(current_user, priority, entry)
        if save.saved:
            flash("Learning activity recorded", "success")
            return redirect(url_for("learning.show", priority_id=priority.id))
    return render_template("learning/activity.html", form=form, priority=priority)


@bp.route("/priorities/<int:priority_id>/targeted", methods=["POST"])
@allow(permissions.can_test_priority)
def test_with_targeted_audit(priority_id: int):
    priority = permissions.get_priority(priority_id, current_user)
    with saving(None):
        cycle = priorities.start_targeted_audit(current_user, priority)
    flash("Targeted audit started to test the priority: choose its cases", "success")
    return redirect(url_for("targeted.show", cycle_id=cycle.id))


@bp.route("/you-said-we-did")
@allow(permissions.can_read_priorities)
def you_said():
    page = paginate(responses.response_ids(), PAGE_SIZE)
    page.items = responses.rows_of(page.items)
    if permissions.reads_every_audit(current_user) and page.items:
        reads.note("You said, we did")  # names the cases the feedback came from
    return render_template("learning/you_said.html", page=page)


@bp.route("/you-said-we-did/new", methods=["GET", "POST"])
@allow(permissions.can_record_response)
def new_response():
    form = ResponseForm()
    form.priority.choices = [("", "None")] + [(str(p.id), p.title) for p in db.session.scalars(
        select(Priority).where(Priority.status == "open").order_by(Priority.title))]
    if form_posted(form):
        entry = responses.ResponseEntry(
            source=form.source.data or "", reference=form.reference.data or "", you_said=form.you_said.data or "",
            we_did=form.we_did.data or "", their_words=form.their_words.data or "",
            words_consented=bool(form.words_consented.data), changed_on=parse_day(form.changed_on.data),
            priority_id=number_or_none(form.priority.data))
        with saving(form) as save:
            responses.record_response(current_user, entry)
        if save.saved:
            flash("You said, we did: recorded", "success")
            return redirect(url_for("learning.you_said"))
    return render_template("learning/response.html", form=form)

