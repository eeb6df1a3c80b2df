"""Who may read and change practice priorities and "you said, we did". Part of permissions (the
package re-exports every rule), kept apart for length."""

from flask import abort

from auditapp.extensions import db
from auditapp.models import Priority, User
from auditapp.models.loading import PRIORITY_ROW
from auditapp.permissions import SYSTEM, Actor, can_manage, can_read_reports


def can_read_priorities(user: User) -> bool:
    """The priorities and their evidence read like the reports: the QA lead, senior managers, leadership."""
    return can_read_reports(user)


def can_raise_priority(user: Actor) -> bool:
    """The QA lead and senior managers set practice priorities and keep them up to date."""
    return user is SYSTEM or user.is_qa_lead or user.is_senior_manager


def can_record_response(user: Actor) -> bool:
    """"You said, we did": the QA lead records what changed in response to feedback and disputes."""
    return user is SYSTEM or user.is_qa_lead


def can_download_learning_documents(user: User) -> bool:
    """The quarterly QA report and the annual self-evaluation: the QA lead and senior managers
    (leadership readers have the pack; these two are the service's own papers before publication)."""
    return user.is_qa_lead or user.is_senior_manager


def can_review_self_evaluation(user: Actor) -> bool:
    """The QA lead reviews the self-evaluation's anonymised examples before anyone may download it."""
    return user is SYSTEM or user.is_qa_lead


def can_test_priority(user: Actor) -> bool:
    """Start a targeted audit from a priority: targeted audits are the QA lead's (can_manage)."""
    return can_manage(user)


def get_priority(priority_id: int, user: User, reload: bool = False) -> Priority:
    """A practice priority, or 404 if there is none or this person may not read priorities."""
    priority = db.session.get(Priority, priority_id, options=PRIORITY_ROW, populate_existing=reload)
    if priority is None or not can_read_priorities(user):
        abort(404)
    return priority
