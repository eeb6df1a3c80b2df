"""The history: append-only, one entry per change, sealed in a chain of hashes as it is written
(auditapp/history_chain.py), so blind review and tamper evidence both start from this record."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL

if TYPE_CHECKING:
    from auditapp.models import Audit, User


class Event(Model):
    """Append-only history: who did what, when, with the value before and after."""

    # The newest entry of a kind (when the case list was last imported) is found, not searched for;
    # so is the newest entry on an audit (what a form has seen), however many drafts it has had.
    __table_args__ = (Index("ix_event_action_at", "action", "at"), Index("ix_event_audit_id_id", "audit_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: command line
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"))
    # Set for entries about one auditor's review, so blind review covers the history too.
    review_role: Mapped[str | None] = mapped_column(String(1))
    action: Mapped[str] = mapped_column(String(120))
    field: Mapped[str | None] = mapped_column(String(120), index=True)  # a priority's page lists its own
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    # Chained to the entry before it: history_chain.py seals it as it is written.
    hash: Mapped[str | None] = mapped_column(String(64))

    user: Mapped["User | None"] = relationship(lazy=NO_SQL)
    audit: Mapped["Audit | None"] = relationship(lazy=NO_SQL)


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _history_is_append_only(mapper, connection, target):
    raise ValueError("The audit history is append-only")
