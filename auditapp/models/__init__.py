"""The service's records. Rules about them live in the rule modules, not here."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.grading import DOMAINS
from auditapp.models.base import NO_SQL
from auditapp.models.sets import (
    CASE_TYPES,
    CONSENT,
    COURSES,
    CYCLE_KINDS,
    KEY_ISSUES,
    REVIEW_ROLES,
    WITHDRAWAL_REASONS,
    YES_NO,
    one_of,
)
from auditapp.models.states import auditors, is_late, is_overdue, is_single, status_of

ROLE_LABELS = {
    "is_auditor": "Auditor",
    "is_senior_manager": "Senior manager",
    "is_qa_lead": "QA lead",
    "is_leadership": "Leadership",
    # Named by the QA lead: edits and publishes the grade descriptors beside the QA lead.
    "is_practice_lead": "Practice lead",
}


class Team(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Told, with the QA lead, when the team's audits are well overdue.
    senior_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking of a rename


class User(UserMixin, Model):
    # Lists sorted by a person's name walk this in order (the case register by manager).
    __table_args__ = (Index("ix_user_name_id", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_auditor: Mapped[bool] = mapped_column(default=True)
    is_senior_manager: Mapped[bool] = mapped_column(default=False)
    is_qa_lead: Mapped[bool] = mapped_column(default=False)
    is_leadership: Mapped[bool] = mapped_column(default=False)
    is_practice_lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Named to avoid UserMixin's is_active property, which reads it.
    active: Mapped[bool] = mapped_column(default=True)
    # The most audits (as A or B) a month this person is allocated; None: no limit.
    max_audits_per_month: Mapped[int | None]
    # Told when this person's work is overdue, or a reminder cannot reach them (away).
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Optimistic locking of the person form: a stale form must not undo a deactivation or a role.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The council account (the provider's subject claim) bound at the first single sign-on: from
    # then on that account, and only it, signs this person in, whatever email it later claims.
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True)

    team: Mapped[Team] = relationship(foreign_keys=[team_id], lazy=NO_SQL)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_labels(self) -> list[str]:
        return [label for attr, label in ROLE_LABELS.items() if getattr(self, attr)]


class Case(Model):
    # The register sorted by opening date walks this (migration 0030l) and stops at the page, read
    # from either end, where sorting 60,000 dates for every page cost 25 ms on SQLite. Not the closing
    # date: most cases have none, and with an index both databases walked every empty one in order
    # to put them last, slower than sorting.
    __table_args__ = (one_of("case_type", CASE_TYPES), Index("ix_case_open_date_id", "open_date", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    case_type: Mapped[str] = mapped_column(String(20))
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    open_date: Mapped[date]
    closed_date: Mapped[date | None]
    # Equality fields, used only for the fairness breakdowns of the monthly summary.
    age_band: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(80))
    disability: Mapped[str | None] = mapped_column(String(40))

    team: Mapped[Team] = relationship(lazy=NO_SQL)
    manager: Mapped[User] = relationship(lazy=NO_SQL)

    @property
    def case_type_label(self) -> str:
        return CASE_TYPES[self.case_type]


class Cycle(Model):
    """A month's random sample, or a targeted (thematic) audit of hand-picked cases."""

    # One open random cycle per month; a cancelled one stays on record and the month can be opened again.
    __table_args__ = (Index("uq_cycle_month_open", "month", unique=True,
                            sqlite_where=text("cancelled_at IS NULL AND kind = 'random'"),
                            postgresql_where=text("cancelled_at IS NULL AND kind = 'random'")),
                      one_of("kind", CYCLE_KINDS), one_of("course", COURSES))

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    seed: Mapped[int | None] = mapped_column(BigInteger)
    per_team: Mapped[int] = mapped_column(default=2)
    lookback_months: Mapped[int] = mapped_column(default=12)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime]
    sampled_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default="random", server_default="random")  # or "targeted"
    title: Mapped[str | None] = mapped_column(String(120))  # a targeted audit's theme
    domains: Mapped[str | None] = mapped_column(String(200))  # the domains judged, comma-separated; None: all
    questions: Mapped[str | None] = mapped_column(Text)  # a targeted audit's own questions, one per line
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking of its design
    # Set for a month made by importing the council's past audits (it holds no live work).
    imported_at: Mapped[datetime | None]
    # The audit type version an audit of a type was started with (pinned: a newer version never
    # changes an open audit). None: the monthly random sample, the built-in type.
    type_version_id: Mapped[int | None] = mapped_column(ForeignKey("audit_type_version.id"), index=True)
    # How its audits run, copied from that version at the start (the rules read it without loading the
    # version): "blind dual", "single with review" or "single". None: the monthly sample (blind dual).
    course: Mapped[str | None] = mapped_column(String(20))

    type_version: Mapped["AuditTypeVersion | None"] = relationship(lazy=NO_SQL)

    @property
    def domain_keys(self) -> list[str]:
        # None: all six (the monthly sample); "": none (an audit type that grades no domain).
        if self.domains is None:
            return list(DOMAINS)
        return [key for key in self.domains.split(",") if key]

    @property
    def extra_questions(self) -> list[str]:
        return [q for q in (self.questions or "").splitlines() if q.strip()]

    @property
    def is_targeted(self) -> bool:
        return self.kind == "targeted"

    @property
    def is_single(self) -> bool:
        """One auditor (auditor B, the independent one), not two: "single" or "single with review"."""
        return is_single(self.course)


