"""Audits of a type run by one auditor (issue 24): auditor B, the independent one, audits alone;
the case-responsible manager (auditor A) does not. "Single": submitting signs the audit off.
"Single with review": the allocated senior manager (the moderator, independent by the same rule)
then agrees, which signs it off, or returns it to the auditor with a note. A type that asks the
family's consent first ends at once if the family refuses, with nothing else recorded."""

from sqlalchemy import select

from auditapp import clock, figure_version, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Audit, Review, User
from auditapp.models.sets import SINGLE, SINGLE_WITH_REVIEW
from auditapp.permissions import can_review_single, require

MAX_NOTE = 5000
SINGLE_ROLE = "B"


def record_consent(actor: User, audit: Audit, role: str, consent: str | None) -> None:
    """The family's consent, recorded before the audit starts. Refused: the audit ends now, marked so,
    signed off at that moment with nothing else stored (any review begun is left unsaved)."""
    require(audit.role_of(actor) == role and audit.is_live, "This audit is not yours to change")
    if audit.consent is not None:
        raise RuleError("The family's consent is already recorded")
    if consent not in ("given", "refused"):
        raise Invalid({"consent": "Say whether the family gave their consent before anything else is recorded"})
    now = clock.now()
    audit.consent, audit.consent_at, audit.consent_by_id = consent, now, actor.id
    record(actor, history.CONSENT_RECORDED, audit, after="given" if consent == "given" else "refused")
    if consent == "refused":
        audit.signed_off_at, audit.signed_off_by_id = now, actor.id
        record(actor, history.ENDED_CONSENT_REFUSED, audit)
        figure_version.moved()
    db.session.flush()


def after_submission(actor: User, audit: Audit, review: Review) -> None:
    """What a single auditor's submission leads to: signed off ("single"), or waiting for the
    senior manager's review, the earlier return's note answered ("single with review")."""
    if audit.cycle.course == SINGLE:
        audit.signed_off_at, audit.signed_off_by_id = review.submitted_at or clock.now(), actor.id
        record(actor, history.SIGNED_OFF, audit, after="Single audit: signed off on submission")
        figure_version.moved()
    elif audit.cycle.course == SINGLE_WITH_REVIEW:
        record(None, history.READY_FOR_REVIEW, audit)
    db.session.flush()


def agree(actor: User, audit: Audit, note: str, expected_version: int | None = None) -> None:
    """The senior manager agrees with the audit: it is signed off."""
    note = _opened(actor, audit, note, expected_version, note_required=False)
    audit.signed_off_at, audit.signed_off_by_id = clock.now(), actor.id
    record(actor, history.SIGNED_OFF, audit, after="Agreed by the senior manager" + (f": {note}" if note else ""))
    figure_version.moved()
    db.session.flush()


def return_to_auditor(actor: User, audit: Audit, note: str, expected_version: int | None = None) -> None:
    """The senior manager returns the audit with a note: the auditor can change it and submit again."""
    note = _opened(actor, audit, note, expected_version, note_required=True)
    review = db.session.scalars(select(Review).where(Review.audit_id == audit.id, Review.role == SINGLE_ROLE)).one()
    review.submitted_at = None
    audit.returned_at, audit.return_note = clock.now(), note
    record(actor, history.RETURNED_TO_AUDITOR, audit, after=note)
    db.session.flush()


def _opened(actor: User, audit: Audit, note: str, expected_version: int | None, note_required: bool) -> str:
    """What agreeing and returning both check first, in this order: that the senior manager may review
    it, that nobody has reviewed it since the page was shown, and the note; then the review's version
    is claimed, so two senior managers' answers cannot both land. Returns the note, trimmed."""
    require(can_review_single(actor, audit), "Only the allocated senior manager reviews this audit")
    check_version(audit.moderation_version, expected_version, "This review")
    note = (note or "").strip()
    if note_required and not note:
        raise Invalid({"note": "Say what the auditor should look at again"})
    if len(note) > MAX_NOTE:
        raise Invalid({"note": f"The note must be {MAX_NOTE:,} characters or fewer"})
    claim_version(audit, "moderation_version", "This review")
    return note
