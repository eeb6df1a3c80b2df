"""Families' voices: the auditor given the task (B unless FAMILY_CONTACT_BY says A) records each
attempt to reach the family, the outcome, and the parent's and the child's answers apart. Like the
rest of that auditor's work it is hidden from the other auditor until both have submitted."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import delete, select

from auditapp import clock, history
from auditapp.audits.family_words import ASKED, TOPICS
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Audit, FamilyAnswer, FamilyContact, FamilyFeedback, User
from auditapp.models.families import CONTACT_METHODS, CONTACT_WHO, OUTCOMES, QUESTIONS, RATINGS, RESPONDENTS
from auditapp.permissions import can_record_family, can_see_family, require


def contact_role() -> str:
    return current_app.config["FAMILY_CONTACT_BY"]


def attempts(audit: Audit) -> list[FamilyContact]:
    return list(db.session.scalars(select(FamilyContact).where(FamilyContact.audit_id == audit.id)
                                   .order_by(FamilyContact.attempted_on, FamilyContact.id)))


def feedback_of(audit: Audit) -> tuple[FamilyFeedback | None, dict[str, FamilyAnswer]]:
    outcome = db.session.scalar(select(FamilyFeedback).where(FamilyFeedback.audit_id == audit.id))
    answers = {a.respondent: a
               for a in db.session.scalars(select(FamilyAnswer).where(FamilyAnswer.audit_id == audit.id))}
    return outcome, answers


def shown_to(user: User, audit: Audit):
    """(attempts, outcome, answers) for someone who may see them; None for anyone else (blind review)."""
    if not can_see_family(user, audit, contact_role()):
        return None
    outcome, answers = feedback_of(audit)
    return attempts(audit), outcome, answers


LABELS = {"who": CONTACT_WHO, "methods": CONTACT_METHODS, "outcomes": OUTCOMES, "respondents": RESPONDENTS,
          "questions": QUESTIONS, "asked": ASKED, "topics": TOPICS, "ratings": RATINGS}


def record_attempt(actor: User, audit: Audit, attempted_on: date | None, who: str, method: str) -> FamilyContact:
    require(can_record_family(actor, audit, contact_role()),
            "Only the auditor asked to contact the family can record this")
    if attempted_on is None:
        raise RuleError("Enter the date of the attempt", "attempted_on")
    if attempted_on > clock.today():
        raise RuleError("The date of the attempt must be today or earlier", "attempted_on")
    if who not in CONTACT_WHO:
        raise RuleError("Choose who you tried to reach", "who")
    if method not in CONTACT_METHODS:
        raise RuleError("Choose how you tried to reach them", "method")
    contact = FamilyContact(audit_id=audit.id, role=contact_role(), attempted_on=attempted_on, who=who, method=method,
                            recorded_by_id=actor.id, recorded_at=clock.now())
    db.session.add(contact)
    db.session.flush()
    record(actor, history.FAMILY_CONTACT_ATTEMPTED, audit, review_role=contact_role(),
           after=f"{CONTACT_WHO[who]}, {CONTACT_METHODS[method].lower()}, {attempted_on:%d %B %Y}")
    return contact


@dataclass
class Answers:
    ratings: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(QUESTIONS))
    words: dict[str, str] = field(default_factory=lambda: dict.fromkeys([*QUESTIONS, "change"], ""))

    def empty(self) -> bool:
        return not any(self.ratings.values()) and not any(w.strip() for w in self.words.values())


def save_feedback(actor: User, audit: Audit, outcome: str, reason: str, answers: dict[str, Answers],
                  expected_version: int | None) -> FamilyFeedback:
    role = contact_role()
    require(can_record_family(actor, audit, role), "Only the auditor asked to contact the family can record this")
    saved, _ = feedback_of(audit)
    check_version(saved.version if saved else 0, expected_version, "The family's feedback")
    if outcome not in OUTCOMES:
        raise RuleError("Choose the outcome of contacting the family", "outcome")
    reason = (reason or "").strip()
    if outcome == "not_contacted" and not reason:
        raise RuleError("Say why the family was not contacted", "not_contacted_reason")
    if outcome in ("gave_feedback", "declined", "no_response") and not attempts(audit):
        raise RuleError("Record the attempts to reach the family first", "outcome")
    given = {who: a for who, a in answers.items() if who in RESPONDENTS and not a.empty()}
    if outcome == "gave_feedback" and not given:
        raise RuleError("Record what the parent or the child said", "outcome")
    for who, a in given.items():
        if any(r is not None and r not in RATINGS for r in a.ratings.values()):
            raise RuleError("Choose a rating from the list", f"{who}_understood")
    if saved is None:
        saved = FamilyFeedback(audit_id=audit.id, role=role, outcome=outcome, recorded_by_id=actor.id,
                               recorded_at=clock.now())
        db.session.add(saved)
        db.session.flush()
    else:
        claim_version(saved, "version", "The family's feedback")
    saved.outcome, saved.not_contacted_reason = outcome, reason if outcome == "not_contacted" else None
    saved.recorded_by_id, saved.recorded_at = actor.id, clock.now()
    db.session.execute(delete(FamilyAnswer).where(FamilyAnswer.audit_id == audit.id))
    if outcome == "gave_feedback":
        for who, a in given.items():
            db.session.add(FamilyAnswer(audit_id=audit.id, respondent=who,
                                        change_words=a.words["change"].strip() or None,
                                        **{q: a.ratings[q] for q in QUESTIONS},
                                        **{f"{q}_words": a.words[q].strip() or None for q in QUESTIONS}))
    record(actor, history.FAMILY_FEEDBACK_RECORDED, audit, review_role=role, after=OUTCOMES[outcome])
    db.session.flush()
    return saved
