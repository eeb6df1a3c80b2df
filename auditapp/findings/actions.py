"""Actions from audits: proposed by the auditors (blind, like the rest of their audit), confirmed,
edited or removed by the moderator (who can add more), done by their owner with evidence, and
closed only when a manager of the case's team or the QA lead has verified that evidence."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.grading import DOMAINS
from auditapp.history import action_field, record
from auditapp.models import Action, Audit, Cycle, Theme, User
from auditapp.models.findings import PRIORITIES
from auditapp.outbox import notices
from auditapp.permissions import (
    action_from_team,
    can_change_action,
    can_propose_action,
    can_update_action,
    can_verify_action,
    decides_action,
    require,
    verifiable_by,
)
from auditapp.remembered import remembered
from auditapp.workdays import add_working_days


@dataclass
class ActionEntry:
    description: str = ""
    owner_id: int | None = None
    priority: str = "standard"
    due: date | None = None  # None: the priority's default
    domain: str | None = None
    theme_id: int | None = None


def default_due(priority: str, start: date) -> date:
    return add_working_days(start, current_app.config[f"ACTION_DUE_{priority.upper()}_DAYS"])


def problems(entry: ActionEntry, saved_due: date | None = None) -> dict[str, str]:
    """What is wrong with the entry; a due date already saved may stay, even once it has passed."""
    found = {}
    if not entry.description.strip():
        found["description"] = "Say what must happen"
    owner = db.session.get(User, entry.owner_id) if entry.owner_id else None
    if owner is None or not owner.active:
        found["owner"] = "Choose who owns the action"
    if entry.priority not in PRIORITIES:
        found["priority"] = "Choose the priority"
    if entry.due is not None and entry.due < clock.today() and entry.due != saved_due:
        found["due"] = "The due date must be today or later"
    if entry.domain and entry.domain not in DOMAINS:
        found["domain"] = "Choose a domain from the list"
    if entry.theme_id:
        theme = db.session.get(Theme, entry.theme_id)
        if theme is None or theme.retired_at:
            found["theme"] = "Choose a theme from the list"
    return found


def _check(entry: ActionEntry, saved_due: date | None = None) -> int:
    """The entry's owner, once nothing is wrong with the entry (problems() names a missing owner)."""
    found = problems(entry, saved_due)
    if found or entry.owner_id is None:
        raise Invalid(found)
    return entry.owner_id


def _apply(action: Action, entry: ActionEntry, owner_id: int) -> None:
    action.description = entry.description.strip()
    action.owner_id = owner_id
    action.priority = entry.priority
    action.due = entry.due or default_due(entry.priority, clock.today())
    action.domain = entry.domain or None
    action.theme_id = entry.theme_id or None


def _role(actor: User, audit: Audit) -> str | None:
    return "M" if actor.id == audit.moderator_id else audit.role_of(actor)


def _history(actor, what: str, action: Action, audit: Audit, after=None) -> None:
    # An auditor's proposal is part of their blind audit, so its history is too.
    role = action.proposed_role if action.status == "proposed" and action.proposed_role != "M" else None
    record(actor, what, audit, field=action_field(action), after=after, review_role=role)


def propose(actor: User, audit: Audit, entry: ActionEntry) -> Action:
    """An auditor's proposal, or an action the moderator adds (confirmed at once)."""
    require(can_propose_action(actor, audit), "You cannot add actions to this audit now")
    owner_id = _check(entry)
    role = _role(actor, audit)
    action = Action(audit_id=audit.id, proposed_role=role, proposed_by_id=actor.id, proposed_at=clock.now(),
                    status="open" if role == "M" else "proposed")
    if role == "M":
        action.confirmed_by_id, action.confirmed_at = actor.id, clock.now()
    _apply(action, entry, owner_id)
    db.session.add(action)
    db.session.flush()
    _history(actor, history.ACTION_ADDED if role == "M" else history.ACTION_PROPOSED, action, audit, action.description)
    if action.status == "open":
        notices.action_assigned(action, audit, db.session.get_one(User, action.owner_id))
    return action


