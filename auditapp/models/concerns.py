"""An immediate safeguarding concern raised on an audit: open until someone records the response."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL

if TYPE_CHECKING:
    from auditapp.models import Audit, User


class Concern(Model):
    """An immediate safeguarding concern: open until someone records the response."""

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime]
    details: Mapped[str] = mapped_column(Text)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    acknowledged_at: Mapped[datetime | None]
    response: Mapped[str | None] = mapped_column(Text)

    audit: Mapped["Audit"] = relationship(back_populates="concerns", lazy=NO_SQL)
    raised_by: Mapped["User"] = relationship(foreign_keys=[raised_by_id], lazy=NO_SQL)
    acknowledged_by: Mapped["User | None"] = relationship(
        foreign_keys=[acknowledged_by_id], lazy=NO_SQL
    )
