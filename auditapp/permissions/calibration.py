"""Who may see or do what in calibration exercises: blind like audits, and 404 to whoever may not
know one exists. Part of permissions (the package re-exports every rule), kept apart for length."""

from datetime import date

from flask import abort

from auditapp.extensions import db
from auditapp.models import CalibrationExercise, CalibrationSubmission, User
from auditapp.models.loading import EXERCISE_IN_FULL
from auditapp.permissions import SYSTEM, Actor, reads_every_audit


def uses_calibration(user: User) -> bool:
    """Auditors take part; senior managers sit on panels and read results; the QA lead runs it."""
    return user.is_auditor or user.is_senior_manager or user.is_qa_lead


def can_set_up_calibration(user: Actor) -> bool:
    return user is SYSTEM or user.is_qa_lead


def on_panel(user: User, exercise: CalibrationExercise) -> bool:
    """The QA lead and the senior managers the QA lead named agree the reference grades."""
    return user.is_qa_lead or (user.id is not None and user.id in exercise.member_ids("panel"))


def takes_part(user: User, exercise: CalibrationExercise) -> bool:
    return user.id is not None and user.id in exercise.member_ids("participant")


def can_see_exercise(user: User, exercise: CalibrationExercise) -> bool:
    return reads_every_audit(user) or on_panel(user, exercise) or takes_part(user, exercise)


def can_agree_grades(user: User, exercise: CalibrationExercise) -> bool:
    """Only before it opens: afterwards a correction starts a new exercise."""
    return on_panel(user, exercise) and exercise.opened_at is None


def can_open_exercise(user: Actor, exercise: CalibrationExercise) -> bool:
    return can_set_up_calibration(user) and exercise.opened_at is None


def can_grade_exercise(user: User, exercise: CalibrationExercise, submission: CalibrationSubmission | None,
                       today: date) -> bool:
    """A participant, while it is open, until they submit: a submission is final."""
    return (takes_part(user, exercise) and exercise.opened_at is not None and not exercise.closed_on(today)
            and not (submission and submission.submitted_at))


def can_see_agreed(user: User, exercise: CalibrationExercise, submission: CalibrationSubmission | None,
                   today: date) -> bool:
    """The panel always; a participant once they have submitted and it has closed; the QA lead and
    senior managers (who read every result) once it has closed."""
    if on_panel(user, exercise):
        return True
    if not exercise.closed_on(today):
        return False
    if takes_part(user, exercise):
        return bool(submission and submission.submitted_at)
    return reads_every_audit(user)


def can_see_everyones_results(user: User, exercise: CalibrationExercise, today: date) -> bool:
    return exercise.closed_on(today) and (user.is_qa_lead or user.is_senior_manager)


def can_see_calibration_record(user: User, person: User) -> bool:
    """An auditor's results over time beside their live-audit figures: theirs and the QA lead's only."""
    return user.is_qa_lead or user.id == person.id


def get_exercise(exercise_id: int, user: User, reload: bool = False) -> CalibrationExercise:
    """The exercise, or 404 to anyone who may not see it (an id reveals nothing, as for audits)."""
    exercise = db.session.get(CalibrationExercise, exercise_id, options=EXERCISE_IN_FULL, populate_existing=reload)
    if exercise is None or not can_see_exercise(user, exercise):
        abort(404)
    return exercise
