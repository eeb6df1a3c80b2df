"""Who may see or do what: the single source of the service's access rules.

Views declare who may reach a route (access.py), rule functions check their own permission here
before changing anything, and templates ask these functions rather than reading role flags, so
the web, the command line and the pages cannot disagree.
"""

from flask import abort
from sqlalchemy import ColumnElement, and_, false, select, true

from auditapp import reads
from auditapp.errors import NotAllowed
from auditapp.extensions import db
from auditapp.history import FEEDBACK_TO, KEY_ISSUES_OF
from auditapp.models import (
    Action,
    Audit,
    Case,
    Concern,
    Cycle,
    User,
)
from auditapp.models.loading import ACTION_ROW, AUDIT_IN_FULL, CYCLE_WITH_TYPE


class SystemActor:
    """The command line and the demo loader, named in the history as the system: they may run the
    programme (register, people, cycles, samples) but never audit, moderate or read an audit."""

    id = None
    name = "System (command line)"
    is_authenticated = True
    active = True
    is_auditor = is_senior_manager = is_qa_lead = is_leadership = is_practice_lead = False


SYSTEM = SystemActor()

# Whoever a rule function acts for: a signed-in user, or the command line and demo as SYSTEM.
Actor = User | SystemActor


def anyone_signed_in(user: User) -> bool:
    return True


def is_involved(user: User, audit: Audit) -> bool:
    return user.id in (audit.auditor_a_id, audit.auditor_b_id, audit.moderator_id)


def reads_every_audit(user: User) -> bool:
    """The QA lead and every senior manager (README, "Who may see what")."""
    return user.is_qa_lead or user.is_senior_manager


def can_view_audit(user: User, audit: Audit) -> bool:
    return reads_every_audit(user) or is_involved(user, audit)


def can_see_review(user: User, audit: Audit, role: str) -> bool:
    """Blind review: an auditor's grades and words are theirs alone until both are submitted (an
    audit of one auditor, until they submit it)."""
    if not can_view_audit(user, audit):
        return False
    if audit.role_of(user) == role:
        return True
    if audit.cycle.is_single:
        review = audit.review(role)
        return role == "B" and bool(review and review.submitted_at)
    return audit.both_submitted


# The moderator's words to one auditor are for that auditor (and those running the service) only.
# The fields are history's constants, which moderation writes with: rewording one rewords both.
FOR_ONE_AUDITOR = {**{field: role for role, field in FEEDBACK_TO.items()},
                   **{field: role for role, field in KEY_ISSUES_OF.items()}}


def can_see_event(user: User, audit: Audit, event) -> bool:
    """A history entry: blind review for an auditor's own entries, and feedback for its auditor only."""
    if event.review_role is not None and not can_see_review(user, audit, event.review_role):
        return False
    role, meant_for = audit.role_of(user), FOR_ONE_AUDITOR.get(event.field or "")
    return not (meant_for and role and role != meant_for)


def can_edit_review(user: User, audit: Audit, role: str) -> bool:
    review = audit.review(role)
    return (
        audit.role_of(user) == role
        and not (audit.cycle.is_single and role != "B")  # one auditor: the independent one, B
        and audit.is_live
        and not audit.withdrawal_requested_at
        and not (review and review.submitted_at)
    )


def can_moderate(user: User, audit: Audit) -> bool:
    return (user.id == audit.moderator_id and audit.is_live and audit.both_submitted
            and not audit.cycle.is_single)


def can_review_single(user: User, audit: Audit) -> bool:
    """A single audit with review: its senior manager agrees or returns it once it is submitted."""
    review = audit.review("B")
    return (user.id == audit.moderator_id and audit.is_live and audit.cycle.course == "single with review"
            and bool(review and review.submitted_at))


def can_raise_concern(user: User, audit: Audit) -> bool:
    return not audit.is_withdrawn and (
        audit.role_of(user) is not None or user.id == audit.moderator_id
    )