def edit(actor: User, action: Action, audit: Audit, entry: ActionEntry, expected_version: int | None,
         confirm: bool = False) -> None:
    """The proposer changes their proposal; the moderator edits and, with `confirm`, confirms it."""
    require(can_change_action(actor, action, audit), "You cannot change this action now")
    check_version(action.version, expected_version, "This action")
    owner_id = _check(entry, action.due)
    claim_version(action, "version", "This action")
    _apply(action, entry, owner_id)
    if confirm and action.status == "proposed" and decides_action(actor, action, audit):
        action.status, action.confirmed_by_id, action.confirmed_at = "open", actor.id, clock.now()
        _history(actor, history.ACTION_CONFIRMED, action, audit, action.description)
        notices.action_assigned(action, audit, db.session.get_one(User, action.owner_id))
    else:
        _history(actor, history.ACTION_CHANGED, action, audit, action.description)
    db.session.flush()


def remove(actor: User, action: Action, audit: Audit, reason: str, expected_version: int | None) -> None:
    require(can_change_action(actor, action, audit), "You cannot remove this action now")
    check_version(action.version, expected_version, "This action")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Say why the action is removed", "reason")
    claim_version(action, "version", "This action")
    _history(actor, history.ACTION_REMOVED, action, audit, reason)
    action.status, action.removed_reason = "removed", reason
    db.session.flush()


def record_progress(actor: User, action: Action, audit: Audit, progress: str, expected_version: int | None,
                    done: bool = False, evidence: str = "", location: str = "") -> None:
    """The owner's note of progress; `done` also needs the evidence and where the case file holds it."""
    require(can_update_action(actor, action), "Only the action's owner can update it while it is open")
    check_version(action.version, expected_version, "This action")
    progress, evidence, location = (progress or "").strip(), (evidence or "").strip(), (location or "").strip()
    if done and not evidence:
        raise RuleError("Say what was done", "evidence")
    if done and not location:
        raise RuleError("Say where the case file records it", "location")
    if not done and not progress:
        raise RuleError("Describe the progress made", "progress")
    claim_version(action, "version", "This action")
    if progress:
        action.progress = progress
    if done:
        action.evidence, action.evidence_location = evidence, location
        action.status, action.done_at, action.sent_back_reason = "done", clock.now(), None
        _history(actor, history.ACTION_DONE, action, audit, f"{evidence} (recorded in: {location})")
        notices.action_done(action, audit, actor, verifiers_of(action, audit))
    else:
        _history(actor, history.ACTION_PROGRESS, action, audit, progress)
    db.session.flush()


def verify(actor: User, action: Action, audit: Audit, accept: bool, reason: str,
           expected_version: int | None) -> None:
    """Close the action on its evidence, or send it back to the owner with the reason."""
    require(can_verify_action(actor, action, audit),
            "Only a manager of the case's team or the QA lead, not the owner, can verify an action")
    check_version(action.version, expected_version, "This action")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise RuleError("Say what is still needed", "reason")
    claim_version(action, "version", "This action")
    if accept:
        action.status, action.verified_by_id, action.verified_at = "closed", actor.id, clock.now()
        _history(actor, history.ACTION_VERIFIED, action, audit)
    else:
        action.status, action.sent_back_reason, action.done_at = "open", reason, None
        _history(actor, history.ACTION_SENT_BACK, action, audit, reason)
        notices.action_sent_back(action, audit, db.session.get_one(User, action.owner_id))
    db.session.flush()


def verifiers_of(action: Action, audit: Audit) -> list[User]:
    """Everyone who may verify this action now (the rule is permissions.can_verify_action): the
    active managers of the case's team and the QA leads, never its owner."""
    candidates = db.session.scalars(select(User).where(
        User.active.is_(True), or_(User.is_qa_lead.is_(True), User.team_id == audit.case.team_id)))
    return [user for user in candidates if can_verify_action(user, action, audit)]


