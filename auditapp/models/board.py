"""What the board's pack says beyond the figures: the QA lead's targets for the measures boards
watch, and each month's commentary."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from auditapp.extensions import Model
from auditapp.models.sets import one_of

# The measures boards watch: key -> (name, "at_least" or "at_most"). A target on each is a percentage.
BOARD_MEASURES = {
    "good_overall": ("Good or better overall", "at_least"),
    "inadequate_overall": ("Inadequate overall", "at_most"),
    "on_time": ("Audits completed on time", "at_least"),
    "reaudited": ("Inadequate audits re-audited when due", "at_least"),
    "family_feedback": ("Families who gave feedback", "at_least"),
}


class Target(Model):
    """A target from its start month on. Never edited: a change is a new row starting later, so the
    months before it keep the target (and the status) they were reported against."""

    __table_args__ = (Index("ix_target_measure_starts", "measure", "starts"), one_of("measure", BOARD_MEASURES))

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(30))
    percent: Mapped[int | None]  # None: no target from this month on
    starts: Mapped[str] = mapped_column(String(7))  # the first month it applies to, "YYYY-MM"
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime]


class Commentary(Model):
    """A month's words for the board: what the audits tell us and what we are doing about it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    told: Mapped[str] = mapped_column(Text, default="")  # what the audits tell us
    doing: Mapped[str] = mapped_column(Text, default="")  # what we are doing about it
    seniors_may_write: Mapped[bool] = mapped_column(default=False, server_default="0")  # the QA lead's say
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    written_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking
