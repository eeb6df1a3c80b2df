"""The answers that count for an audit of a type: read in one statement for any number of audits.

Which review's answers are final depends on the course (see /work/briefs/types-contract.md and the
README's "Audit types"): the independent auditor B's, submitted, on an audit signed off and not
ended by refused consent. Auditor A's answers to a blind dual audit's questions are their own view,
shown beside B's, never counted."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from auditapp.extensions import db
from auditapp.models import Audit, Review, ReviewAnswer

FINAL_ROLE = "B"


def final_answers(audit_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """audit id -> {question number: canonical answer} for the audits among these that are finished
    (signed off, not withdrawn, consent not refused); an audit with no answers is absent."""
    ids = list(audit_ids)
    found: dict[int, dict[int, str]] = defaultdict(dict)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Review.audit_id, ReviewAnswer.number, ReviewAnswer.answer)
        .join(Review, Review.id == ReviewAnswer.review_id).join(Audit, Audit.id == Review.audit_id)
        .where(Review.audit_id.in_(ids), Review.role == FINAL_ROLE, Review.submitted_at.is_not(None),
               Audit.signed_off_at.is_not(None), Audit.withdrawn_at.is_(None),
               Audit.consent.is_(None) | (Audit.consent != "refused"), ReviewAnswer.answer.is_not(None)))
    for audit_id, number, answer in rows:
        found[audit_id][number] = answer or ""  # never empty: NULL answers are left out above
    return dict(found)
