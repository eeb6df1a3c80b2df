"""Families' voices: each attempt to reach the family, the outcome, and what they said (issue 12)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from auditapp.extensions import Model
from auditapp.models.sets import REVIEW_ROLES, one_of

CONTACT_WHO = {"parent": "Parent or carer", "child": "Child or young person", "other": "Someone else"}
CONTACT_METHODS = {"phone": "Phone", "visit": "Visit", "letter": "Letter", "online": "Online"}
OUTCOMES = {"gave_feedback": "Gave feedback", "declined": "Declined", "no_response": "No response after the attempts",
            "not_contacted": "Not contacted"}
RESPONDENTS = {"parent": "Parent or carer", "child": "Child or young person"}
# The questions with a rating; "what would you change" is the family's words only.
QUESTIONS = {
    "understood": "Did you understand why we were involved?",
    "listened": "Did the worker listen to you and your child?",
    "better": "Has anything got better for your child?",
}
RATINGS = {4: "Yes, completely", 3: "Mostly", 2: "A little", 1: "Not at all"}


class FamilyContact(Model):
    """One attempt to reach the family, by the auditor given the task (auditor B unless configured)."""

    __table_args__ = (one_of("role", REVIEW_ROLES), one_of("who", CONTACT_WHO), one_of("method", CONTACT_METHODS))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    role: Mapped[str] = mapped_column(String(1))  # the auditor who made it: blind like their audit
    attempted_on: Mapped[date]
    who: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]


class FamilyFeedback(Model):
    """The outcome of contacting the family, with the parent's and the child's answers apart."""

    __table_args__ = (one_of("role", REVIEW_ROLES), one_of("outcome", OUTCOMES))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), unique=True)
    role: Mapped[str] = mapped_column(String(1))
    outcome: Mapped[str] = mapped_column(String(15))
    not_contacted_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class FamilyAnswer(Model):
    """One respondent's answers: a rating (1 to 4) and their own words for each question."""

    __table_args__ = (UniqueConstraint("audit_id", "respondent", name="uq_family_answer_audit_id_respondent"),
                      one_of("respondent", RESPONDENTS))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(10))  # parent, child
    understood: Mapped[int | None]
    understood_words: Mapped[str | None] = mapped_column(Text)
    listened: Mapped[int | None]
    listened_words: Mapped[str | None] = mapped_column(Text)
    better: Mapped[int | None]
    better_words: Mapped[str | None] = mapped_column(Text)
    change_words: Mapped[str | None] = mapped_column(Text)
