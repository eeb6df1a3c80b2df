"""Builders that read like the service: audits at each stage, made through the rule functions
(not HTTP) so a test can set up months of work quickly and then check what people see."""

from datetime import datetime

from auditapp import clock
from auditapp.audits.concerns import raise_concern
from auditapp.audits.moderation import ModerationEntry, sign_off
from auditapp.audits.reviewing import DomainEntry, ReviewEntry, save_review
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models import Audit, User
from auditapp.month.sampling import draw_sample, open_cycle, request_withdrawal
from auditapp.permissions import SYSTEM


def review_entry(grade: int = 3) -> ReviewEntry:
    entry = ReviewEntry(overall_grade=grade, working_well="Consistent worker", needs_to_change="Plan timescales",
                        safeguarding_concern="no")
    entry.domains = {key: DomainEntry(grade, f"Evidence for {key}", f"Impact of {key}") for key in DOMAINS}
    return entry


def draft_review(audit: Audit, role: str, grade: int = 3) -> Audit:
    audit = in_full(audit)
    save_review(audit.auditor(role), audit, role, review_entry(grade), submit=False)
    return audit


def submitted_review(audit: Audit, role: str, grade: int = 3) -> Audit:
    audit = in_full(audit)
    save_review(audit.auditor(role), audit, role, review_entry(grade), submit=True)
    return audit


def ready_for_moderation(audit: Audit, grade_a: int = 3, grade_b: int = 2) -> Audit:
    submitted_review(audit, "A", grade_a)
    return submitted_review(audit, "B", grade_b)


def signed_off_audit(audit: Audit, grade_a: int = 3, grade_b: int = 2, final: int | None = None) -> Audit:
    audit = in_full(audit)
    if not audit.both_submitted:
        audit = in_full(ready_for_moderation(audit, grade_a, grade_b))
    entry = ModerationEntry(key_issues_a="yes", key_issues_b="partly", feedback_a="Well evidenced",
                            feedback_b="Look harder at impact")
    entry.grades = dict.fromkeys(JUDGEMENTS, final or grade_b)
    entry.rationales = dict.fromkeys(JUDGEMENTS, "The independent view is better evidenced")
    sign_off(audit.moderator, audit, entry)
    return audit


def sampled_month(month: str, per_team: int, seed: int = 1) -> list[Audit]:
    year, number = map(int, month.split("-"))
    with clock.frozen_at(datetime(year, number, 1, 9)):
        return draw_sample(SYSTEM, open_cycle(SYSTEM, month), seed=seed, per_team=per_team)


def months_of_work(past: list[str], current: str, per_team: int, senior: User) -> list[Audit]:
    """Past months fully moderated (half as many cases per team), and the current month with audits at every stage: moderated,
    ready for moderation, a draft, not started, a withdrawal requested and an open concern.
    Returns the current month's audits in that order of stages."""
    for month in past:
        for audit in sampled_month(month, max(1, per_team // 2)):
            signed_off_audit(audit)
    audits = sampled_month(current, per_team)
    stages = [signed_off_audit, ready_for_moderation, lambda a: draft_review(a, "A"), lambda a: a]
    year, number = map(int, current.split("-"))
    with clock.frozen_at(datetime(year, number, 3, 10)):
        for index, audit in enumerate(audits[:-2]):
            stages[index % len(stages)](audit)
        request_withdrawal(senior, audits[-2], "court", "Final hearing listed")
        raise_concern(audits[-1].auditor_b, audits[-1], "Child left alone overnight")
    db.session.commit()
    return audits


def proposed_action(audit: Audit, role: str, owner: User, description: str = "Update the chronology",
                    priority: str = "standard") -> "Action":
    """An auditor's proposal (role "A" or "B") while their audit is open, or the moderator's action ("M")."""
    from auditapp.findings import actions
    audit = in_full(audit)
    actor = audit.moderator if role == "M" else audit.auditor(role)
    return actions.propose(actor, audit, actions.ActionEntry(description, owner.id, priority))


def confirmed_action(audit: Audit, owner: User, description: str = "Update the chronology",
                     priority: str = "standard") -> "Action":
    """An open action on an audit ready for moderation: added by its moderator."""
    return proposed_action(audit, "M", owner, description, priority)


def tagged(audit: Audit, role: str, strengths=(), worries=()) -> Audit:
    from auditapp.findings import themes
    audit = in_full(audit)
    actor = audit.moderator if role == "M" else audit.auditor(role)
    themes.save_tags(actor, audit, role, {"strength": {t.id for t in strengths}, "worry": {t.id for t in worries}})
    return audit


def in_full(audit: Audit) -> Audit:
    """The audit with everything the rules read (after a commit has expired it)."""
    from auditapp.models.loading import AUDIT_IN_FULL
    return db.session.get(Audit, audit.id, options=AUDIT_IN_FULL, populate_existing=True)