def can_acknowledge_concern(user: User, audit: Audit) -> bool:
    return user.is_qa_lead or user.id == audit.moderator_id


def can_see_concern(user: User, audit: Audit) -> bool:
    # The case-responsible manager (auditor A) must hear of it at once, whoever raised it.
    return can_view_audit(user, audit)


def can_manage(user: Actor) -> bool:
    """Run the programme: register, cycles, allocation, people."""
    return user is SYSTEM or user.is_qa_lead


def can_read_activity(user: User) -> bool:
    """The service-wide history, sign-ins and the record of who read what."""
    return user.is_qa_lead


def can_reopen(user: User) -> bool:
    return user.is_qa_lead


def can_export_all(user: User) -> bool:
    """Every audit ever sampled, in one workbook: the QA lead's, for inspectors' requests."""
    return user.is_qa_lead


def has_audit_work(user: User) -> bool:
    """Is given audits to do (a team manager); others see the list only if something is allocated."""
    return user.is_auditor


def moderates(user: User) -> bool:
    return user.is_senior_manager


def can_approve_withdrawal(user: Actor, audit: Audit) -> bool:
    # Four eyes: a different senior manager from the one who asked.
    return (user.is_senior_manager and audit.withdrawal_requested_at is not None
            and user.id != audit.withdrawal_requested_by_id)


def can_request_withdrawal(user: User) -> bool:
    return user.is_qa_lead or user.is_senior_manager


def can_read_reports(user: User) -> bool:
    return user.is_qa_lead or user.is_senior_manager or user.is_leadership


def can_read_type_summaries(user: User) -> bool:
    """A type's summary and workbook (issue 24) read like the monthly summary: the QA lead, senior
    managers and leadership readers."""
    return can_read_reports(user)


def can_read_typed_text(user: User) -> bool:
    """The words typed in answer to a type's free-text questions, in its workbook: those who may open
    every audit (leadership readers have the figures and case references, as in the monthly workbook)."""
    return reads_every_audit(user)


def reads_reports_only(user: User) -> bool:
    """Leadership, scrutiny: no audit work, only the summaries."""
    return user.is_leadership and not (user.is_auditor or user.is_senior_manager or user.is_qa_lead)


# Findings: actions, themes and the practitioner's reply (issue 11).

def can_propose_action(user: User, audit: Audit) -> bool:
    """An auditor while their audit is open to them, or the moderator while moderating. Not on a single
    audit of a type: no moderation follows to confirm the proposals."""
    if audit.cycle.is_single:
        return False
    role = audit.role_of(user)
    return bool(role and can_edit_review(user, audit, role)) or can_moderate(user, audit)


def manages_case_team(user: User, audit: Audit) -> bool:
    """A manager (auditor) in the team that holds the case."""
    return user.is_auditor and user.team_id == audit.case.team_id


def can_see_action(user: User, action, audit: Audit) -> bool:
    if action.status == "proposed" and action.proposed_role in ("A", "B"):
        # Blind review: a proposal is part of its auditor's audit.
        return can_see_review(user, audit, action.proposed_role)
    if action.status == "proposed":
        return user.id == audit.moderator_id or user.is_qa_lead
    return user.id == action.owner_id or can_view_audit(user, audit) or manages_case_team(user, audit)


def can_change_proposal(user: User, action, audit: Audit) -> bool:
    """The proposing auditor, while their audit is still theirs to change."""
    return (action.status == "proposed" and action.proposed_role == audit.role_of(user)
            and can_edit_review(user, audit, action.proposed_role))


def can_decide_actions(user: User, audit: Audit) -> bool:
    """Confirm, edit, remove or add actions: the moderator, while moderating."""
    return can_moderate(user, audit)


def decides_action(user: User, action, audit: Audit) -> bool:
    """The moderator, while moderating, over an action not yet closed or removed."""
    return can_decide_actions(user, audit) and action.status in ("proposed", "open")