def proposals_on(audit: Audit) -> list[Action]:
    """The auditors' proposals waiting for the moderator's decision, for the moderation page."""
    return list(db.session.scalars(select(Action).options(joinedload(Action.owner))
                                   .where(Action.audit_id == audit.id, Action.status == "proposed")
                                   .order_by(Action.id)))


def undecided(audit: Audit) -> int:
    """Proposals the moderator has not yet confirmed or removed: sign-off waits for them."""
    return len(db.session.scalars(select(Action.id).where(Action.audit_id == audit.id,
                                                          Action.status == "proposed")).all())


# Lists. Proposals are drafts inside an audit: no list shows them.

LISTED = ("open", "done", "closed")


@dataclass
class ActionFilters:
    team: int | None = None
    owner: int | None = None
    status: str | None = None  # open, done, closed
    overdue: bool = False
    month: str | None = None
    priority: str | None = None
    since: str | None = None  # with `month`: the audits of the months from this one to `month` (a period)


def action_list(filters: ActionFilters, today: date) -> Select:
    """The actions on the list, filtered, in the list's own order. Only the action table: the team and
    the month are conditions on the audit (every action has one, with a case and a month), not joins,
    so the list's ids and its count are read from the action table and its indexes alone, and only
    one page's rows are then loaded with what they show (`paging.paginate`, ids first)."""
    query = select(Action).where(Action.status.in_(LISTED))
    if filters.team:
        query = query.where(action_from_team(filters.team))
    if filters.owner:
        query = query.where(Action.owner_id == filters.owner)
    if filters.status in LISTED:
        query = query.where(Action.status == filters.status)
    if filters.overdue:
        query = query.where(Action.is_overdue(today))
    if filters.month:
        # The months of the audits the actions came from: conditions on the audit ids, not a join
        # (the list reads the action table alone, for its first page's sake).
        months = (Cycle.month.between(filters.since, filters.month)
                  if filters.since and filters.since < filters.month else Cycle.month == filters.month)
        query = query.where(Action.audit_id.in_(
            select(Audit.id).join(Cycle, Cycle.id == Audit.cycle_id).where(months)))
    if filters.priority in PRIORITIES:
        query = query.where(Action.priority == filters.priority)
    return query.order_by(Action.status != "open", Action.due, Action.id)


def months_with_actions() -> list[str]:
    """The months whose audits have actions on the list, newest first: what the month filter offers.
    Remembered under the figures' version, which every action's change of state moves: walking
    every listed action's audit and month cost 13 ms a request on the large county."""
    return remembered("months with actions", None, lambda: list(db.session.scalars(
        select(Cycle.month).join(Audit, Audit.cycle_id == Cycle.id).join(Action, Action.audit_id == Audit.id)
        .where(Action.status.in_(LISTED)).group_by(Cycle.month).order_by(Cycle.month.desc()))))


def owned_by(user: User) -> Select:
    """The person's own actions still to finish first, then the closed ones."""
    return (select(Action).where(Action.owner_id == user.id, Action.status.in_(LISTED))
            .order_by(Action.status == "closed", Action.due, Action.id))


def for_team(team_id: int) -> Select:
    return (select(Action).where(action_from_team(team_id), Action.status.in_(LISTED))
            .order_by(Action.status == "closed", Action.due, Action.id))


def to_verify(user: User) -> Select:
    """Actions done and waiting for this person's verification."""
    return select(Action).where(verifiable_by(user)).order_by(Action.done_at, Action.id)


def on_audit(audit: Audit) -> list[Action]:
    return list(db.session.scalars(
        select(Action).options(joinedload(Action.owner), joinedload(Action.theme))
        .where(Action.audit_id == audit.id, Action.status != "removed").order_by(Action.id)))
