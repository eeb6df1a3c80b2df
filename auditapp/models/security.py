"""Records that keep the service secure: signed-in sessions, sign-in attempts and who read what."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL
from auditapp.models.sets import PASSWORD, SESSION_ENDINGS, SIGN_IN_METHODS, one_of

if TYPE_CHECKING:
    from auditapp.models import Audit, User


class UserSession(Model):
    """A signed-in session, held on the server so that signing out, the idle and absolute limits
    and deactivation end it at once. The browser's signed cookie holds only a random token,
    stored here as its SHA-256 (a copy of this table does not let anyone sign in)."""

    __table_args__ = (one_of("ended_reason", SESSION_ENDINGS), one_of("method", SIGN_IN_METHODS))

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))  # one of SESSION_ENDINGS
    address: Mapped[str | None] = mapped_column(String(45))
    method: Mapped[str] = mapped_column(String(20), default=PASSWORD)


class FeedToken(Model):
    """A token a dashboard (Power BI, Excel's Get data from web) reads the figures feed with. Only
    its SHA-256 is stored: the token itself is shown once, when the QA lead creates it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # what it is for: "Improvement board Power BI"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # a revoke from a stale page is refused


class SignInAttempt(Model):
    """Every sign-in try, counted in the database so every web worker shares the limits."""

    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "at"),
        Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    email: Mapped[str] = mapped_column(String(254))  # as typed, lower-cased
    address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool]


class ReadRecord(Model):
    """Who opened which audit or downloaded which export, and when. Kept apart from the history
    so that reading never changes the figures' cache key (the history's newest id)."""

    # (what, at): the newest read of one kind of download, a range of the index (migration 0031p).
    __table_args__ = (Index("ix_read_record_at", "at"), Index("ix_read_record_what_at", "what", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"), index=True)
    what: Mapped[str] = mapped_column(String(200))  # "Audit", or the export's name and month

    user: Mapped["User"] = relationship(lazy=NO_SQL)
    audit: Mapped["Audit | None"] = relationship(lazy=NO_SQL)


class HistoryPurge(Model):
    """Present only inside a purge's transaction. On PostgreSQL the append-only triggers let
    changes through only in the transaction that wrote the row (`txid`), and the application's
    role may not write here; on SQLite they ask the purge's own connection (retention.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    txid: Mapped[int | None] = mapped_column(BigInteger)
