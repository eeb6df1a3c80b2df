from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased

from auditapp import clock, jobs, permissions
from auditapp.exports.past_audits import template_workbook
from auditapp.extensions import db
from auditapp.forms.imports import case_types_form, columns_form
from auditapp.forms.month import PastAuditsForm, UploadForm
from auditapp.imports.columns import CASE_FIELDS, field_key
from auditapp.imports.table import ImportFailed, NeedsColumns
from auditapp.models import CASE_TYPES, Audit, Case, Cycle, ImportJob, Team, User
from auditapp.models.loading import CASE_ROW
from auditapp.month import register
from auditapp.month.past_audits import import_past_audits
from auditapp.remembered import remembered
from auditapp.security.access import allow_blueprint
from auditapp.views import form_posted, saving
from auditapp.views.paging import Page, paginate, requested_page
from auditapp.views.sorting import Sort, SortableTable

bp = Blueprint("cases", __name__)

PAGE_SIZE = 50
# The manager's name by a join, with the person's id after it, so that both databases walk the
# (name, id) index of people (migration 0028s) and each manager's cases by their index, stopping at
# the page: a look-up per case meant computing and sorting 60,000 names for each page (816 ms a
# request on SQLite under load, 2.8 s on PostgreSQL). The team's name by a join too, walking the
# teams' unique names and each team's cases by id (the same order as a look-up per case, which cost
# 60 ms a page on SQLite); the opening date by its index (migration 0030l).
MANAGER = aliased(User, name="manager")
TEAM = aliased(Team, name="team_sorted")
REGISTER_TABLE = SortableTable({
    "reference": (Case.reference,),
    "team": (TEAM.name,),
    "type": (case(CASE_TYPES, value=Case.case_type),),  # by the name shown, not the stored key
    "manager": (MANAGER.name, MANAGER.id),
    "opened": (Case.open_date,), "closed": (Case.closed_date,),
}, tiebreak=(Case.id,), default="reference",
    joins={"manager": lambda query: query.join(MANAGER, MANAGER.id == Case.manager_id),
           "team": lambda query: query.join(TEAM, TEAM.id == Case.team_id)},
    # The type too: the database refuses a type the code does not name, so its label is never empty.
    never_empty=frozenset({"reference", "team", "type", "manager", "opened"}))


allow_blueprint(bp, permissions.can_manage)


@bp.route("/cases", methods=["GET", "POST"])
def index():
    form = UploadForm()
    if form_posted(form):
        upload = form.file.data
        # Checked and imported in the background: a county's list takes longer than a web request may.
        job = ImportJob(filename=upload.filename, content=upload.read(), created_by_id=current_user.id,
                        created_at=clock.now(), status="queued", rows_done=0)
        with saving(form):
            db.session.add(job)
        jobs.import_case_list(job.id)
        return redirect(url_for("cases.import_progress", job_id=job.id))
    search = (request.args.get("q") or "").strip()
    query = select(Case).options(*CASE_ROW).order_by(Case.reference)
    if search:
        query = query.where(func.upper(Case.reference).contains(search.upper(), autoescape=True))
    # The register's size, remembered until the data changes (an import is recorded in the history):
    # counting 60,000 rows costs PostgreSQL milliseconds on every page of the register.
    registered = remembered("register size", None, lambda: db.session.scalar(select(func.count(Case.id))))
    sort = REGISTER_TABLE.requested()
    number = requested_page()
    # A page's rows are remembered under the figures' version, shared by every worker: the register
    # changes only with an import, a person's or a team's change or a new sample, which all move it;
    # loading 50 cases with their teams, managers and audits was over a third of the page.
    page = remembered("register page", (search, sort.key, sort.descending, number), lambda: _register_rows(
        query, sort, number, None if search else registered))
    return render_template("cases/index.html", form=form, search=search, page=page, registered=registered, sort=sort)


@dataclass(frozen=True)
class RegisterRow:
    """One case as the register lists it: plain values, so it can be remembered."""
    reference: str
    team: str
    case_type: str
    manager: str
    opened: date | None
    closed: date | None
    audits: list[tuple[int, str, str | None]]  # (audit id, month, title), newest month first


def _register_rows(query: Select, sort: Sort, number: int, total: int | None) -> Page:
    # Every sort pages from the nearer end (`reverse`): the last page walks no more than the first.
    page = paginate(REGISTER_TABLE.apply(query, sort), PAGE_SIZE, number, total=total, ids_first=True,
                    reverse=REGISTER_TABLE.reverse(query, sort), counted=query)
    audits = audits_of_cases([case.id for case in page.items])
    rows = [RegisterRow(case.reference, case.team.name, case.case_type_label, case.manager.name,
                        case.open_date, case.closed_date, audits.get(case.id, [])) for case in page.items]
    return Page(rows, page.number, page.size, page.total)


