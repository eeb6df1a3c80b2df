"""Setting up a calibration exercise, the panel's agreed grades, and opening it to participants."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, or_, select

from auditapp import clock, history
from auditapp.calibration.documents import checked_document
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.framework import descriptors
from auditapp.grading import DOMAINS, JUDGEMENTS, Grade
from auditapp.history import record
from auditapp.models import (
    AgreedGrade,
    Audit,
    CalibrationExercise,
    CalibrationMember,
    CalibrationSubmission,
    Case,
    Review,
    Team,
    User,
)
from auditapp.models.calibration import TAKES_PART
from auditapp.permissions import Actor, can_agree_grades, can_open_exercise, can_set_up_calibration, require

TITLE_LIMIT = 120


@dataclass
class Setup:
    """What the QA lead chose for a new exercise."""

    title: str = ""
    case_reference: str = ""
    summary_text: str = ""
    summary_filename: str = ""
    summary_content: bytes = b""
    domains: list[str] = field(default_factory=list)
    takes_part: str = ""
    team_id: int | None = None
    named_emails: list[str] = field(default_factory=list)
    panel_ids: list[int] = field(default_factory=list)
    closes_on: date | None = None
    descriptor_version: str = ""  # a published version's record; "" for the one in use today


def history_field(exercise: CalibrationExercise) -> str:
    """What its history entries are about, in words: never a child's details, only the title."""
    return f"Calibration: {exercise.title}"[:120]


def new_auditors() -> list[User]:
    """Active auditors with no live review submitted and no calibration submitted: those new to auditing."""
    reviewed = exists(select(Review.id).join(Audit, Audit.id == Review.audit_id).where(
        Review.submitted_at.is_not(None),
        or_(and_(Review.role == "A", Audit.auditor_a_id == User.id),
            and_(Review.role == "B", Audit.auditor_b_id == User.id))))
    calibrated = exists().where(CalibrationSubmission.user_id == User.id,
                                CalibrationSubmission.submitted_at.is_not(None))
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.is_auditor.is_(True),
                                                      ~reviewed, ~calibrated).order_by(User.name)))


def _participants(setup: Setup, problems: dict[str, str]) -> list[User]:
    active_auditors = select(User).where(User.active.is_(True), User.is_auditor.is_(True)).order_by(User.name)
    if setup.takes_part == "all":
        return list(db.session.scalars(active_auditors))
    if setup.takes_part == "team":
        if setup.team_id is None or db.session.get(Team, setup.team_id) is None:
            problems["team"] = "Choose the team whose auditors take part"
            return []
        return list(db.session.scalars(active_auditors.where(User.team_id == setup.team_id)))
    if setup.takes_part == "named":
        emails = {e.strip().lower() for e in setup.named_emails if e.strip()}
        found = list(db.session.scalars(active_auditors.where(User.email.in_(emails)))) if emails else []
        unknown = emails - {u.email.lower() for u in found}
        if not emails:
            problems["named"] = "Enter the email address of each person taking part, one per line"
        elif unknown:
            problems["named"] = ("These are not the email addresses of active auditors: "
                                 + ", ".join(sorted(unknown)[:10]))
        return found
    if setup.takes_part == "new":
        return new_auditors()
    problems["takes_part"] = "Choose who takes part"
    return []


