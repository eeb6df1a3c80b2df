"""What follows an audit: actions, re-audits, themes and the practitioner's reply (issue 11)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL
from auditapp.models.sets import PROPOSER_ROLES, one_of

PRIORITIES = {"immediate": "Immediate", "urgent": "Urgent", "standard": "Standard"}
# proposed (by an auditor) -> open (confirmed by the moderator) -> done (owner, with evidence)
# -> closed (verified); done can be sent back to open; proposed or open can be removed.
ACTION_STATES = {"proposed": "Proposed", "open": "Open", "done": "Done, to verify", "closed": "Closed",
                 "removed": "Removed"}
THEME_KINDS = {"strength": "Strength", "worry": "Worry"}


class Action(Model):
    __table_args__ = (Index("ix_action_status_due", "status", "due"), one_of("proposed_role", PROPOSER_ROLES),
                      one_of("priority", PRIORITIES), one_of("status", ACTION_STATES))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    # Who proposed it: "A" or "B" (hidden from the other auditor until both submit) or "M", the moderator.
    proposed_role: Mapped[str] = mapped_column(String(1))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due: Mapped[date]
    priority: Mapped[str] = mapped_column(String(10))
    domain: Mapped[str | None] = mapped_column(String(20))  # a domain key
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None]
    progress: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)  # what was done
    evidence_location: Mapped[str | None] = mapped_column(String(300))  # where the case file records it
    done_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verified_at: Mapped[datetime | None]
    sent_back_reason: Mapped[str | None] = mapped_column(Text)
    removed_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    audit = relationship("Audit", lazy=NO_SQL)
    owner = relationship("User", foreign_keys=[owner_id], lazy=NO_SQL)
    theme = relationship("Theme", lazy=NO_SQL)

    @property
    def is_closed(self) -> bool:
        return self.status in ("closed", "removed")

    @hybrid_method
    def is_overdue(self, today: date):
        """The one rule of an overdue action: still the owner's to do and past its due date. Done and
        waiting for verification is not overdue (only the owner's part can be late), and a proposal is
        not yet anyone's to do. One expression: a bool on an action, a SQL condition on the class
        (`Action.is_overdue(today)`), so lists, reports and reminders cannot drift from the tag."""
        return (self.status == "open") & (self.due < today)

    @property
    def state_label(self) -> str:
        return ACTION_STATES[self.status]


class Theme(Model):
    """A practice theme from the QA lead's list. Retired, never deleted, once used."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking of retiring


class ThemeTag(Model):
    """A theme an auditor ("A", "B") or the moderator ("M") saw in an audit, as a strength or a worry."""

    __table_args__ = (UniqueConstraint("audit_id", "theme_id", "role", "kind",
                                       name="uq_theme_tag_audit_id_theme_id_role_kind"),
                      one_of("role", PROPOSER_ROLES), one_of("kind", THEME_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    role: Mapped[str] = mapped_column(String(1))
    kind: Mapped[str] = mapped_column(String(10))


class Reaudit(Model):
    """An audit moderated Inadequate overall, to be audited again about three months later: the
    second audit joins that month's cycle beside the random sample."""

    id: Mapped[int] = mapped_column(primary_key=True)
    first_audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), unique=True)
    due_month: Mapped[str] = mapped_column(String(7), index=True)
    scheduled_at: Mapped[datetime]
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"), unique=True)  # once drawn
    note: Mapped[str | None] = mapped_column(String(200))  # why it was not drawn, if it was not

    first_audit = relationship("Audit", foreign_keys=[first_audit_id], lazy=NO_SQL)
    audit = relationship("Audit", foreign_keys=[audit_id], lazy=NO_SQL)


class PractitionerReply(Model):
    """The reflective conversation auditor A holds with the practitioner after sign-off: the
    practitioner's view, and whether they dispute a finding (with the moderator's response)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), unique=True)
    held: Mapped[bool]
    held_on: Mapped[date | None]
    not_held_reason: Mapped[str | None] = mapped_column(Text)
    practitioner_view: Mapped[str | None] = mapped_column(Text)  # of the work and of the findings
    disputes: Mapped[bool] = mapped_column(default=False)
    dispute_details: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]
    response: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    responded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class ReviewAnswer(Model):
    """An auditor's answer to one of a targeted audit's own questions (numbered from 1)."""

    __table_args__ = (UniqueConstraint("review_id", "number", name="uq_review_answer_review_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    number: Mapped[int]
    answer: Mapped[str | None] = mapped_column(Text)
