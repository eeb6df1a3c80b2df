"""The practitioner's reply: after sign-off, auditor A (the case-responsible manager) records the
reflective conversation with the practitioner, and whether they dispute a finding; a dispute goes
to the moderator and the QA lead, and the moderator's response is recorded beside it."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Audit, PractitionerReply, User
from auditapp.permissions import can_record_reply, can_respond_to_dispute, require


@dataclass
class ReplyEntry:
    held: bool | None = None
    held_on: date | None = None
    not_held_reason: str = ""
    practitioner_view: str = ""
    disputes: bool = False
    dispute_details: str = ""


def reply_for(audit: Audit) -> PractitionerReply | None:
    return db.session.scalar(select(PractitionerReply).where(PractitionerReply.audit_id == audit.id))


def save_reply(actor: User, audit: Audit, entry: ReplyEntry, expected_version: int | None) -> PractitionerReply:
    require(can_record_reply(actor, audit), "Only auditor A records the practitioner's reply, after sign-off")
    reply = reply_for(audit)
    check_version(reply.version if reply else 0, expected_version, "The practitioner's reply")
    if entry.held is None:
        raise RuleError("Say whether the conversation with the practitioner was held", "held")
    if entry.held and entry.held_on is None:
        raise RuleError("Enter the date the conversation was held", "held_on")
    if entry.held and entry.held_on and entry.held_on > clock.today():
        raise RuleError("The date the conversation was held must be today or earlier", "held_on")
    if not entry.held and not entry.not_held_reason.strip():
        raise RuleError("Say why the conversation was not held", "not_held_reason")
    if entry.held and not entry.practitioner_view.strip():
        raise RuleError("Record the practitioner's view of the work and of the findings", "practitioner_view")
    if entry.disputes and not entry.dispute_details.strip():
        raise RuleError("Say which finding the practitioner disputes, and why", "dispute_details")
    if reply is None:
        reply = PractitionerReply(audit_id=audit.id, recorded_by_id=actor.id, recorded_at=clock.now(), held=False)
        db.session.add(reply)
        db.session.flush()
    else:
        claim_version(reply, "version", "The practitioner's reply")
    reply.held, reply.held_on = entry.held, entry.held_on if entry.held else None
    reply.not_held_reason = None if entry.held else entry.not_held_reason.strip()
    reply.practitioner_view = entry.practitioner_view.strip() or None
    reply.disputes = bool(entry.disputes)
    reply.dispute_details = entry.dispute_details.strip() if entry.disputes else None
    reply.recorded_by_id, reply.recorded_at = actor.id, clock.now()
    record(actor, history.REPLY_RECORDED, audit,
           after="disputes a finding" if reply.disputes else ("held" if reply.held else "not held"))
    db.session.flush()
    return reply


def respond(actor: User, audit: Audit, reply: PractitionerReply, response: str, expected_version: int | None) -> None:
    require(can_respond_to_dispute(actor, audit), "Only the moderator or the QA lead responds to a dispute")
    if not reply.disputes:
        raise RuleError("The practitioner does not dispute a finding")
    check_version(reply.version, expected_version, "The practitioner's reply")
    response = (response or "").strip()
    if not response:
        raise RuleError("Enter your response to the dispute", "response")
    claim_version(reply, "version", "The practitioner's reply")
    reply.response, reply.responded_by_id, reply.responded_at = response, actor.id, clock.now()
    record(actor, history.DISPUTE_RESPONSE_RECORDED, audit, after=response)
    db.session.flush()