class Audit(Model):
    """One sampled case in one month: its allocation, two reviews, moderation and sign-off."""

    __table_args__ = (
        UniqueConstraint("cycle_id", "case_id"),
        # Each person's lists: their audits still open, among ten years of signed-off ones.
        Index("ix_audit_auditor_a_id_signed_off_at", "auditor_a_id", "signed_off_at"),
        Index("ix_audit_auditor_b_id_signed_off_at", "auditor_b_id", "signed_off_at"),
        Index("ix_audit_moderator_id_signed_off_at", "moderator_id", "signed_off_at"),
        # A month's audits in order, a page at a time: without it PostgreSQL walks every audit
        # ever sampled by id to find the latest month's first 25.
        Index("ix_audit_cycle_id_id", "cycle_id", "id"),
        # A month's audits with the states the report figures count (migration 0031r): read from
        # the index alone, not from every audit's row.
        Index("ix_audit_cycle_id_states", "cycle_id", "id", "signed_off_at", "withdrawn_at", "imported_at"),
        one_of("withdrawal_reason", WITHDRAWAL_REASONS),
        one_of("key_issues_a", KEY_ISSUES),
        one_of("key_issues_b", KEY_ISSUES),
        one_of("consent", CONSENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)  # the sample's look-back
    auditor_a_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    auditor_b_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    moderator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    allocated_at: Mapped[datetime]
    auditor_due: Mapped[date]
    moderation_due: Mapped[date | None]
    descriptor_version: Mapped[str | None] = mapped_column(String(200))

    withdrawal_reason: Mapped[str | None] = mapped_column(String(40))
    withdrawal_note: Mapped[str | None] = mapped_column(Text)
    withdrawal_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawal_requested_at: Mapped[datetime | None] = mapped_column(index=True)
    withdrawal_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None]
    replacement_for_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"))

    key_issues_a: Mapped[str | None] = mapped_column(String(10))
    key_issues_b: Mapped[str | None] = mapped_column(String(10))
    feedback_a: Mapped[str | None] = mapped_column(Text)
    feedback_b: Mapped[str | None] = mapped_column(Text)
    signed_off_at: Mapped[datetime | None] = mapped_column(index=True)  # live audits: the QA lead's lists
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Optimistic locking of the moderation form and of the allocation form, each moved on by its save.
    moderation_version: Mapped[int] = mapped_column(default=0, server_default="0")
    allocation_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The theme tags of each role: one counter a role, so a conflict never reveals the other auditor's save.
    tags_version_a: Mapped[int] = mapped_column(default=0, server_default="0")
    tags_version_b: Mapped[int] = mapped_column(default=0, server_default="0")
    tags_version_m: Mapped[int] = mapped_column(default=0, server_default="0")
    # Graded before auditapp and imported from the council's records: no evidence, no descriptor version.
    imported_at: Mapped[datetime | None]
    # An audit of a type that asks the family's consent first: "given" or "refused", when, by whom.
    # Refused ends the audit at once (signed_off_at set at the same moment, nothing else recorded).
    consent: Mapped[str | None] = mapped_column(String(10))
    consent_at: Mapped[datetime | None]
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # A single audit with review: the senior manager (moderator_id) returned it to the auditor with
    # a note, shown to the auditor until they submit again. Agreeing is the sign-off (signed_off_*).
    returned_at: Mapped[datetime | None]
    return_note: Mapped[str | None] = mapped_column(Text)

    cycle: Mapped[Cycle] = relationship(lazy=NO_SQL)
    case: Mapped[Case] = relationship(lazy=NO_SQL)
    auditor_a: Mapped[User] = relationship(foreign_keys=[auditor_a_id], lazy=NO_SQL)
    auditor_b: Mapped[User] = relationship(foreign_keys=[auditor_b_id], lazy=NO_SQL)
    moderator: Mapped[User] = relationship(foreign_keys=[moderator_id], lazy=NO_SQL)
    reviews: Mapped[list["Review"]] = relationship(
        back_populates="audit", lazy=NO_SQL, order_by="Review.role"
    )
    moderated_grades: Mapped[list["ModeratedGrade"]] = relationship(lazy=NO_SQL)
    concerns: Mapped[list["Concern"]] = relationship(
        back_populates="audit", lazy=NO_SQL, order_by="Concern.id"
    )

    def review(self, role: str) -> "Review | None":
        return next((r for r in self.reviews if r.role == role), None)

    def auditor(self, role: str) -> User:
        return self.auditor_a if role == "A" else self.auditor_b

    def role_of(self, user) -> str | None:
        if user.id == self.auditor_a_id:
            return "A"
        if user.id == self.auditor_b_id:
            return "B"
        return None

    @property
    def both_submitted(self) -> bool:
        return sum(1 for r in self.reviews if r.submitted_at) == 2

    @property
    def second_submitted_at(self) -> datetime | None:
        times = [r.submitted_at for r in self.reviews if r.submitted_at]
        return max(times) if len(times) == 2 else None

    @property
    def open_concerns(self) -> list["Concern"]:
        return [c for c in self.concerns if c.acknowledged_at is None]

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def consent_refused(self) -> bool:
        return self.consent == "refused"

    @property
    def is_live(self) -> bool:
        """Still in the month's sample (of a month not cancelled) and not yet signed off."""
        return not self.is_withdrawn and self.signed_off_at is None and self.cycle.cancelled_at is None

    @property
    def status(self) -> str:
        return status_of(self.withdrawn_at, self.withdrawal_requested_at, self.signed_off_at,
                         started=len(self.reviews), submitted=sum(1 for r in self.reviews if r.submitted_at),
                         course=self.cycle.course, consent=self.consent, returned_at=self.returned_at)

    def moderated_grade(self, domain: str) -> "ModeratedGrade | None":
        return next((g for g in self.moderated_grades if g.domain == domain), None)

    def is_late(self, role: str, today: date) -> bool:
        """This auditor is past the due date without submitting (a single audit has auditor B only)."""
        if role not in auditors(self.cycle.course):
            return False
        review = self.review(role)
        return is_late(self.is_live, self.auditor_due, bool(review and review.submitted_at), today)

    def is_overdue(self, today: date) -> bool:
        submitted = {r.role for r in self.reviews if r.submitted_at}
        return is_overdue(self.is_live, self.auditor_due, self.moderation_due, submitted, today, self.cycle.course)


