""""You said, we did": what the service changed in response to a family's feedback or a
practitioner's dispute, linked to the audit it came from. A family's own words are quoted only
with the consent recorded beside them; otherwise the QA lead's summary says what they said.

`you_said_we_did(start_month, end_month)` lists a period's entries, for the quarterly report."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from auditapp import clock, history
from auditapp.errors import Invalid
from auditapp.extensions import db
from auditapp.history import record
from auditapp.learning.priorities import newest_signed_off_audit
from auditapp.models import Audit, Case, Cycle, Priority, Response
from auditapp.models.learning import RESPONSE_SOURCES
from auditapp.months import month_start, months_before
from auditapp.permissions import Actor, can_record_response, require


@dataclass
class ResponseEntry:
    source: str = ""
    reference: str = ""  # the case reference
    you_said: str = ""
    we_did: str = ""
    their_words: str = ""
    words_consented: bool = False
    changed_on: date | None = None
    priority_id: int | None = None


def record_response(actor: Actor, entry: ResponseEntry) -> Response:
    require(can_record_response(actor), "Only the QA lead records what was changed in response")
    problems = {}
    audit_id = None
    if entry.source not in RESPONSE_SOURCES:
        problems["source"] = "Choose whether it responds to a family's feedback or a practitioner's dispute"
    if not entry.reference.strip():
        problems["reference"] = "Enter the case reference of the audit the feedback or dispute came from"
    elif entry.source in RESPONSE_SOURCES:
        audit_id = newest_signed_off_audit(entry.reference, "feedback" if entry.source == "family" else "dispute")
        if audit_id is None:
            problems["reference"] = ("No signed-off audit of that case reference has the family's feedback"
                                     if entry.source == "family" else
                                     "No signed-off audit of that case reference has a practitioner's dispute")
    if not entry.you_said.strip():
        problems["you_said"] = "Say, in your own words, what they said"
    if not entry.we_did.strip():
        problems["we_did"] = "Say what was changed in response"
    if entry.their_words.strip() and not entry.words_consented:
        # Their own words are theirs: quoted only with the consent they gave, never by default.
        problems["their_words"] = ("Quote their own words only if they agreed: tick that they gave consent, "
                                   "or remove the quotation and say it in your own words above")
    if entry.changed_on is None:
        problems["changed_on"] = "Enter the date the change was made, like 14/1/2027"
    elif entry.changed_on > clock.today():
        problems["changed_on"] = "The date of the change must be today or earlier"
    if entry.priority_id is not None and db.session.get(Priority, entry.priority_id) is None:
        problems["priority"] = "Choose a practice priority from the list"
    if problems:
        raise Invalid(problems)
    words = entry.their_words.strip() or None
    response = Response(source=entry.source, audit_id=audit_id, priority_id=entry.priority_id,
                        you_said=entry.you_said.strip(), we_did=entry.we_did.strip(), their_words=words,
                        words_consented=bool(words and entry.words_consented), changed_on=entry.changed_on,
                        recorded_by_id=actor.id, recorded_at=clock.now())
    db.session.add(response)
    db.session.flush()
    audit = db.session.get(Audit, audit_id)
    record(actor, history.RESPONSE_RECORDED, audit, field=f"response {response.id}",
           after=f"We did: {response.we_did}")
    return response


@dataclass(frozen=True)
class ResponseRow:
    id: int
    source: str  # in words
    reference: str
    month: str  # the month of the audit it came from
    audit_id: int
    you_said: str
    we_did: str
    quote: str | None  # the family's or practitioner's own words: only where they consented
    changed_on: date
    priority: str | None


NEWEST_FIRST = (Response.changed_on.desc(), Response.id.desc())


def response_ids() -> Select:
    """Every entry's id, newest change first: the list page pages these, then reads their rows."""
    return select(Response.id).order_by(*NEWEST_FIRST)


def rows_of(ids: list[int]) -> list["ResponseRow"]:
    return [as_row(row) for row in db.session.execute(responses().where(Response.id.in_(ids)))]


def responses() -> Select:
    """The entries' rows, newest change first."""
    return (select(Response.id, Response.source, Case.reference, Cycle.month, Response.audit_id, Response.you_said,
                   Response.we_did, Response.their_words, Response.words_consented, Response.changed_on,
                   Priority.title)
            .join(Audit, Audit.id == Response.audit_id).join(Case, Case.id == Audit.case_id)
            .join(Cycle, Cycle.id == Audit.cycle_id).outerjoin(Priority, Priority.id == Response.priority_id)
            .order_by(*NEWEST_FIRST))


def as_row(row) -> ResponseRow:
    (id_, source, reference, month, audit_id, you_said, we_did, words, consented, changed_on, priority) = row
    return ResponseRow(id_, RESPONSE_SOURCES[source], reference, month, audit_id, you_said, we_did,
                       words if consented else None, changed_on, priority)


def you_said_we_did(start_month: str, end_month: str) -> list[ResponseRow]:
    """The entries whose change was made in the months from `start_month` to `end_month`, oldest
    first; count them with len(). Quotations only where consent was recorded."""
    after_end = month_start(months_before(end_month, -1))
    query = responses().where(Response.changed_on >= month_start(start_month), Response.changed_on < after_end)
    rows = [as_row(row) for row in db.session.execute(query)]
    return sorted(rows, key=lambda r: (r.changed_on, r.id))

