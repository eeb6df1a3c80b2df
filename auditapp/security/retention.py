"""Keeping audits no longer than the council's retention period.

The history and the record of reads are append-only in the database itself (triggers created by
migration 0007). A purge is the one sanctioned way past them: it opens them for its own
transaction only, removes whole audits with everything about them, and records that it did.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from typing import cast

from sqlalchemy import CursorResult, delete, func, insert, or_, select, update

from auditapp import clock, remembered
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import RECORDS_PURGED, record
from auditapp.history_chain import REMOVED
from auditapp.models import (
    Absence,
    Action,
    AgreedGrade,
    Audit,
    CalibrationExercise,
    CalibrationGrade,
    CalibrationMember,
    CalibrationSubmission,
    ClosureDay,
    Concern,
    Cycle,
    Event,
    FamilyAnswer,
    FamilyContact,
    FamilyFeedback,
    FormStash,
    HistoryPurge,
    ImportJob,
    ModeratedGrade,
    PractitionerReply,
    ReadRecord,
    Reaudit,
    Review,
    ReviewAnswer,
    ReviewGrade,
    SentMessage,
    SignInAttempt,
    ThemeTag,
    User,
    UserSession,
)
from auditapp.months import month_label, month_of, month_start, months_before
from auditapp.permissions import SYSTEM, Actor, require


def register_sqlite_functions(dbapi_connection) -> None:
    """On every SQLite connection the service opens: the history's triggers ask this, and only a
    purge's own connection answers yes (below). No SQL statement can change a function."""
    dbapi_connection.create_function("auditapp_purging", 0, lambda: 0)


@contextmanager
def history_opened(connection):
    """Within the caller's transaction only, and only for this connection: the append-only
    triggers let changes through. On PostgreSQL by a history_purge row stamped with this
    transaction's id (which the application's role may not write: see the README); on SQLite by
    this connection's auditapp_purging() answering 1 until the block ends."""
    if hasattr(connection, "get_bind"):  # a session: its connection in this transaction
        connection = connection.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(insert(HistoryPurge).values(started_at=clock.now(), txid=func.txid_current()))
        try:
            yield
        finally:
            connection.execute(delete(HistoryPurge))
        return
    raw = connection.connection.driver_connection
    raw.create_function("auditapp_purging", 0, lambda: 1)
    try:
        yield
    finally:
        raw.create_function("auditapp_purging", 0, lambda: 0)


@dataclass
class Purged:
    before_month: str
    audits: int
    cycles: int
    history: int

    def __str__(self) -> str:
        months = "month" if self.cycles == 1 else "months"
        return (f"Removed {self.audits} audits in {self.cycles} {months} before {month_label(self.before_month)}, "
                f"with {self.history} history entries")


def purge_older_than(actor: Actor, years: int) -> Purged:
    """Remove every audit whose month began more than `years` years ago, with its reviews, grades,
    concerns, history and reads; the general history, sign-ins and sessions older than that too."""
    require(actor is SYSTEM, "Records are purged only from the command line")
    if years < 1:
        raise RuleError("The retention period must be at least one year")
    before_month = months_before(month_of(clock.today()), years * 12)
    cutoff = datetime.combine(month_start(before_month), time())
    old_cycles = select(Cycle.id).where(Cycle.month < before_month)
    old_audits = select(Audit.id).where(Audit.cycle_id.in_(old_cycles))
    session = db.session
    audits = session.execute(select(func.count()).select_from(old_audits.subquery())).scalar_one()
    cycles = session.execute(select(func.count()).select_from(old_cycles.subquery())).scalar_one()
    with history_opened(session):
        # Emptied, not deleted: the chain of hashes runs on through them (history_chain.py).
        # An UPDATE's result is a CursorResult, with a rowcount; Session.execute is typed for any statement.
        history = cast(CursorResult, session.execute(update(Event).where(
            or_(Event.audit_id.in_(old_audits), Event.at < cutoff), Event.action != REMOVED).values(
            user_id=None, audit_id=None, review_role=None, action=REMOVED, field=None, before=None,
            after=None))).rowcount
        session.execute(delete(ReadRecord).where(or_(ReadRecord.audit_id.in_(old_audits), ReadRecord.at < cutoff)))
    old_reviews = select(Review.id).where(Review.audit_id.in_(old_audits))
    session.execute(delete(ReviewGrade).where(ReviewGrade.review_id.in_(old_reviews)))
    session.execute(delete(ReviewAnswer).where(ReviewAnswer.review_id.in_(old_reviews)))  # targeted audits
    session.execute(delete(Reaudit).where(or_(Reaudit.first_audit_id.in_(old_audits),
                                              Reaudit.audit_id.in_(old_audits))))
    for model in (Review, ModeratedGrade, Concern, Action, ThemeTag, PractitionerReply, FamilyContact, FamilyFeedback,
                  FamilyAnswer, SentMessage):
        session.execute(delete(model).where(model.audit_id.in_(old_audits)))
    # A replacement and the audit it replaced belong to the same month, so go together.
    session.execute(update(Audit).where(Audit.id.in_(old_audits)).values(replacement_for_id=None))
    session.execute(delete(Audit).where(Audit.cycle_id.in_(old_cycles)))
    session.execute(delete(Cycle).where(Cycle.month < before_month))
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < cutoff))
    session.execute(delete(SentMessage).where(SentMessage.created_at < cutoff))
    session.execute(delete(UserSession).where(UserSession.started_at < cutoff))
    # Typed text kept for an ended session, periods away, closure days and imports: past retention too.
    session.execute(delete(FormStash).where(FormStash.created_at < cutoff))
    session.execute(delete(Absence).where(Absence.ends_on < cutoff.date()))
    session.execute(delete(ClosureDay).where(ClosureDay.day < cutoff.date()))
    session.execute(delete(ImportJob).where(ImportJob.created_at < cutoff))
    # Calibration exercises that closed before then, with who took part and every grade given.
    old_exercises = select(CalibrationExercise.id).where(CalibrationExercise.closes_on < cutoff.date())
    old_submissions = select(CalibrationSubmission.id).where(CalibrationSubmission.exercise_id.in_(old_exercises))
    session.execute(delete(CalibrationGrade).where(CalibrationGrade.submission_id.in_(old_submissions)))
    for calibration_model in (CalibrationSubmission, AgreedGrade, CalibrationMember):
        session.execute(delete(calibration_model).where(calibration_model.exercise_id.in_(old_exercises)))
    session.execute(delete(CalibrationExercise).where(CalibrationExercise.closes_on < cutoff.date()))
    result = Purged(before_month, audits, cycles, history)
    # cast: record reads only the actor's id (SYSTEM's is None), but is still annotated User.
    record(cast(User, actor), RECORDS_PURGED, field=f"{years} years", after=str(result))
    remembered.forget_here()
    return result
