"""One auditor's audit of a case: drafts, submission, and what submission needs."""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from auditapp import clock, figure_version, history
from auditapp.audits import single
from auditapp.audits.concerns import raise_concern
from auditapp.conflicts import Conflict, check_version
from auditapp.errors import Invalid, NotAllowed
from auditapp.extensions import db
from auditapp.framework import descriptors
from auditapp.grading import DOMAINS, grade_label
from auditapp.history import record
from auditapp.models import Audit, Review, ReviewGrade, User
from auditapp.models.sets import YES_NO
from auditapp.month import targeted
from auditapp.permissions import can_edit_review
from auditapp.workdays import add_working_days


@dataclass
class DomainEntry:
    grade: int | None = None
    evidence: str = ""
    impact: str = ""


@dataclass
class ReviewEntry:
    """What an auditor has written, possibly incomplete."""

    domains: dict[str, DomainEntry] = field(default_factory=lambda: {k: DomainEntry() for k in DOMAINS})
    overall_grade: int | None = None
    working_well: str = ""
    needs_to_change: str = ""
    safeguarding_concern: str | None = None  # "yes" / "no"
    safeguarding_details: str = ""


def entry_from_review(review: Review | None) -> ReviewEntry:
    entry = ReviewEntry()
    if review is None:
        return entry
    for key in DOMAINS:
        row = review.grade_for(key)
        if row:
            entry.domains[key] = DomainEntry(row.grade, row.evidence or "", row.impact or "")
    entry.overall_grade = review.overall_grade
    entry.working_well = review.working_well or ""
    entry.needs_to_change = review.needs_to_change or ""
    entry.safeguarding_concern = review.safeguarding_concern
    entry.safeguarding_details = review.safeguarding_details or ""
    return entry


def problems(entry: ReviewEntry, submitting: bool, domains=tuple(DOMAINS)) -> dict[str, str]:
    """Messages keyed by form field name. A draft may be incomplete; a submission may not. `domains`:
    those this audit judges (a targeted audit may judge fewer)."""
    found = {}
    if entry.safeguarding_concern == "yes" and not entry.safeguarding_details.strip():
        found["safeguarding_details"] = "Describe the immediate safeguarding concern"
    if not submitting:
        return found
    for key, name in DOMAINS.items():
        if key not in domains:
            continue
        domain = entry.domains[key]
        if domain.grade is None:
            found[f"{key}_grade"] = f"Select a grade for {name.lower()}"
        if not domain.evidence.strip():
            found[f"{key}_evidence"] = f"Enter the evidence for the {name.lower()} grade"
        if not domain.impact.strip():
            found[f"{key}_impact"] = f"Enter the impact on the child for {name.lower()}"
    if entry.overall_grade is None and domains:  # an audit type grading no domain has no overall grade
        found["overall_grade"] = "Select an overall grade"
    if not entry.working_well.strip():
        found["working_well"] = "Enter what is working well"
    if not entry.needs_to_change.strip():
        found["needs_to_change"] = "Enter what needs to change"
    if entry.safeguarding_concern not in YES_NO:
        found["safeguarding_concern"] = "Select yes if there is an immediate safeguarding concern"
    # Put the messages in the order of the form, so the error summary reads top to bottom.
    order = [f"{k}_{part}" for k in DOMAINS for part in ("grade", "evidence", "impact")]
    order += ["overall_grade", "working_well", "needs_to_change", "safeguarding_concern", "safeguarding_details"]
    return {name: found[name] for name in order if name in found}


def check_ready(audit: Audit, entry: ReviewEntry, answers: dict[int, str]) -> None:
    """Refuse, naming every answer still needed, an entry not ready to submit (or to go to the check page)."""
    found = problems(entry, submitting=True, domains=audit.cycle.domain_keys) | targeted.missing_answers(audit, answers)
    if found:
        raise Invalid(found)


def save_review(actor: User, audit: Audit, role: str, entry: ReviewEntry, submit: bool,
                expected_version: int | None = None) -> Review:
    """Save the auditor's entry. `expected_version` is the review's version when the form was
    opened (0 before the first save): a save from an older form is a Conflict."""
    if not can_edit_review(actor, audit, role):
        raise NotAllowed("This audit is not yours to change, or it is already submitted or locked")
    review = audit.review(role)
    check_version(review.version if review else 0, expected_version, "Your audit")
    found = problems(entry, submitting=submit, domains=audit.cycle.domain_keys)
    if found:
        raise Invalid(found)

    if review is None:
        review = Review(audit=audit, role=role, updated_at=clock.now())
        db.session.add(review)
        figure_version.moved()  # the first draft starts the audit: "In progress" in the month's counts
    raise_new_concern = (
        entry.safeguarding_concern == "yes"
        and (review.safeguarding_concern != "yes"
             or review.safeguarding_details != entry.safeguarding_details.strip())
    )
    _apply(actor, audit, review, entry)
    # Fixed at the first save: an audit opened before a new version is graded against its own
    # until it is submitted (the form shows that version's descriptors).
    review.descriptor_version = review.descriptor_version or descriptors.current().recorded
    review.updated_at = clock.now()
    try:
        db.session.flush()
    except StaleDataError:
        # Another save of the same review landed between this one's check and its write.
        raise Conflict("Your audit was saved from another tab or window at the same moment. Nothing "
                       "you typed has been lost: it is below. Check it, then save again.") from None
    if raise_new_concern:
        raise_concern(actor, audit, entry.safeguarding_details)
    if submit:
        review.submitted_at = clock.now()
        record(actor, history.auditor_submitted(role), audit)
        db.session.flush()
        if audit.cycle.is_single:
            single.after_submission(actor, audit, review)
        elif audit.both_submitted:
            audit.moderation_due = add_working_days(
                clock.today(), current_app.config["MODERATION_DUE_WORKING_DAYS"])
            record(None, history.READY_FOR_MODERATION, audit, after=f"due {audit.moderation_due:%d %B %Y}")
    else:
        record(actor, history.auditor_saved_draft(role), audit)
    db.session.flush()
    return review


def _apply(actor: User, audit: Audit, review: Review, entry: ReviewEntry) -> None:
    """Copy the entry onto the review, recording each changed value in the history."""

    def change(label: str, before, after, display=str):
        if (before or None) != (after or None):
            record(actor, history.VALUE_SAVED, audit, field=label, review_role=review.role,
                   before=display(before) if before else None, after=display(after) if after else None)

    for key, name in DOMAINS.items():
        domain = entry.domains[key]
        row = review.grade_for(key)
        if row is None:
            row = ReviewGrade(domain=key)
            review.grades.append(row)
        change(f"{name}: grade", row.grade, domain.grade, grade_label)
        change(f"{name}: evidence", row.evidence, domain.evidence.strip())
        change(f"{name}: impact on the child", row.impact, domain.impact.strip())
        row.grade, row.evidence, row.impact = domain.grade, domain.evidence.strip(), domain.impact.strip()

    for attr, label, display in (
        ("overall_grade", "Overall grade", grade_label),
        ("working_well", "What is working well", str),
        ("needs_to_change", "What needs to change", str),
        ("safeguarding_concern", "Immediate safeguarding concern", str),
        ("safeguarding_details", "Safeguarding concern details", str),
    ):
        value = getattr(entry, attr)
        value = value.strip() if isinstance(value, str) else value
        change(label, getattr(review, attr), value, display)
        setattr(review, attr, value or None)
