"""Who needs calibration, by the rule the QA lead sets, and who is held out of allocation until
their first exercise (allocation says why, as it does for someone away)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select

from auditapp import history
from auditapp.calibration.results import moderation_changes_by_auditor, three_months_before
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import Audit, CalibrationExercise, CalibrationRule, CalibrationSubmission, Review, User
from auditapp.models.loading import PERSON_ROW
from auditapp.permissions import can_manage, require

HELD_OUT = "held out of allocation until their first calibration exercise"
# More than this share of an auditor's domain grades changed by moderation over 3 months makes them due.
CHANGED_SHARE = 1 / 3


def the_rule() -> CalibrationRule:
    """The one rule row; the defaults until the QA lead first saves it (before first live audit: on)."""
    rule = db.session.scalar(select(CalibrationRule).order_by(CalibrationRule.id).limit(1))
    return rule or CalibrationRule(id=None, before_first_audit=True, every_months=None,
                                   when_moderation_changes=False, hold_out_new=False, version=0)


def save_rule(actor: User, before_first_audit: bool, every_months_text: str, when_moderation_changes: bool,
              hold_out_new: bool, expected_version: int | None) -> CalibrationRule:
    require(can_manage(actor))
    rule = the_rule()
    check_version(rule.version, expected_version, "The calibration rule")
    text = every_months_text.strip()
    if text and not (text.isdigit() and 1 <= int(text) <= 36):
        raise Invalid({"every_months": "The number of months must be a whole number from 1 to 36"})
    every_months = int(text) if text else None
    if rule.id is None:
        rule.version = 1
        db.session.add(rule)
    else:
        claim_version(rule, "version", "The calibration rule")
    rule.before_first_audit, rule.every_months = before_first_audit, every_months
    rule.when_moderation_changes, rule.hold_out_new = when_moderation_changes, hold_out_new
    record(actor, history.CALIBRATION_RULE_SET, after=describe(rule))
    db.session.flush()
    return rule


def describe(rule: CalibrationRule) -> str:
    parts = []
    if rule.before_first_audit:
        parts.append("before an auditor's first live audit")
    if rule.every_months:
        parts.append(f"every {rule.every_months} months")
    if rule.when_moderation_changes:
        parts.append("when moderation changed more than a third of their grades in 3 months")
    said = "; ".join(parts) or "never due"
    return said + ("; new auditors held out of allocation" if rule.hold_out_new else "")


def _submitted_live_review():
    return exists(select(Review.id).join(Audit, Audit.id == Review.audit_id).where(
        Review.submitted_at.is_not(None),
        or_(and_(Review.role == "A", Audit.auditor_a_id == User.id),
            and_(Review.role == "B", Audit.auditor_b_id == User.id))))


@dataclass
class Due:
    user: User
    reasons: list[str]
    last_calibrated: datetime | None


def who_is_due(today: date) -> list[Due]:
    """Active auditors due a calibration exercise now, with why; those already taking part in an
    open one are not due. Four statements, whatever the number of auditors."""
    rule = the_rule()
    last = (select(CalibrationSubmission.user_id, func.max(CalibrationSubmission.submitted_at).label("at"))
            .where(CalibrationSubmission.submitted_at.is_not(None)).group_by(CalibrationSubmission.user_id)
            .subquery())
    rows = db.session.execute(
        select(User, last.c.at, _submitted_live_review().label("audited")).options(*PERSON_ROW)
        .outerjoin(last, last.c.user_id == User.id)
        .where(User.active.is_(True), User.is_auditor.is_(True)).order_by(User.name)).all()
    waiting = set(db.session.scalars(
        select(CalibrationSubmission.user_id).join(CalibrationExercise,
                                                    CalibrationExercise.id == CalibrationSubmission.exercise_id)
        .where(CalibrationSubmission.submitted_at.is_(None), CalibrationExercise.closes_on >= today)))
    changes = moderation_changes_by_auditor(three_months_before(today)) if rule.when_moderation_changes else {}
    found = []
    for user, last_at, audited in rows:
        reasons = []
        if rule.before_first_audit and last_at is None:
            reasons.append("no calibration yet" + ("" if audited else ", before their first live audit"))
        # A month counted as 30 days: the rule is a prompt, not a deadline to the day.
        if rule.every_months and last_at is not None and (today - last_at.date()).days > 30 * rule.every_months:
            reasons.append(f"last calibrated over {rule.every_months} months ago")
        graded, changed = changes.get(user.id, (0, 0))
        if graded and changed / graded > CHANGED_SHARE:
            reasons.append(f"moderation changed {changed} of their {graded} domain grades in the last 3 months")
        if reasons and user.id not in waiting:
            found.append(Due(user, reasons, last_at))
    return found


def held_out() -> dict[int, str]:
    """Person -> why allocation passes over them: new auditors, while the QA lead holds them out."""
    if not the_rule().hold_out_new:
        return {}
    calibrated = exists().where(CalibrationSubmission.user_id == User.id,
                                CalibrationSubmission.submitted_at.is_not(None))
    return {user_id: HELD_OUT for user_id in db.session.scalars(
        select(User.id).where(User.active.is_(True), User.is_auditor.is_(True), ~calibrated,
                              ~_submitted_live_review()))}


