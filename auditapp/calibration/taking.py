"""A participant grades the reference case with the audit form's domain fields, blind; their
submission is final. Nothing here touches an audit: calibration is no audit of a case."""

from dataclasses import dataclass, field

from sqlalchemy import select

from auditapp import clock, history
from auditapp.calibration.exercises import history_field, judgements_of
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, NotAllowed
from auditapp.extensions import db
from auditapp.grading import Grade
from auditapp.history import record
from auditapp.models import CalibrationExercise, CalibrationGrade, CalibrationSubmission, User
from auditapp.models.loading import SUBMISSION_ROW
from auditapp.permissions import can_grade_exercise


@dataclass
class Grading:
    """What a participant has entered, per domain (grade, evidence, impact) and overall; possibly incomplete."""

    grades: dict[str, int | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    impact: dict[str, str] = field(default_factory=dict)
    overall_grade: int | None = None


def submission_of(exercise: CalibrationExercise, user_id: int | None,
                  reload: bool = False) -> CalibrationSubmission | None:
    if user_id is None:
        return None
    return db.session.scalar(select(CalibrationSubmission).options(*SUBMISSION_ROW)
                             .where(CalibrationSubmission.exercise_id == exercise.id,
                                    CalibrationSubmission.user_id == user_id)
                             .execution_options(populate_existing=reload))


def grading_of(submission: CalibrationSubmission | None) -> Grading:
    entry = Grading()
    if submission is None:
        return entry
    for row in submission.grades:
        entry.grades[row.domain] = row.grade
        entry.evidence[row.domain] = row.evidence or ""
        entry.impact[row.domain] = row.impact or ""
    entry.overall_grade = submission.overall_grade
    return entry


def problems(exercise: CalibrationExercise, entry: Grading, submitting: bool) -> dict[str, str]:
    """Messages by field, in the form's order. A draft may be incomplete; a submission may not."""
    found: dict[str, str] = {}
    grades = [*entry.grades.values(), entry.overall_grade]
    if any(g is not None and g not in set(Grade) for g in grades):
        found["overall_grade"] = "Choose a grade the scale has"
    if not submitting:
        return found
    for key, name in judgements_of(exercise).items():
        if key == "overall":
            continue
        if entry.grades.get(key) is None:
            found[f"{key}_grade"] = f"Select a grade for {name.lower()}"
        if not (entry.evidence.get(key) or "").strip():
            found[f"{key}_evidence"] = f"Enter the evidence for the {name.lower()} grade"
        if not (entry.impact.get(key) or "").strip():
            found[f"{key}_impact"] = f"Enter the impact on the child for {name.lower()}"
    if entry.overall_grade is None:
        found.setdefault("overall_grade", "Select an overall grade")
    return found


def save_grading(actor: User, exercise: CalibrationExercise, entry: Grading, submit: bool,
                 expected_version: int | None) -> CalibrationSubmission:
    """Save a draft, or submit (final). `expected_version`: the submission's version when the form
    was opened (0 before the first save); a save from an older form is a Conflict."""
    submission = submission_of(exercise, actor.id)
    if not can_grade_exercise(actor, exercise, submission, clock.today()):
        raise NotAllowed("This calibration exercise is not open to you, or you have already submitted your grades")
    check_version(submission.version if submission else 0, expected_version, "Your grades")
    found = problems(exercise, entry, submit)
    if found:
        raise Invalid(found)
    if submission is None:
        submission = CalibrationSubmission(exercise_id=exercise.id, user_id=actor.id, updated_at=clock.now(),
                                           grades=[])
        db.session.add(submission)
    else:
        claim_version(submission, "version", "Your grades")
    for key in exercise.domain_keys:
        row = submission.grade_for(key)
        if row is None:
            row = CalibrationGrade(domain=key)
            submission.grades.append(row)
        row.grade = entry.grades.get(key)
        row.evidence = (entry.evidence.get(key) or "").strip() or None
        row.impact = (entry.impact.get(key) or "").strip() or None
    submission.overall_grade = entry.overall_grade
    # Graded against the exercise's version of the descriptors, which its form shows.
    submission.descriptor_version = exercise.descriptor_version
    submission.updated_at = clock.now()
    if submit:
        submission.submitted_at = clock.now()
    # Two first saves at once meet the unique key at this flush: transactions.py shows that as a conflict.
    db.session.flush()
    # The grades themselves are not written into the history: they stay blind in their own table.
    record(actor, history.CALIBRATION_SUBMITTED if submit else history.CALIBRATION_DRAFT_SAVED,
           field=history_field(exercise))
    db.session.flush()
    return submission
