"""What the report figures are versioned by, and the figures every worker and machine shares (issue 22)."""

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from auditapp.extensions import Model


class FigureVersion(Model):
    """One row: a new random token whenever a change that can alter a report figure commits
    (figure_version.py). Random rather than counted, so a restored backup can never bring back a
    version whose figures were computed from other data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]


class RememberedFigure(Model):
    """A figure computed once for every worker: the newest value of one name and key (the digest),
    with the version it was computed for. Signed, since it is unpickled (remembered.py)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(200))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    stored_at: Mapped[datetime] = mapped_column(index=True)
