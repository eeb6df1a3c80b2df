"""Email the service sends, and when people are away (issue 12)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from auditapp.extensions import Model


class SentMessage(Model):
    """One email to one person. `key` names the occasion (what, about which record, for whom, on
    which due date), so the daily job never sends the same reminder twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    address: Mapped[str] = mapped_column(String(254))
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))


class Absence(Model):
    """A period someone is away (leave, sickness): not allocated, not reminded (their manager is)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # a removal from a stale page is refused


class ClosureDay(Model):
    """A day the council is closed beyond the bank holidays (a Christmas closure): no deadline
    falls on it and no reminder is sent on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    reason: Mapped[str] = mapped_column(String(80))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime]
