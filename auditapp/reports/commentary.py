"""Each month's commentary for the board: "What the audits tell us" and "What we are doing about
it", written by the QA lead (and by senior managers when the QA lead allows), with who wrote it
and when, every save in the history."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Commentary, User
from auditapp.months import month_label
from auditapp.permissions import can_set_targets, can_write_commentary, require

LONGEST = 5000
TOLD, DOING = "What the audits tell us", "What we are doing about it"


@dataclass(frozen=True)
class Words:
    """The month's commentary as plain values, for the remembered summary, the page and the workbook."""

    told: str
    doing: str
    written_by: str
    written_at: datetime


def commentary_of(month: str) -> Commentary | None:
    return db.session.scalar(select(Commentary).where(Commentary.month == month))


def words_for(month: str) -> Words | None:
    row = db.session.execute(select(Commentary.told, Commentary.doing, User.name, Commentary.written_at)
                             .outerjoin(User, User.id == Commentary.written_by_id)
                             .where(Commentary.month == month)).first()
    if row is None or not (row[0] or row[1]):
        return None
    return Words(row[0], row[1], row[2] or "The system", row[3])


def may_write(actor: User, commentary: Commentary | None) -> bool:
    return can_write_commentary(actor, commentary is not None and commentary.seniors_may_write)


def save_commentary(actor: User, month: str, told: str, doing: str, seniors_may_write: bool | None,
                    expected_version: int | None) -> Commentary:
    """The month's two texts; `seniors_may_write` is the QA lead's to change (None: leave it)."""
    commentary = commentary_of(month)
    require(may_write(actor, commentary), "Only the QA lead (or a senior manager the QA lead allows) writes this")
    told, doing = (told or "").strip(), (doing or "").strip()
    for text, field in ((told, "told"), (doing, "doing")):
        if len(text) > LONGEST:
            raise RuleError(f"Write {LONGEST:,} characters or fewer", field)
    if seniors_may_write is not None:
        require(can_set_targets(actor), "Only the QA lead decides who may write the commentary")
    what = f"The commentary for {month_label(month)}"
    if commentary is None:
        if expected_version not in (None, 0):
            check_version(0, expected_version, what)
        commentary = Commentary(month=month, told="", doing="", seniors_may_write=False,
                                written_by_id=actor.id, written_at=clock.now())
        db.session.add(commentary)
        db.session.flush()
    else:
        check_version(commentary.version, expected_version, what)
        claim_version(commentary, "version", what)
    label = month_label(month)
    for field, name, text in (("told", TOLD, told), ("doing", DOING, doing)):
        if getattr(commentary, field) != text:
            record(actor, history.COMMENTARY_SAVED, field=f"{name}, {label}", before=getattr(commentary, field) or None,
                   after=text or None)
            setattr(commentary, field, text)
    if seniors_may_write is not None and seniors_may_write != commentary.seniors_may_write:
        record(actor, history.COMMENTARY_SAVED, field=f"Senior managers may write the commentary, {label}",
               before="Yes" if commentary.seniors_may_write else "No", after="Yes" if seniors_may_write else "No")
        commentary.seniors_may_write = seniors_may_write
    commentary.written_by_id, commentary.written_at = actor.id, clock.now()
    db.session.flush()
    return commentary
