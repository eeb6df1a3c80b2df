"""Immediate safeguarding concerns: raised at once, shown until the response is recorded."""

from datetime import timedelta

from auditapp import clock, history
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Audit, Concern, User
from auditapp.outbox import notices
from auditapp.permissions import can_acknowledge_concern, can_raise_concern, require

DUPLICATE_WINDOW = timedelta(minutes=10)


def raise_concern(actor: User, audit: Audit, details: str) -> Concern:
    require(can_raise_concern(actor, audit), "Only the case's auditors and moderator can raise a concern")
    details = (details or "").strip()
    if not details:
        raise RuleError("Describe the immediate safeguarding concern", "details")
    # A double click, or the same report from a second tab: say it is already raised, once.
    recent = clock.now() - DUPLICATE_WINDOW
    for earlier in audit.concerns:
        if earlier.acknowledged_at is None and earlier.raised_at >= recent and earlier.details == details:
            raise RuleError(f"This concern was already raised at {clock.uk_format(earlier.raised_at, '%H:%M')} by "
                            f"{earlier.raised_by.name}; the people who must act on it can see it now", "details")
    concern = Concern(audit=audit, raised_by=actor, raised_at=clock.now(), details=details)
    db.session.add(concern)
    db.session.flush()
    record(actor, history.CONCERN_RAISED, audit, after=details)
    notices.concern_raised(concern, audit)
    return concern


def acknowledge_concern(actor: User, concern: Concern, response: str) -> None:
    require(can_acknowledge_concern(actor, concern.audit),
            "Only the moderator or the QA lead can record the response to a concern")
    if concern.acknowledged_at:
        raise RuleError("This concern has already been acknowledged")
    response = (response or "").strip()
    if not response:
        raise RuleError("Say what was done in response to the concern", "response")
    concern.acknowledged_by = actor
    concern.acknowledged_at = clock.now()
    concern.response = response
    record(actor, history.CONCERN_ACKNOWLEDGED, concern.audit, after=response)
    db.session.flush()
