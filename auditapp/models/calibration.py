"""Calibration exercises: a reference case graded by auditors against the grades a panel agreed,
before and alongside live auditing. Kept apart from the audit records on purpose: nothing here is
an audit of a case, so no monthly figure, agreement figure or case history can count it."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.grading import DOMAINS
from auditapp.models import Case, Team, User
from auditapp.models.base import NO_SQL
from auditapp.models.sets import one_of

# Who takes part, as the QA lead chooses it; resolved to named people when the exercise is set up.
TAKES_PART = {
    "all": "All auditors",
    "team": "One team's auditors",
    "named": "Named people",
    "new": "New auditors (no live audit and no calibration yet)",
}
MEMBER_ROLES = ("panel", "participant")
SUMMARY_KINDS = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "doc": "application/msword"}


class CalibrationExercise(Model):
    __tablename__ = "calibration_exercise"
    __table_args__ = (one_of("takes_part", TAKES_PART), one_of("summary_kind", SUMMARY_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    # The reference case: one from the register (read in the case-management system), or an
    # anonymised summary typed in or uploaded as a PDF or Word document.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    summary_text: Mapped[str | None] = mapped_column(Text)
    summary_name: Mapped[str | None] = mapped_column(String(200))
    summary_kind: Mapped[str | None] = mapped_column(String(10))
    # Deferred: only the download reads the document itself.
    summary_file: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    domains: Mapped[str] = mapped_column(String(200))  # the domains graded, comma-separated
    descriptor_version: Mapped[str] = mapped_column(String(200))  # as recorded on audits
    takes_part: Mapped[str] = mapped_column(String(10))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    closes_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    # Once opened the agreed grades are fixed: a correction starts a new exercise.
    opened_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking of the agreed grades

    case: Mapped[Case | None] = relationship(lazy=NO_SQL)
    team: Mapped[Team | None] = relationship(lazy=NO_SQL)
    members: Mapped[list["CalibrationMember"]] = relationship(lazy=NO_SQL, back_populates="exercise",
                                                              order_by="CalibrationMember.id")
    agreed: Mapped[list["AgreedGrade"]] = relationship(lazy=NO_SQL, order_by="AgreedGrade.id")

    @property
    def domain_keys(self) -> list[str]:
        return [key for key in DOMAINS if key in self.domains.split(",")]

    def member_ids(self, role: str) -> set[int]:
        return {m.user_id for m in self.members if m.role == role}

    def closed_on(self, today: date) -> bool:
        """Closed once its closing date has passed (UK days): the closing date is the last day to submit."""
        return self.opened_at is not None and today > self.closes_on

    def agreed_for(self, judgement: str) -> "AgreedGrade | None":
        return next((a for a in self.agreed if a.judgement == judgement), None)


class CalibrationMember(Model):
    """The panel that agrees the grades (the QA lead and the senior managers named), and the participants."""

    __tablename__ = "calibration_member"
    __table_args__ = (UniqueConstraint("exercise_id", "user_id", "role"), one_of("role", MEMBER_ROLES))

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("calibration_exercise.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))

    exercise: Mapped[CalibrationExercise] = relationship(lazy=NO_SQL, back_populates="members")
    user: Mapped[User] = relationship(lazy=NO_SQL)


class AgreedGrade(Model):
    """The panel's grade for one domain (or overall), with its reasons."""

    __tablename__ = "calibration_agreed_grade"
    __table_args__ = (UniqueConstraint("exercise_id", "judgement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("calibration_exercise.id"), index=True)
    judgement: Mapped[str] = mapped_column(String(20))  # a domain key or "overall"
    grade: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)


class CalibrationSubmission(Model):
    """One participant's grading of the reference case: a draft until submitted, then final."""

    __tablename__ = "calibration_submission"
    __table_args__ = (UniqueConstraint("exercise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("calibration_exercise.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    overall_grade: Mapped[int | None]
    descriptor_version: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    user: Mapped[User] = relationship(lazy=NO_SQL)
    grades: Mapped[list["CalibrationGrade"]] = relationship(lazy=NO_SQL, order_by="CalibrationGrade.id",
                                                            cascade="all, delete-orphan")

    def grade_for(self, domain: str) -> "CalibrationGrade | None":
        return next((g for g in self.grades if g.domain == domain), None)

    def judgement(self, key: str) -> int | None:
        if key == "overall":
            return self.overall_grade
        row = self.grade_for(key)
        return row.grade if row else None


class CalibrationGrade(Model):
    __tablename__ = "calibration_grade"
    __table_args__ = (UniqueConstraint("submission_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("calibration_submission.id"), index=True)
    domain: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int | None]
    evidence: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[str | None] = mapped_column(Text)


class CalibrationRule(Model):
    """Who needs calibration, as the QA lead sets it (one row), and whether new auditors are held
    out of allocation until their first."""

    __tablename__ = "calibration_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    before_first_audit: Mapped[bool] = mapped_column(default=True)
    every_months: Mapped[int | None]
    when_moderation_changes: Mapped[bool] = mapped_column(default=False)
    hold_out_new: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
