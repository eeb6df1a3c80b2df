"""Builders for audits of a type (issue 24), for the reports' tests: a type's cycle with its cases
allocated as today, and each audit finished, left in progress or ended by refused consent.

They write what the contract (/work/briefs/types-contract.md) says the rules write: the final
answers are auditor B's, submitted, as ReviewAnswer rows numbered by position; a single audit is
signed off by its submission; a blind dual one goes through today's moderation; a refused consent
signs the audit off at that moment with nothing else stored. Each finish records a history entry,
as the rules do, so the figures' version moves."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.framework.type_content import Design
from auditapp.history import record
from auditapp.models import Audit, AuditType, AuditTypeVersion, Review, ReviewAnswer
from auditapp.models.sets import BLIND_DUAL
from auditapp.month import targeted
from auditapp.months import month_of
from auditapp.permissions import SYSTEM

SUPERVISION = "Supervision-record audit"
OBSERVATION = "Practice observation"
COMPLIANCE = "Case-file compliance check"


def shipped_type(name: str) -> tuple[AuditType, AuditTypeVersion]:
    audit_types.ensure_shipped(SYSTEM)
    kind = db.session.scalars(select(AuditType).where(AuditType.name == name)).one()
    version = audit_types.latest(kind.id)
    assert version is not None
    return kind, version


def published_type(name: str, design: Design) -> tuple[AuditType, AuditTypeVersion]:
    """A type of the test's own design, published as version 1 (no history: the reports read none)."""
    now = clock.now()
    kind = AuditType(name=name, purpose="", created_at=now)
    db.session.add(kind)
    db.session.flush()
    version = AuditTypeVersion(audit_type_id=kind.id, state="published", number=1, course=design.course,
                               content=design.to_content(), published_on=clock.today(), published_at=now,
                               created_at=now, updated_at=now)
    db.session.add(version)
    db.session.flush()
    return kind, version


def next_version(kind: AuditType, design: Design) -> AuditTypeVersion:
    newest = audit_types.latest(kind.id)
    number = (newest.number or 0) + 1 if newest else 1
    now = clock.now()
    version = AuditTypeVersion(audit_type_id=kind.id, state="published", number=number, course=design.course,
                               content=design.to_content(), published_on=clock.today(), published_at=now,
                               created_at=now, updated_at=now)
    db.session.add(version)
    db.session.flush()
    return version


def typed_audits(version: AuditTypeVersion, references: list[str], month: str | None = None) -> list[Audit]:
    """A targeted audit of the type's version (month/targeted.start_of_type pins it), with these cases
    allocated; started in `month` when given (this month by default), as if started then."""
    version = db.session.get(AuditTypeVersion, version.id, options=[joinedload(AuditTypeVersion.audit_type)])
    cycle = targeted.start_of_type(SYSTEM, f"{version.audit_type.name} audit", version)
    cycle.month = month or month_of(clock.today())
    return targeted.add_cases(SYSTEM, cycle, references, confirmed=True)


def _review(audit: Audit, role: str, at: datetime) -> Review:
    found = db.session.scalars(select(Review).where(Review.audit_id == audit.id, Review.role == role)).first()
    if found is None:
        found = Review(audit_id=audit.id, role=role, updated_at=at)
        db.session.add(found)
        db.session.flush()
    return found


def answered(audit: Audit, answers: dict[int, str], role: str = "B", submit: bool = True) -> Review:
    """The auditor's answers by question number; submitted when `submit`."""
    at = clock.now()
    review = _review(audit, role, at)
    for number, answer in answers.items():
        db.session.add(ReviewAnswer(review_id=review.id, number=number, answer=answer))
    review.submitted_at = at if submit else None
    db.session.flush()
    return review


def finished_single(audit: Audit, answers: dict[int, str], grades: dict[str, int] | None = None,
                    overall: int | None = None) -> Audit:
    """A single audit (with or without review) signed off: auditor B's submitted answers and grades."""
    from auditapp.models import ReviewGrade
    review = answered(audit, answers)
    for key, grade in (grades or {}).items():
        db.session.add(ReviewGrade(review_id=review.id, domain=key, grade=grade))
    review.overall_grade = overall
    audit.signed_off_at = clock.now()
    audit.signed_off_by_id = audit.auditor_b_id
    record(audit.auditor_b, history.SIGNED_OFF, audit)
    db.session.flush()
    return audit


def finished_blind_dual(audit: Audit, answers_b: dict[int, str], answers_a: dict[int, str],
                        grade_a: int = 3, grade_b: int = 2, final: int | None = None) -> Audit:
    """Both auditors' reviews and answers, then today's moderation and sign-off."""
    from builders import in_full, signed_off_audit
    answered(audit, answers_a, role="A", submit=False)
    answered(audit, answers_b, role="B", submit=False)
    return signed_off_audit(in_full(audit), grade_a, grade_b, final)


def consent_refused(audit: Audit) -> Audit:
    at = clock.now() - timedelta(minutes=1)
    audit.consent, audit.consent_at, audit.consent_by_id = "refused", at, audit.auditor_b_id
    audit.signed_off_at, audit.signed_off_by_id = at, audit.auditor_b_id
    record(audit.auditor_b, history.SIGNED_OFF, audit, after="Consent refused")
    db.session.flush()
    return audit


def in_progress(audit: Audit, answers: dict[int, str]) -> Audit:
    """Auditor B has answered and submitted, but nobody has signed it off: nothing of it may show."""
    answered(audit, answers)
    db.session.flush()
    return audit


__all__ = ["BLIND_DUAL", "COMPLIANCE", "OBSERVATION", "SUPERVISION", "answered", "consent_refused",
           "finished_blind_dual", "finished_single", "in_progress", "next_version", "published_type",
           "shipped_type", "typed_audits"]
