"""Targeted (thematic) audits: start one, choose its cases, follow it, and its own summary."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from auditapp import clock, permissions, reads
from auditapp.exports.workbook import TARGETED_SHEETS, workbook_bytes
from auditapp.extensions import db
from auditapp.forms.findings import OWN, TargetedAuditForm, TargetedCasesForm, TargetedChangeForm
from auditapp.framework import audit_types
from auditapp.grading import DOMAINS, judgements_made
from auditapp.imports.table import ImportFailed, read_table
from auditapp.models import CASE_TYPES, AuditType, Case, Cycle, Team
from auditapp.models.loading import CASE_ROW
from auditapp.models.sets import COURSES
from auditapp.month import targeted
from auditapp.reports import worklists
from auditapp.reports.summary import summarise_targeted
from auditapp.security.access import allow
from auditapp.views import form_posted, saving
from auditapp.views.paging import paginate

bp = Blueprint("targeted", __name__, url_prefix="/targeted")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PICK_PAGE = 25


@bp.route("/")
@allow(permissions.can_manage)
def index():
    page = paginate(targeted.targeted_audits(), PICK_PAGE)
    return render_template("targeted/index.html", page=page,
                           overviews=worklists.cycle_overviews(page.items, clock.today()))


@bp.route("/new", methods=["GET", "POST"])
@allow(permissions.can_manage)
def new():
    form = TargetedAuditForm()  # no domain ticked: the QA lead chooses them, rather than keeping a default
    startable = {str(version.id): (kind, version) for kind, version in audit_types.startable()}
    form.audit_type.choices = [(key, kind.name) for key, (kind, _) in startable.items()] + [
        (OWN, "Its own domains and questions")]
    if form_posted(form):
        chosen = form.audit_type.data or OWN  # a post without the choice: its own (as before audit types)
        with saving(form) as save:
            if chosen == OWN:
                cycle = targeted.start(current_user, form.title.data or "", form.domains.data or [],
                                       form.questions.data or "")
            else:
                cycle = targeted.start_of_type(current_user, form.title.data or "", startable[chosen][1])
        if save.saved:
            flash("Targeted audit started: now choose its cases", "success")
            return redirect(url_for("targeted.show", cycle_id=cycle.id))
    return render_template("targeted/new.html", form=form, startable=startable, courses=COURSES, own=OWN)


@bp.route("/<int:cycle_id>", methods=["GET", "POST"])
@allow(permissions.can_manage)
def show(cycle_id: int):
    cycle = permissions.get_cycle(cycle_id, current_user)
    search, team, case_type = (request.args.get(k, "").strip()[:100] for k in ("q", "team", "case_type"))
    found = select(Case).options(*CASE_ROW).order_by(Case.reference)
    if search:
        found = found.where(func.upper(Case.reference).like(f"{search.upper()}%"))
    if team.isdigit():
        found = found.where(Case.team_id == int(team))
    if case_type in CASE_TYPES:
        found = found.where(Case.case_type == case_type)
    picking = bool(search or team or case_type)
    page = paginate(found, PICK_PAGE) if picking else None
    form, asking_to_confirm = TargetedCasesForm(), False
    form.chosen.choices = [(c.reference, f"{c.reference}: {c.team.name}, {CASE_TYPES[c.case_type].lower()}, "
                                          f"manager {c.manager.name if c.manager else 'not recorded'}")
                           for c in page.items] if page else []
    if request.method == "POST":
        # Chosen on an earlier page of results: add_cases checks each is on the register.
        form.chosen.choices += [(r, r) for r in request.form.getlist("chosen")]
    if form_posted(form):
        references = list(form.chosen.data or []) + (form.references.data or "").splitlines()
        try:
            with saving(form) as save:
                if form.file.data:
                    references += [row.text("case reference") for row in
                                   read_table(form.file.data.stream, form.file.data.filename, ["case reference"])]
                added = targeted.add_cases(current_user, cycle, references, confirmed=bool(form.confirm_twice.data))
        except ImportFailed as failure:
            db.session.rollback()
            form.file.errors = failure.lines()[:20]
        asking_to_confirm = isinstance(save.refused, targeted.AlreadyAudited)
        if save.saved:
            flash(f"{len(added)} cases added and allocated", "success")
            return redirect(url_for("targeted.show", cycle_id=cycle.id))
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    reads.note(f"Targeted audit {cycle.title}: its cases")
    return render_template("targeted/show.html", cycle=cycle, form=form, page=page, picking=picking,
                           asking_to_confirm=asking_to_confirm, can_change=_can_change(cycle),
                           questions=targeted.questions(cycle), courses=COURSES, type_name=_type_name(cycle),
                           search=search, team=team, case_type=case_type, teams=teams, case_types=CASE_TYPES,
                           overview=worklists.cycle_overviews([cycle], clock.today())[0],
                           audits=paginate(worklists.cycle_audits(cycle), PICK_PAGE),
                           domains=[DOMAINS[k] for k in cycle.domain_keys], today=clock.today())


@bp.route("/<int:cycle_id>/change", methods=["GET", "POST"])
@allow(permissions.can_manage)
def change(cycle_id: int):
    cycle = permissions.get_cycle(cycle_id, current_user)
    form = TargetedChangeForm()
    if request.method == "GET":
        form.title.data, form.domains.data = cycle.title, list(cycle.domain_keys)
        form.questions.data = "\n".join(q.text for q in targeted.questions(cycle))
        form.open_at(cycle.version)
    if form_posted(form):
        with saving(form, reload=lambda: _cycle_again(cycle_id)) as save:
            targeted.change(current_user, cycle, form.title.data or "", form.domains.data or [],
                            form.questions.data or "", form.opened_at()[0])
        cycle = save.reloaded or cycle
        if save.saved:
            flash("Its domains and questions are changed", "success")
            return redirect(url_for("targeted.show", cycle_id=cycle.id))
    shared = cycle.type_version is not None and not audit_types.made_for(cycle)
    return render_template("targeted/change.html", form=form, cycle=cycle, can_change=_can_change(cycle),
                           shared_type=_type_name(cycle) if shared else "")


def _can_change(cycle: Cycle) -> bool:
    """Its domains and questions change until an audit is saved, and only when its type is its own."""
    return not targeted.started(cycle) and (cycle.type_version is None or audit_types.made_for(cycle))


def _type_name(cycle: Cycle) -> str:
    kind = db.session.get(AuditType, cycle.type_version.audit_type_id) if cycle.type_version else None
    return kind.name if kind else ""


def _cycle_again(cycle_id: int) -> tuple[Cycle, int]:
    cycle = permissions.get_cycle(cycle_id, current_user, reload=True)
    return cycle, cycle.version


@bp.route("/<int:cycle_id>/summary")
@allow(permissions.can_read_reports)
def summary(cycle_id: int):
    cycle = permissions.get_cycle(cycle_id, current_user)
    figures = summarise_targeted(cycle, clock.today())
    return render_template("targeted/summary.html", cycle=cycle, summary=figures,
                           judgements=judgements_made(cycle.domain_keys))


@bp.route("/<int:cycle_id>.xlsx")
@allow(permissions.can_read_reports)
def workbook(cycle_id: int):
    cycle = permissions.get_cycle(cycle_id, current_user)
    content = workbook_bytes(summarise_targeted(cycle, clock.today()), TARGETED_SHEETS)
    reads.note(f"Targeted audit {cycle.title} (Excel)")
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="targeted-audit-{cycle.id}.xlsx"'})
