"""The service's own work in progress: case-list imports running in the background, and forms
kept for people whose session ended while they typed."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from auditapp.extensions import Model
from auditapp.models.sets import IMPORT_STATES, one_of

IMPORT_WORD_KINDS = ("column", "case type")


class ImportJob(Model):
    """An uploaded case list being checked and imported in the background, with its progress,
    so a county-sized file never holds a web worker past its timeout."""

    __table_args__ = (one_of("status", IMPORT_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    # The file itself, so whichever machine runs the job can read it; emptied once imported.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    # queued, running, done, failed; or waiting for the QA lead: "columns" (to match the file's
    # headers to auditapp's fields) or "case types" (to say what each unknown word means).
    status: Mapped[str] = mapped_column(String(20), default="queued")  # one of IMPORT_STATES
    questions: Mapped[str | None] = mapped_column(Text)  # JSON: what the QA lead is asked, while waiting
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    added: Mapped[int | None]
    updated: Mapped[int | None]
    problems: Mapped[str | None] = mapped_column(Text)  # one per line, the first 100
    problem_count: Mapped[int | None]
    finished_at: Mapped[datetime | None]
    # Moved on with every step of progress: a job "running" whose heartbeat stopped lost its worker.
    heartbeat_at: Mapped[datetime | None]


class ImportWord(Model):
    """A column name or case-type word in a council's exports, and what the QA lead said it means,
    remembered so the next import of the same system's export needs no questions. `meaning` is
    a field of the case list (or "" for a column to ignore) or a case type's key."""

    __table_args__ = (UniqueConstraint("kind", "word"), one_of("kind", IMPORT_WORD_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    word: Mapped[str] = mapped_column(String(200))  # normalised: lower case, punctuation as spaces
    meaning: Mapped[str] = mapped_column(String(40))
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the command line
    chosen_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking of a change


class FormStash(Model):
    """What someone typed into a form when their session had ended, kept for them to sign in again
    and carry on. Tied to the browser by a cookie holding the key; taken once; kept 24 hours."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    data: Mapped[str] = mapped_column(Text)  # JSON: field name -> list of values
    created_at: Mapped[datetime]
    # The ended session it was sent from and the address it came from, to limit how many are kept
    # for each. No foreign key: a kept form lasts a day and must never hold up a purge of sessions.
    session_id: Mapped[int | None] = mapped_column(index=True)
    address: Mapped[str | None] = mapped_column(String(45), index=True)