class Review(Model):
    """One auditor's audit of the case: auditor A's or auditor B's."""

    __table_args__ = (UniqueConstraint("audit_id", "role"), one_of("role", REVIEW_ROLES),
                      one_of("safeguarding_concern", YES_NO))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    role: Mapped[str] = mapped_column(String(1))  # "A" or "B"
    overall_grade: Mapped[int | None]
    working_well: Mapped[str | None] = mapped_column(Text)
    needs_to_change: Mapped[str | None] = mapped_column(Text)
    safeguarding_concern: Mapped[str | None] = mapped_column(String(3))  # "yes" / "no"
    safeguarding_details: Mapped[str | None] = mapped_column(Text)
    descriptor_version: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    # Optimistic locking: each save moves it on; a form opened at an older version is a conflict,
    # and SQLAlchemy refuses an UPDATE whose row moved on between reading and writing.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    audit: Mapped[Audit] = relationship(back_populates="reviews", lazy=NO_SQL)
    grades: Mapped[list["ReviewGrade"]] = relationship(
        lazy=NO_SQL, cascade="all, delete-orphan"
    )

    def grade_for(self, domain: str) -> "ReviewGrade | None":
        return next((g for g in self.grades if g.domain == domain), None)

    def grade_value(self, domain: str) -> int | None:
        """The grade for a domain or for "overall"."""
        if domain == "overall":
            return self.overall_grade
        row = self.grade_for(domain)
        return row.grade if row else None