def can_change_action(user: User, action, audit: Audit) -> bool:
    """Change or remove it: the moderator deciding it, or the auditor who proposed it."""
    return decides_action(user, action, audit) or can_change_proposal(user, action, audit)


def can_update_action(user: User, action) -> bool:
    return user.id == action.owner_id and action.status == "open"


def can_verify_action(user: User, action, audit: Audit) -> bool:
    """A manager of the case's team, or the QA lead; never the action's own owner.
    `verifiable_by` says the same in SQL, and a test holds the two together."""
    return (action.status == "done" and user.id != action.owner_id
            and (user.is_qa_lead or manages_case_team(user, audit)))


def action_from_team(team_id: int) -> ColumnElement[bool]:
    # A condition, not a join: the lists' statements then join only what they show, which keeps
    # them plans PostgreSQL can prepare once (a nine-table join was re-planned on every request).
    return Action.audit_id.in_(select(Audit.id).join(Case, Case.id == Audit.case_id).where(Case.team_id == team_id))


def verifiable_by(user: User) -> ColumnElement[bool]:
    """`can_verify_action` as a condition on Action, for the lists of what waits for this person."""
    team: ColumnElement[bool]
    if user.is_qa_lead:
        team = true()
    elif user.is_auditor:
        team = action_from_team(user.team_id)
    else:
        team = false()
    return and_(Action.status == "done", Action.owner_id != user.id, team)


def can_read_all_actions(user: User) -> bool:
    return user.is_qa_lead or user.is_senior_manager


def can_tag_themes(user: User, audit: Audit, role: str) -> bool:
    if role == "M":
        return can_moderate(user, audit)
    return audit.role_of(user) == role and can_edit_review(user, audit, role)


def can_see_themes(user: User, audit: Audit, role: str) -> bool:
    return can_see_review(user, audit, role) if role in ("A", "B") else can_view_audit(user, audit)


def can_set_targets(user: Actor) -> bool:
    """The QA lead runs the programme, so sets what the board measures it against."""
    return user is SYSTEM or user.is_qa_lead


def can_write_commentary(user: Actor, seniors_may_write: bool) -> bool:
    """The month's words for the board: the QA lead's, and senior managers' when the QA lead allows."""
    return user is SYSTEM or user.is_qa_lead or (seniors_may_write and user.is_senior_manager)


def can_manage_themes(user: Actor) -> bool:
    return user is SYSTEM or user.is_qa_lead


def can_edit_descriptors(user: "Actor") -> bool:
    """The QA lead and the practice leads they name draft and publish the grade descriptors; the
    command line imports them. Nobody else sees a draft."""
    return user is SYSTEM or user.is_qa_lead or user.is_practice_lead


def can_edit_audit_types(user: "Actor") -> bool:
    """The same people as the descriptors: the QA lead and practice leads define, draft, publish and
    retire audit types (the command line imports them). Nobody else sees a draft."""
    return can_edit_descriptors(user)


def can_record_reply(user: User, audit: Audit) -> bool:
    """Auditor A, the case-responsible manager, once the audit is signed off."""
    return user.id == audit.auditor_a_id and audit.signed_off_at is not None


def can_respond_to_dispute(user: User, audit: Audit) -> bool:
    return user.id == audit.moderator_id or user.is_qa_lead


def can_see_reaudits(user: User) -> bool:
    return user.is_qa_lead or user.is_senior_manager


def can_record_family(user: User, audit: Audit, contact_role: str) -> bool:
    """The auditor given the family-contact task, while the audit is live."""
    return audit.role_of(user) == contact_role and audit.is_live


def can_see_family(user: User, audit: Audit, contact_role: str) -> bool:
    """Blind like the rest of that auditor's work; the moderator sees it beside the two audits."""
    return can_see_review(user, audit, contact_role)


