"""Calibration exercises: set one up, the panel's agreed grades, open it, grade it blind, read the
results, each auditor's record over time, and the rule for who is due."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import exists, select

from auditapp import clock, permissions, reads
from auditapp.calibration import due, exercises, results, taking
from auditapp.calibration.documents import MAX_BYTES, download_name
from auditapp.extensions import db
from auditapp.forms.calibration import AgreedForm, ExerciseForm, GradingForm, OpenForm, RuleForm
from auditapp.forms.findings import parse_day
from auditapp.framework import descriptors as descriptor_versions
from auditapp.grading import GRADES_BEST_FIRST
from auditapp.models import CalibrationExercise, CalibrationMember, Team, User
from auditapp.models.calibration import SUMMARY_KINDS, TAKES_PART
from auditapp.models.loading import PERSON_ROW
from auditapp.security.access import allow
from auditapp.views import form_posted, posted, posted_any, saving
from auditapp.views.paging import page_of, paginate

bp = Blueprint("calibration", __name__, url_prefix="/calibration")
PAGE = 25


def _descriptors_text(recorded: str) -> str:
    return descriptor_versions.published_text(recorded) or "the current version"


@bp.route("/")
@allow(permissions.anyone_signed_in)
def index() -> ResponseReturnValue:
    query = select(CalibrationExercise).order_by(CalibrationExercise.closes_on.desc(), CalibrationExercise.id.desc())
    if not permissions.reads_every_audit(current_user):
        # Others see only the exercises they are on: one they are not on is not theirs to know of.
        mine = exists().where(CalibrationMember.exercise_id == CalibrationExercise.id,
                              CalibrationMember.user_id == current_user.id)
        query = query.where(mine)
    return render_template("calibration/index.html", page=paginate(query, PAGE), today=clock.today(),
                           can_set_up=permissions.can_set_up_calibration(current_user),
                           can_manage=permissions.can_manage(current_user))


@bp.route("/new", methods=["GET", "POST"])
@allow(permissions.can_set_up_calibration)
def new() -> ResponseReturnValue:
    form = ExerciseForm()
    form.team.choices = [("", "Choose a team")] + [(str(i), n) for i, n in db.session.execute(
        select(Team.id, Team.name).order_by(Team.name))]
    form.panel.choices = [(str(i), n) for i, n in db.session.execute(
        select(User.id, User.name).where(User.active.is_(True), User.is_senior_manager.is_(True),
                                         User.id != current_user.id).order_by(User.name))]
    current = descriptor_versions.current()
    form.descriptor_version.choices = [
        (v.recorded, f"Version {v.number}, {v.published_words}" + (" (in use today)" * (v.number == current.number)))
        for v in descriptor_versions.published_versions()]
    if not form.is_submitted():
        form.descriptor_version.data = current.recorded
    if form_posted(form):
        upload = form.summary_file.data
        setup = exercises.Setup(
            title=form.title.data or "", case_reference=form.case_reference.data or "",
            summary_text=form.summary_text.data or "",
            summary_filename=upload.filename if upload and upload.filename else "",
            # One byte past the limit is enough to know a file is too large.
            summary_content=upload.read(MAX_BYTES + 1) if upload and upload.filename else b"",
            domains=form.domains.data or [], takes_part=form.takes_part.data or "",
            team_id=int(form.team.data) if (form.team.data or "").isdigit() else None,
            named_emails=(form.named.data or "").splitlines(),
            panel_ids=[int(v) for v in form.panel.data or [] if v.isdigit()], closes_on=parse_day(form.closes_on.data),
            descriptor_version=form.descriptor_version.data or "")
        with saving(form) as save:
            exercise = exercises.set_up(current_user, setup)
        if save.saved:
            flash("Exercise set up: the panel agrees its grades next", "success")
            return redirect(url_for("calibration.show", exercise_id=exercise.id))
    return render_template("calibration/new.html", form=form)


@bp.route("/<int:exercise_id>")
@allow(permissions.anyone_signed_in)
def show(exercise_id: int) -> ResponseReturnValue:
    exercise = permissions.get_exercise(exercise_id, current_user)
    today = clock.today()
    submission = taking.submission_of(exercise, current_user.id)
    reads.note(f"Calibration exercise: {exercise.title}")
    return render_template(
        "calibration/show.html", exercise=exercise, submission=submission, today=today,
        judgements=exercises.judgements_of(exercise), takes_part_words=TAKES_PART[exercise.takes_part],
        descriptors=_descriptors_text(exercise.descriptor_version),
        panel=[m.user for m in exercise.members if m.role == "panel"],
        participants=[m.user for m in exercise.members if m.role == "participant"],
        submitted=len(results.submitted_of([exercise.id])) if permissions.on_panel(current_user, exercise) else None,
        may_agree=permissions.can_agree_grades(current_user, exercise),
        may_open=permissions.can_open_exercise(current_user, exercise),
        may_grade=permissions.can_grade_exercise(current_user, exercise, submission, today),
        sees_agreed=permissions.can_see_agreed(current_user, exercise, submission, today),
        closed=exercise.closed_on(today))


@bp.route("/<int:exercise_id>/agreed", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def agree(exercise_id: int) -> ResponseReturnValue:
    exercise = permissions.get_exercise(exercise_id, current_user)
    if not permissions.on_panel(current_user, exercise):
        abort(404)  # a participant may not learn what the panel is doing
    permissions.require(permissions.can_agree_grades(current_user, exercise),
                        "The agreed grades cannot be changed once the exercise is open: set up a new exercise")
    judged = exercises.judgements_of(exercise)
    form = AgreedForm()
    if not form.is_submitted():
        _fill_agreed(form, exercise)
    if form_posted(form):
        if not posted_any(form):
            flash("Nothing was saved: the form arrived without any answers", "info")
            return redirect(url_for("calibration.agree", exercise_id=exercise.id))
        grades = {k: int(form[f"{k}_grade"].data) if form[f"{k}_grade"].data else None
                  for k in judged if posted(form[f"{k}_grade"])}
        reasons = {k: form[f"{k}_reason"].data or "" for k in judged if posted(form[f"{k}_reason"])}
        with saving(form, reload=lambda: _exercise_again(exercise_id)) as save:
            exercises.save_agreed(current_user, exercise, grades, reasons, form.opened_at()[0])
        exercise = save.reloaded or exercise
        if save.saved:
            flash("The agreed grades are saved", "success")
            return redirect(url_for("calibration.show", exercise_id=exercise.id))
    return render_template("calibration/agreed.html", exercise=exercise, form=form, judged=judged,
                           descriptors=descriptor_versions.graded_against(exercise.descriptor_version).descriptors)


def _fill_agreed(form: AgreedForm, exercise: CalibrationExercise) -> None:
    for row in exercise.agreed:
        form[f"{row.judgement}_grade"].data = str(row.grade) if row.grade else None
        form[f"{row.judgement}_reason"].data = row.reason or ""
    form.version.data = str(exercise.version)


def _exercise_again(exercise_id: int) -> tuple[CalibrationExercise, int]:
    exercise = permissions.get_exercise(exercise_id, current_user, reload=True)
    return exercise, exercise.version


@bp.route("/<int:exercise_id>/open", methods=["GET", "POST"])
@allow(permissions.can_set_up_calibration)
def open_it(exercise_id: int) -> ResponseReturnValue:
    exercise = permissions.get_exercise(exercise_id, current_user)
    permissions.require(permissions.can_open_exercise(current_user, exercise), "This exercise is already open")
    form = OpenForm()
    if not form.is_submitted():
        form.version.data = str(exercise.version)
    if form_posted(form):
        with saving(form, reload=lambda: _exercise_again(exercise_id)) as save:
            exercises.open_exercise(current_user, exercise, form.opened_at()[0])
        exercise = save.reloaded or exercise
        if save.saved:
            flash("The exercise is open: its participants can grade the case now", "success")
            return redirect(url_for("calibration.show", exercise_id=exercise.id))
    return render_template("calibration/open.html", exercise=exercise, form=form,
                           judged=exercises.judgements_of(exercise), missing=exercises.missing_agreement(exercise),
                           participants=[m.user for m in exercise.members if m.role == "participant"])


@bp.route("/<int:exercise_id>/grade", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def grade(exercise_id: int) -> ResponseReturnValue:
    exercise = permissions.get_exercise(exercise_id, current_user)
    if not permissions.takes_part(current_user, exercise):
        abort(404)  # only participants have grades here
    submission = taking.submission_of(exercise, current_user.id)
    if not permissions.can_grade_exercise(current_user, exercise, submission, clock.today()):
        if request.method == "GET" and submission and submission.submitted_at:
            flash("Your grades are submitted and can no longer be changed", "info")
            return redirect(url_for("calibration.show", exercise_id=exercise.id))
        permissions.require(False, "This exercise is not open for grading")
    form = GradingForm()
    if not form.is_submitted():
        _fill_grading(form, taking.grading_of(submission))
        form.version.data = str(submission.version if submission else 0)
    if form_posted(form):
        if not posted_any(form):
            flash("Nothing was saved: the form arrived without any answers", "info")
            return redirect(url_for("calibration.grade", exercise_id=exercise.id))
        entry = _grading_from_form(form, exercise, taking.grading_of(submission))
        submitting = bool(form.submit.data)
        with saving(form, reload=lambda: _submission_again(exercise)) as save:
            taking.save_grading(current_user, exercise, entry, submitting, form.opened_at()[0])
        if save.saved:
            flash("Your grades are submitted" if submitting else "Your draft is saved", "success")
            if submitting:
                return redirect(url_for("calibration.show", exercise_id=exercise.id))
            return redirect(url_for("calibration.grade", exercise_id=exercise.id))
    return render_template("calibration/grade.html", exercise=exercise, form=form,
                           domains={k: v for k, v in exercises.judgements_of(exercise).items() if k != "overall"},
                           descriptors=descriptor_versions.graded_against(exercise.descriptor_version).descriptors)


def _submission_again(exercise: CalibrationExercise) -> tuple[object, int]:
    submission = taking.submission_of(exercise, current_user.id, reload=True)
    return submission, submission.version if submission else 0


def _fill_grading(form: GradingForm, entry: taking.Grading) -> None:
    for key, grade in entry.grades.items():
        form[f"{key}_grade"].data = str(grade) if grade else None
        form[f"{key}_evidence"].data = entry.evidence.get(key, "")
        form[f"{key}_impact"].data = entry.impact.get(key, "")
    form.overall_grade.data = str(entry.overall_grade) if entry.overall_grade else None


def _grading_from_form(form: GradingForm, exercise: CalibrationExercise, saved: taking.Grading) -> taking.Grading:
    """The saved grading with each posted answer over it: a field missing from the post keeps its value."""
    entry = taking.Grading(overall_grade=int(form.overall_grade.data) if form.overall_grade.data else None)
    if not posted(form.overall_grade):
        entry.overall_grade = saved.overall_grade
    for key in exercise.domain_keys:
        grade_field = form[f"{key}_grade"]
        entry.grades[key] = (int(grade_field.data) if grade_field.data else None) if posted(grade_field) \
            else saved.grades.get(key)
        for part, into in (("evidence", entry.evidence), ("impact", entry.impact)):
            field = form[f"{key}_{part}"]
            into[key] = (field.data or "") if posted(field) else getattr(saved, part).get(key, "")
    return entry


@bp.route("/<int:exercise_id>/results")
@allow(permissions.anyone_signed_in)
def results_page(exercise_id: int) -> ResponseReturnValue:
    exercise = permissions.get_exercise(exercise_id, current_user)
    today = clock.today()
    submission = taking.submission_of(exercise, current_user.id)
    everyone = permissions.can_see_everyones_results(current_user, exercise, today)
    own = bool(submission and submission.submitted_at and exercise.closed_on(today))
    if not (everyone or own):
        # Before it closes, or to someone who did not submit, there are no results to know of.
        abort(404)
    found = results.results(exercise)
    reads.note(f"Calibration results: {exercise.title}")
    return render_template("calibration/results.html", exercise=exercise, results=found, everyone=everyone,
                           mine=found.result_of(current_user.id), judged=exercises.judgements_of(exercise),
                           descriptors=_descriptors_text(exercise.descriptor_version),
                           grades_best_first=GRADES_BEST_FIRST)


@bp.route("/<int:exercise_id>/case-summary")
@allow(permissions.anyone_signed_in)
def summary_file(exercise_id: int) -> ResponseReturnValue:
    exercise = permissions.get_exercise(exercise_id, current_user)
    if not exercise.summary_kind:
        abort(404)
    content = db.session.scalar(select(CalibrationExercise.summary_file).where(CalibrationExercise.id == exercise.id))
    reads.note(f"Calibration case summary: {exercise.title}")
    name = download_name(current_app.config["PROTECTIVE_MARKING"], exercise.id, exercise.summary_kind)
    return Response(content, mimetype=SUMMARY_KINDS[exercise.summary_kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/people/<int:user_id>")
@allow(permissions.anyone_signed_in)
def person(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id, options=PERSON_ROW)
    if user is None or not permissions.can_see_calibration_record(current_user, user):
        abort(404)
    today = clock.today()
    reads.note(f"Calibration record: {user.name}")
    return render_template("calibration/person.html", person=user, lines=results.record_over_time(user, today),
                           live=results.live_figures(user.id),
                           recent=results.live_figures(user.id, results.three_months_before(today)))


@bp.route("/rule", methods=["GET", "POST"])
@allow(permissions.can_manage)
def rule() -> ResponseReturnValue:
    form = RuleForm()
    saved = due.the_rule()
    if not form.is_submitted():
        form.before_first_audit.data, form.when_moderation_changes.data = (saved.before_first_audit,
                                                                           saved.when_moderation_changes)
        form.every_months.data = str(saved.every_months or "")
        form.hold_out_new.data, form.version.data = saved.hold_out_new, str(saved.version)
    if form_posted(form):
        if not posted_any(form):
            flash("Nothing was saved: the form arrived without any answers", "info")
            return redirect(url_for("calibration.rule"))
        with saving(form, reload=lambda: (None, due.the_rule().version)) as save:
            due.save_rule(current_user, bool(form.before_first_audit.data), form.every_months.data or "",
                          bool(form.when_moderation_changes.data), bool(form.hold_out_new.data),
                          form.opened_at()[0])
        if save.saved:
            flash("The calibration rule is saved", "success")
            return redirect(url_for("calibration.rule"))
    today = clock.today()
    held = due.held_out()
    return render_template("calibration/rule.html", form=form, rule=saved, describe=due.describe(saved),
                           due=page_of(due.who_is_due(today), PAGE), held=page_of(_names(held), PAGE))


def _names(ids: dict[int, str]) -> list[str]:
    if not ids:
        return []
    return list(db.session.scalars(select(User.name).where(User.id.in_(ids)).order_by(User.name)))
