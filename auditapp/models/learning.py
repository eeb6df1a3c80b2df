"""Learning that shows (issue 26): practice priorities raised from what the audits show, the work
under them, and what was changed in response to families and practitioners ("you said, we did")."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auditapp.extensions import Model
from auditapp.models.base import NO_SQL
from auditapp.models.sets import one_of

# What success is measured on: a small closed set, each computed from the dashboard's own figures
# (learning/evidence.py), so a priority can never be judged on a figure the dashboard does not show.
MEASURES = {
    "good": "% Good or better (overall or in one domain) at least the target",
    "worry": "% of audits with a worry theme below the target",
    "reaudits": "Every re-audit of an Inadequate case improves",
}
PRIORITY_STATES = {"open": "In progress", "met": "Met", "partly_met": "Partly met", "not_met": "Not met"}
CLOSED_STATES = {key: label for key, label in PRIORITY_STATES.items() if key != "open"}
# What a priority's "why" can point at: chosen from the figures and their drill-downs.
LINK_KINDS = {"theme": "Theme", "domain": "Domain", "audit": "Audit", "feedback": "Family feedback",
              "dispute": "Practitioner's dispute", "action": "Action", "targeted": "Targeted audit"}
ACTIVITY_KINDS = {"briefing": "Briefing", "training": "Training", "guide": "Practice guide",
                  "bulletin": "Learning bulletin", "workshop": "Workshop"}
RESPONSE_SOURCES = {"family": "Family feedback", "dispute": "Practitioner's dispute"}


class Priority(Model):
    __table_args__ = (one_of("measure", MEASURES), one_of("status", PRIORITY_STATES))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)  # a senior manager
    measure: Mapped[str] = mapped_column(String(10))
    # "good": the judgement (a domain key or "overall"); "worry": the theme.
    judgement: Mapped[str | None] = mapped_column(String(20))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    target: Mapped[int | None]  # a whole percentage; none for "every re-audit improves"
    target_by: Mapped[date]
    review_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    closing_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the demo loader
    raised_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    owner = relationship("User", foreign_keys=[owner_id], lazy=NO_SQL)
    theme = relationship("Theme", lazy=NO_SQL)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def state_label(self) -> str:
        return PRIORITY_STATES[self.status]


class PriorityLink(Model):
    """One thing behind a priority, or serving it: a theme, a domain, an audit, a family's feedback
    or a practitioner's dispute (both by their audit), an action, or a targeted audit testing it."""

    __table_args__ = (UniqueConstraint("priority_id", "kind", "ref", name="uq_priority_link_priority_id_kind_ref"),
                      one_of("kind", LINK_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[str] = mapped_column(String(40))  # the theme, audit, action or cycle id, or the domain key
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    linked_at: Mapped[datetime]


class LearningActivity(Model):
    __table_args__ = (one_of("kind", ACTIVITY_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    what: Mapped[str] = mapped_column(Text)
    held_on: Mapped[date]
    reached: Mapped[str] = mapped_column(Text)  # the teams or people it reached
    attended: Mapped[int | None]
    material_url: Mapped[str | None] = mapped_column(String(500))  # http or https only
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def kind_label(self) -> str:
        return ACTIVITY_KINDS[self.kind]


class Response(Model):
    """"You said, we did": what changed in response to a family's feedback or a practitioner's
    dispute, linked to the audit it came from. `their_words` is a quotation, kept only with the
    consent recorded beside it; `you_said` is the QA lead's own summary."""

    __table_args__ = (one_of("source", RESPONSE_SOURCES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    their_words: Mapped[str | None] = mapped_column(Text)
    words_consented: Mapped[bool] = mapped_column(default=False)
    changed_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def source_label(self) -> str:
        return RESPONSE_SOURCES[self.source]