def set_up(actor: Actor, setup: Setup) -> CalibrationExercise:
    """A new exercise, not yet open: the panel agrees its grades next."""
    require(can_set_up_calibration(actor))
    problems: dict[str, str] = {}
    title = " ".join(setup.title.split())
    if not title:
        problems["title"] = "Enter a title for the exercise"
    elif len(title) > TITLE_LIMIT:
        problems["title"] = f"The title must be {TITLE_LIMIT} characters or fewer"
    reference = setup.case_reference.strip()
    case = db.session.scalar(select(Case).where(Case.reference == reference)) if reference else None
    given = [bool(reference), bool(setup.summary_text.strip()), bool(setup.summary_filename)]
    if reference and case is None:
        problems["case_reference"] = f"{reference[:40]} is not on the case register"
    elif sum(given) != 1:
        problems["case_reference"] = ("Give the reference case one way: a case reference from the register, a "
                                      "typed anonymised summary, or an uploaded PDF or Word document")
    kind = name = None
    if setup.summary_filename and sum(given) == 1:
        try:
            kind, name = checked_document(setup.summary_filename, setup.summary_content)
        except RuleError as refused:
            problems["summary_file"] = refused.message
    domains = [key for key in DOMAINS if key in setup.domains]
    if not domains:
        problems["domains"] = "Choose at least one domain to grade"
    panel = list(db.session.scalars(select(User).where(User.id.in_(setup.panel_ids), User.active.is_(True),
                                                       User.is_senior_manager.is_(True)))) if setup.panel_ids else []
    if len(panel) != len(set(setup.panel_ids)):
        problems["panel"] = "Choose senior managers for the panel"
    participants = _participants(setup, problems)
    panel_ids = {p.id for p in panel} | ({actor.id} if actor.id is not None else set())
    participants = [p for p in participants if p.id not in panel_ids]
    if setup.takes_part in TAKES_PART and not participants and not any(
            k in problems for k in ("team", "named")):
        problems["takes_part"] = "Nobody would take part: the panel cannot grade its own exercise"
    # Graded against a published version: today's unless the QA lead chose an earlier one (an
    # exercise that re-grades a case as it was graded then).
    version = descriptors.for_recorded(setup.descriptor_version) if setup.descriptor_version else descriptors.current()
    if version is None:
        problems["descriptor_version"] = "Choose a published version of the grade descriptors"
    today = clock.today()
    if setup.closes_on is None:
        problems["closes_on"] = "Enter the closing date"
    elif setup.closes_on < today:
        problems["closes_on"] = "The closing date must be today or later"
    if problems:
        order = ["title", "case_reference", "summary_text", "summary_file", "domains", "takes_part", "team", "named",
                 "panel", "descriptor_version", "closes_on"]
        raise Invalid({k: problems[k] for k in order if k in problems})
    exercise = CalibrationExercise(
        title=title, case_id=case.id if case else None, summary_text=setup.summary_text.strip() or None,
        summary_name=name, summary_kind=kind, summary_file=setup.summary_content if kind else None,
        domains=",".join(domains), descriptor_version=version.recorded if version else "",
        takes_part=setup.takes_part, team_id=setup.team_id if setup.takes_part == "team" else None,
        closes_on=setup.closes_on, created_by_id=actor.id, created_at=clock.now())
    db.session.add(exercise)
    db.session.flush()
    db.session.add_all([CalibrationMember(exercise_id=exercise.id, user_id=p.id, role="panel") for p in panel])
    db.session.add_all([CalibrationMember(exercise_id=exercise.id, user_id=p.id, role="participant")
                        for p in participants])
    db.session.add_all([AgreedGrade(exercise_id=exercise.id, judgement=key)
                        for key in [*domains, "overall"]])
    record(actor if isinstance(actor, User) else None, history.CALIBRATION_SET_UP, field=history_field(exercise),
           after=f"{len(participants)} taking part, closes {setup.closes_on:%d %B %Y}")
    db.session.flush()
    return exercise


def judgements_of(exercise: CalibrationExercise) -> dict[str, str]:
    """The domains it grades and the overall grade, in the audit form's order."""
    return {key: JUDGEMENTS[key] for key in [*exercise.domain_keys, "overall"]}


def save_agreed(actor: User, exercise: CalibrationExercise, grades: Mapping[str, int | None],
                reasons: Mapping[str, str], expected_version: int | None) -> None:
    """The panel's grades and reasons, while the exercise is not yet open."""
    require(can_agree_grades(actor, exercise), "The agreed grades cannot be changed once the exercise is open: "
                                               "set up a new exercise to correct them")
    check_version(exercise.version, expected_version, "The agreed grades")
    problems = {f"{key}_grade": "Choose a grade the scale has" for key, grade in grades.items()
                if grade is not None and grade not in set(Grade)}
    if problems:
        raise Invalid(problems)
    changed = []
    for key in judgements_of(exercise):
        row = exercise.agreed_for(key)
        if row is None:
            continue
        grade = grades.get(key, row.grade)
        reason = (reasons.get(key, row.reason or "") or "").strip() or None
        if (grade, reason) != (row.grade, row.reason):
            changed.append(JUDGEMENTS[key])
            row.grade, row.reason = grade, reason
    if not changed:
        return
    claim_version(exercise, "version", "The agreed grades")
    record(actor, history.CALIBRATION_AGREED_SAVED, field=history_field(exercise), after=", ".join(changed))
    db.session.flush()


def missing_agreement(exercise: CalibrationExercise) -> dict[str, str]:
    found = {}
    for key, name in judgements_of(exercise).items():
        row = exercise.agreed_for(key)
        if row is None or row.grade is None:
            found[f"{key}_grade"] = f"Agree a grade for {name.lower()}"
        if row is None or not (row.reason or "").strip():
            found[f"{key}_reason"] = f"Give the reasons for the {name.lower()} grade"
    return found


def open_exercise(actor: User, exercise: CalibrationExercise, expected_version: int | None) -> None:
    """Open it to participants: from now on the agreed grades are fixed."""
    require(can_open_exercise(actor, exercise))
    check_version(exercise.version, expected_version, "The agreed grades")
    if missing_agreement(exercise):
        raise RuleError("Every domain and the overall grade need an agreed grade and reasons before it opens")
    if exercise.closes_on < clock.today():
        raise RuleError("Its closing date has passed: set up a new exercise with a later one")
    claim_version(exercise, "version", "The exercise")
    exercise.opened_at = clock.now()
    record(actor, history.CALIBRATION_OPENED, field=history_field(exercise),
           after=f"{len(exercise.member_ids('participant'))} taking part")
    db.session.flush()
