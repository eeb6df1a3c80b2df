"""Audit types (issue 24): the kinds of audit the council runs, each versioned like the descriptors.

The monthly random audit is the built-in type (listed, never edited, no versions: its cycles have
no type version). Every other type is drafted and published by the QA lead and practice leads; a
published version never changes, and an audit of a type keeps the version it was started with.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL
from auditapp.models.framework import PublishedVersion
from auditapp.models.sets import COURSES, TYPE_STATES, one_of


class AuditType(Model):
    """A named kind of audit; its design lives in its versions."""

    __tablename__ = "audit_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    # The monthly random audit: listed beside the others, never edited, retired or versioned.
    built_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Retired: no new audit of it can start; its versions stay readable for the audits that used them.
    retired_at: Mapped[datetime | None]
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Optimistic locking of its name, purpose and retirement.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    versions: Mapped[list["AuditTypeVersion"]] = relationship(
        back_populates="audit_type", lazy=NO_SQL, order_by="AuditTypeVersion.id")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class AuditTypeVersion(PublishedVersion, Model):
    """One version of a type's design. A draft is seen and edited only by the QA lead and practice
    leads; published, it never changes again (editing starts a new draft)."""

    __tablename__ = "audit_type_version"
    __table_args__ = (
        UniqueConstraint("audit_type_id", "number"),
        # One draft per type at a time, even when two editors start one at the same moment.
        Index("uq_audit_type_version_one_draft", "audit_type_id", unique=True,
              sqlite_where=text("state = 'draft'"), postgresql_where=text("state = 'draft'")),
        one_of("state", TYPE_STATES),
        one_of("course", COURSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_type_id: Mapped[int] = mapped_column(ForeignKey("audit_type.id"), index=True)
    # 1, 2, 3 … in the order published within the type; None while a draft.
    number: Mapped[int | None]
    # How an audit of this version runs (a column, not only in the content, so reports can filter).
    course: Mapped[str] = mapped_column(String(20))
    # {"purpose", "family_contact": bool, "consent_first": bool, "domains": [domain keys],
    #  "questions": [{"kind", "text", "hint", "required", "descriptors": {grade key: text}}]}
    # (see auditapp/framework/type_content.py, which alone writes and reads it)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)

    audit_type: Mapped[AuditType] = relationship(back_populates="versions", lazy=NO_SQL)