class ReviewGrade(Model):
    # The grade in an index too (0031r): the report figures read each review's grades from it alone.
    __table_args__ = (UniqueConstraint("review_id", "domain"),
                      Index("ix_review_grade_review_id_domain_grade", "review_id", "domain", "grade"))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"))
    domain: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int | None]
    evidence: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[str | None] = mapped_column(Text)


class ModeratedGrade(Model):
    __table_args__ = (UniqueConstraint("audit_id", "domain"),
                      Index("ix_moderated_grade_audit_id_domain_grade", "audit_id", "domain", "grade"))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    domain: Mapped[str] = mapped_column(String(20))  # a domain key or "overall"
    grade: Mapped[int | None]
    rationale: Mapped[str | None] = mapped_column(Text)


# The other records, by what they hold. Imported here at the bottom on purpose, not at the top:
# those modules' records refer to the records defined above, so these must exist first; and the
# package re-exports every model, so callers import them all from auditapp.models (see __all__).
from auditapp.models.audit_types import AuditType, AuditTypeVersion  # noqa: E402
from auditapp.models.board import Commentary, Target  # noqa: E402
from auditapp.models.calibration import (  # noqa: E402
    AgreedGrade,
    CalibrationExercise,
    CalibrationGrade,
    CalibrationMember,
    CalibrationRule,
    CalibrationSubmission,
)
from auditapp.models.concerns import Concern  # noqa: E402
from auditapp.models.families import FamilyAnswer, FamilyContact, FamilyFeedback  # noqa: E402
from auditapp.models.findings import Action, PractitionerReply, Reaudit, ReviewAnswer, Theme, ThemeTag  # noqa: E402
from auditapp.models.framework import DescriptorSet  # noqa: E402
from auditapp.models.history import Event  # noqa: E402
from auditapp.models.learning import LearningActivity, Priority, PriorityLink, Response  # noqa: E402
from auditapp.models.messages import Absence, ClosureDay, SentMessage  # noqa: E402
from auditapp.models.remembering import FigureVersion, RememberedFigure  # noqa: E402
from auditapp.models.security import FeedToken, HistoryPurge, ReadRecord, SignInAttempt, UserSession  # noqa: E402
from auditapp.models.work import FormStash, ImportJob, ImportWord  # noqa: E402

# Every model the package exports: those defined above and those re-exported from its modules.
__all__ = [
    "Team",
    "User",
    "Case",
    "Cycle",
    "Audit",
    "Review",
    "ReviewGrade",
    "ModeratedGrade",
    "Concern",
    "Event",
    "FamilyAnswer",
    "FamilyContact",
    "FamilyFeedback",
    "Action",
    "PractitionerReply",
    "Reaudit",
    "ReviewAnswer",
    "Theme",
    "ThemeTag",
    "Absence",
    "ClosureDay",
    "SentMessage",
    "HistoryPurge",
    "ReadRecord",
    "SignInAttempt",
    "FeedToken",
    "UserSession",
    "FormStash",
    "DescriptorSet",
    "AuditType",
    "AuditTypeVersion",
    "ImportJob",
    "ImportWord",
    "AgreedGrade",
    "CalibrationExercise",
    "CalibrationGrade",
    "CalibrationMember",
    "CalibrationRule",
    "CalibrationSubmission",
    "Priority",
    "PriorityLink",
    "LearningActivity",
    "Response",
    "Target",
    "Commentary",
    "FigureVersion",
    "RememberedFigure",
]
