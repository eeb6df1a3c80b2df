"""The council's own framework (issue 24): grade descriptors kept in the database as versions."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL
from auditapp.models.sets import one_of

# draft (seen and edited only by the QA lead and practice leads) -> published (never changes again)
DESCRIPTOR_STATES = {"draft": "Draft", "published": "Published"}


class PublishedVersion:
    """What a version of the grade descriptors and a version of an audit type both hold: a draft that
    editors change (optimistic locking keeps two editors' saves apart), then a published version with
    its note and date that never changes again (migration 0029's triggers hold that in the database)."""

    state: Mapped[str] = mapped_column(String(10), default="draft")
    note: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr
    def published_by(cls: type) -> Mapped[Any]:
        return relationship("User", foreign_keys=f"{cls.__name__}.published_by_id", lazy=NO_SQL)

    @declared_attr
    def updated_by(cls: type) -> Mapped[Any]:
        return relationship("User", foreign_keys=f"{cls.__name__}.updated_by_id", lazy=NO_SQL)


class DescriptorSet(PublishedVersion, Model):
    """One version of the whole set of grade descriptors (every domain's indicators for every grade).
    A published version is never changed: editing starts a new draft, and publishing it adds a version."""

    __tablename__ = "descriptor_set"
    __table_args__ = (one_of("state", DESCRIPTOR_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3 … in the order published; None while a draft.
    number: Mapped[int | None] = mapped_column(unique=True)
    # 1 while a draft, None once published: the unique key lets only one draft exist at a time, even
    # when two editors start one at the same moment.
    draft_slot: Mapped[int | None] = mapped_column(unique=True)
    # What each audit graded against it records ("voice 2026.1; assessment 2026.2; …"), once published.
    recorded: Mapped[str | None] = mapped_column(String(200), unique=True)
    # domain key -> {"version": "2026.1", "grades": {"outstanding": [indicator, …], "good": …}}
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
