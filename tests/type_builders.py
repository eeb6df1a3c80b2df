"""Builders for audits of a type (issue 24), for the reports' tests: a targeted audit of a type with
its cases allocated, and each audit finished, left in progress or ended by refused consent, all
through the rule functions (reviewing, targeted.save_answers, audits/single.py, moderation)."""


from builders import in_full, signed_off_audit
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from auditapp import clock
from auditapp.audits import single
from auditapp.audits.reviewing import DomainEntry, ReviewEntry, save_review
from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.framework.type_content import Design
from auditapp.grading import DOMAINS
from auditapp.models import Audit, AuditType, AuditTypeVersion, Review
from auditapp.models.sets import BLIND_DUAL, SINGLE_WITH_REVIEW
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


def _entry(grades: dict[str, int] | None, overall: int | None) -> ReviewEntry:
    entry = ReviewEntry(overall_grade=overall, working_well="Records kept well", needs_to_change="Dates late",
                        safeguarding_concern="no")
    graded = grades or {}
    entry.domains = {key: DomainEntry(graded[key], f"Evidence for {key}", f"Impact of {key}") if key in graded
                     else DomainEntry(None, "", "") for key in DOMAINS}
    return entry


def answered(audit: Audit, answers: dict[int, str], role: str = "B", submit: bool = True,
             grades: dict[str, int] | None = None, overall: int | None = None) -> Review:
    """The auditor's review and answers by question number, saved through the rules (submitted when
    `submit`: a single audit is then signed off, one with review waits for its senior manager)."""
    audit = in_full(audit)
    actor = audit.auditor(role)
    entry = _entry(grades, overall)
    review = save_review(actor, audit, role, entry, submit=False)
    targeted.save_answers(actor, audit, role, review, answers)
    if submit:
        review = save_review(actor, in_full(audit), role, entry, submit=True)
    return review


def finished_single(audit: Audit, answers: dict[int, str], grades: dict[str, int] | None = None,
                    overall: int | None = None) -> Audit:
    """A single audit submitted by auditor B and signed off: on submission ("single"), or by the
    senior manager's agreeing ("single with review")."""
    answered(audit, answers, grades=grades, overall=overall)
    audit = in_full(audit)
    if audit.signed_off_at is None:
        single.agree(audit.moderator, audit, "")
    db.session.flush()
    return audit


def finished_blind_dual(audit: Audit, answers_b: dict[int, str], answers_a: dict[int, str],
                        grade_a: int = 3, grade_b: int = 2, final: int | None = None) -> Audit:
    """Both auditors' reviews and answers, then today's moderation and sign-off."""
    domains = in_full(audit).cycle.domain_keys
    answered(audit, answers_a, role="A", grades=dict.fromkeys(domains, grade_a), overall=grade_a)
    answered(audit, answers_b, role="B", grades=dict.fromkeys(domains, grade_b), overall=grade_b)
    return signed_off_audit(in_full(audit), grade_a, grade_b, final)


def consent_refused(audit: Audit) -> Audit:
    """The family refused consent (a type that asks it first): the audit ends, nothing else recorded."""
    audit = in_full(audit)
    single.record_consent(audit.auditor_b, audit, "B", "refused")
    return audit


def in_progress(audit: Audit, answers: dict[int, str]) -> Audit:
    """Auditor B's answers saved (and submitted, when the type has a review to wait for), not signed off:
    nothing of it may show."""
    waits = in_full(audit).cycle.course == SINGLE_WITH_REVIEW
    answered(audit, answers, submit=waits)
    return in_full(audit)


__all__ = ["BLIND_DUAL", "COMPLIANCE", "OBSERVATION", "SUPERVISION", "answered", "consent_refused",
           "finished_blind_dual", "finished_single", "in_progress", "next_version", "published_type",
           "shipped_type", "typed_audits"]