def get_audit(audit_id: int, user: User, reload: bool = False) -> Audit:
    """The audit, or 404 if it does not exist or this person may not see it. `reload` after a
    rollback, which leaves the session's objects expired."""
    audit = db.session.get(Audit, audit_id, options=AUDIT_IN_FULL, populate_existing=reload)
    # 404, not 403, so an id cannot be used to learn which cases are in the sample.
    if audit is None or not can_view_audit(user, audit):
        abort(404)
    reads.audit_shown(audit.id)
    return audit


def get_action(action_id: int, user: User) -> tuple[Action, Audit]:
    """The action and its audit, or 404 to anyone who may not see it (as for audits: an id reveals nothing)."""
    action = db.session.get(Action, action_id, options=ACTION_ROW, populate_existing=True)
    if action is None:
        abort(404)
    audit = db.session.get(Audit, action.audit_id, options=AUDIT_IN_FULL, populate_existing=True)
    if audit is None or not can_see_action(user, action, audit):
        abort(404)
    reads.audit_shown(audit.id)  # an action's page shows its audit's work, as get_audit's pages do
    return action, audit


def get_concern(concern_id: int, user: User) -> tuple[Concern, Audit]:
    """The safeguarding concern and its audit, or 404 to anyone who may not see the audit."""
    audit_id = db.session.scalar(select(Concern.audit_id).where(Concern.id == concern_id))
    if audit_id is None:
        abort(404)
    audit = get_audit(audit_id, user)
    return next(c for c in audit.concerns if c.id == concern_id), audit


def get_cycle(cycle_id: int, user: User, reload: bool = False) -> Cycle:
    """A targeted audit's cycle, or 404 (a month's random cycle is found by its month, in views.cycles).
    Those who neither run the programme nor read its reports may not learn which exist."""
    cycle = db.session.get(Cycle, cycle_id, options=CYCLE_WITH_TYPE, populate_existing=reload)
    if cycle is None or not cycle.is_targeted or not (can_manage(user) or can_read_reports(user)):
        abort(404)
    return cycle


def get_own_review(audit_id: int, user: User, role: str) -> Audit:
    """The audit whose review `role` this person writes, or 404: the other auditor may not learn
    that the review exists, and nobody else writes it."""
    audit = get_audit(audit_id, user)
    if role not in ("A", "B") or audit.role_of(user) != role or (audit.cycle.is_single and role != "B"):
        abort(404)
    return audit


def get_audit_to_moderate(audit_id: int, user: User) -> Audit:
    """The audit this person moderates: 404 if they may not see it, 403 if they may but it is not theirs."""
    audit = get_audit(audit_id, user)
    if audit.moderator_id != user.id:
        abort(403)
    return audit


def refusal_for_part(user: User, audit: Audit, role: str) -> int:
    """The status that refuses a page of one part of an audit (an auditor's review, tags,
    proposals): 404 to the other auditor, who may not learn that the work exists, 403 to those who
    know it does (the moderator, the QA lead)."""
    mine = audit.role_of(user)
    if role not in ("A", "B", "M"):
        return 404
    return 404 if role in ("A", "B") and mine in ("A", "B") and mine != role else 403


def require(allowed: bool, message: str = "You do not have permission to do this.") -> None:
    if not allowed:
        raise NotAllowed(message)


# The rules of two parts kept in modules of their own (for length), imported here at the bottom on
# purpose: they use the rules above, and every caller asks `permissions` for every rule (so these
# imports are re-exports: pyproject.toml lets this file import at its end, and import unused names).
from auditapp.permissions.calibration import (
    can_agree_grades,
    can_grade_exercise,
    can_open_exercise,
    can_see_agreed,
    can_see_calibration_record,
    can_see_everyones_results,
    can_see_exercise,
    can_set_up_calibration,
    get_exercise,
    on_panel,
    takes_part,
    uses_calibration,
)
from auditapp.permissions.learning import (
    can_download_learning_documents,
    can_raise_priority,
    can_read_priorities,
    can_record_response,
    can_review_self_evaluation,
    can_test_priority,
    get_priority,
)