def audits_of_cases(case_ids: list[int]) -> dict[int, list]:
    """Each listed case's audits, newest month first, in one statement: the register links to them."""
    found: dict[int, list] = {}
    for case_id, audit_id, month, title in db.session.execute(
            select(Audit.case_id, Audit.id, Cycle.month, Cycle.title).join(Cycle, Cycle.id == Audit.cycle_id)
            .where(Audit.case_id.in_(case_ids), Cycle.cancelled_at.is_(None))
            .order_by(Cycle.month.desc(), Audit.id)):
        found.setdefault(case_id, []).append((audit_id, month, title))
    return found


def _job(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/cases/imports/<int:job_id>", methods=["GET", "POST"])
def import_progress(job_id: int):
    job = _job(job_id)
    if job.status in register.WAITING:
        return _questions(job)
    if request.method == "POST":  # answers from a page opened before the import moved on
        return redirect(url_for("cases.import_progress", job_id=job.id))
    form = UploadForm() if job.status == "failed" else None
    if form is not None:
        form.file.errors = [f"The file has {job.problem_count:,} problems: nothing was imported. "
                            "Correct the rows listed and upload it again."
                            if job.problem_count != 1 else
                            "The file has a problem: nothing was imported. Correct it and upload it again."]
    return render_template("cases/import.html", job=job, form=form,
                           problems=(job.problems or "").splitlines())


def _questions(job: ImportJob):
    """An import waiting for the QA lead: the file's columns beside auditapp's fields, or its
    unknown case-type words with their rows. Answered, the same file is imported from the start."""
    asked = register.questions(job)
    saved = False
    if job.status == "columns":
        form = columns_form(asked["headers"], asked["guesses"])
        if form_posted(form):
            with saving(form) as save:
                register.match_columns(current_user, job, {
                    name: form[field_key(name)].data or "" for name in CASE_FIELDS})
            saved = save.saved
    else:
        form = case_types_form(asked["words"])
        if form_posted(form):
            with saving(form) as save:
                register.match_case_types(current_user, job, {
                    word["word"]: form[f"type_{n}"].data or "" for n, word in enumerate(asked["words"])})
            saved = save.saved
    if saved:  # the answers are remembered: import the same file again, from the start, with them
        jobs.import_case_list(job.id)
        return redirect(url_for("cases.import_progress", job_id=job.id))
    return render_template("cases/questions.html", job=job, form=form, asked=asked,
                           fields=[(name, label, field_key(name)) for name, label in CASE_FIELDS.items()])


@bp.route("/cases/imports/<int:job_id>.json")
def import_status(job_id: int):
    """What the progress page polls, so its live region can say how far the import has got."""
    job = _job(job_id)
    return jsonify(status=job.status, rows_done=job.rows_done, rows_total=job.rows_total)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/cases/past-audits", methods=["GET", "POST"])
def past_audits():
    """The audits done before auditapp, from the council's spreadsheet: checked and imported in
    the request (a county's five years, 6,000 rows, take a few seconds), all or nothing."""
    form, problems = PastAuditsForm(), []
    if form_posted(form):
        upload = form.file.data
        try:
            with saving(form) as save:
                added, unchanged = import_past_audits(current_user, upload.stream, upload.filename)
        except ImportFailed as failure:
            db.session.rollback()
            problems = failure.lines()
            form.file.errors = [f"The file has {failure.count:,} {'problem' if failure.count == 1 else 'problems'}: "
                                "nothing was imported. Correct the rows listed and upload it again."]
        except NeedsColumns as waiting:
            db.session.rollback()
            form.file.errors = [f"No row of the file names every column of the template (row {waiting.row} "
                                "comes closest): download the template and copy the audits into it"]
        else:
            if save.saved:
                flash(f"{added:,} past audits imported, {unchanged:,} already imported", "success")
                return redirect(url_for("cases.past_audits"))
    page = paginate(select(Cycle.month).where(Cycle.imported_at.is_not(None), Cycle.cancelled_at.is_(None))
                    .order_by(Cycle.month.desc()), 24)
    counts = dict(db.session.execute(
        select(Cycle.month, func.count(Audit.id)).join(Audit, Audit.cycle_id == Cycle.id)
        .where(Cycle.month.in_(page.items), Audit.imported_at.is_not(None), Cycle.cancelled_at.is_(None))
        .group_by(Cycle.month)).all())
    return render_template("cases/past_audits.html", form=form, problems=problems, page=page, counts=counts)


@bp.route("/cases/past-audits/template.xlsx")
def past_audits_template():
    return Response(template_workbook(), mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="past-audits-template.xlsx"'})
