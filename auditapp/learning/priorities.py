"""Practice priorities: raised by the QA lead or a senior manager from what the audits show, with a
measurable target on auditapp's own figures, the things behind them linked, and a close as met,
partly met or not met. Rule functions: they check permission, flush, never commit."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import joinedload

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.history import priority_field, record
from auditapp.models import (
    Action,
    Audit,
    Case,
    Cycle,
    Event,
    FamilyFeedback,
    LearningActivity,
    PractitionerReply,
    Priority,
    PriorityLink,
    Theme,
    User,
)
from auditapp.models.learning import ACTIVITY_KINDS, CLOSED_STATES, LINK_KINDS, MEASURES
from auditapp.models.loading import PRIORITY_ROW
from auditapp.month import targeted
from auditapp.months import month_label
from auditapp.permissions import Actor, can_raise_priority, can_test_priority, require


@dataclass
class PriorityEntry:
    """What the priority form says, as plain values."""

    title: str = ""
    why: str = ""
    owner_id: int | None = None
    measure: str = ""
    judgement: str = ""  # for "good": "overall" or a domain key
    theme_id: int | None = None  # for "worry"
    target: int | None = None
    target_by: date | None = None
    review_on: date | None = None


def owners() -> list[User]:
    """Who may own a priority: the active senior managers, by name."""
    return list(db.session.scalars(select(User).where(User.is_senior_manager.is_(True), User.active.is_(True))
                                   .order_by(User.name)))


def _checked(entry: PriorityEntry) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not entry.title.strip():
        problems["title"] = "Enter the priority's title"
    if not entry.why.strip():
        problems["why"] = "Say why this is a priority: what the audits show"
    owner = db.session.get(User, entry.owner_id) if entry.owner_id else None
    if owner is None or not (owner.active and owner.is_senior_manager):
        problems["owner"] = "Choose the senior manager who owns the priority"
    if entry.measure not in MEASURES:
        problems["measure"] = "Choose how success is measured"
    elif entry.measure == "good" and entry.judgement not in JUDGEMENTS:
        problems["judgement"] = "Choose overall or the domain whose grades are measured"
    elif entry.measure == "worry" and (entry.theme_id is None or db.session.get(Theme, entry.theme_id) is None):
        problems["theme"] = "Choose the worry theme whose share of audits is measured"
    if entry.measure in ("good", "worry") and (entry.target is None or not 0 <= entry.target <= 100):
        problems["target"] = "Enter the target as a whole percentage from 0 to 100"
    if entry.target_by is None:
        problems["target_by"] = "Enter the date the target should be reached by, like 31/3/2027"
    if entry.review_on is None:
        problems["review_on"] = "Enter the date the priority will be reviewed, like 31/1/2027"
    return problems


def _apply(priority: Priority, entry: PriorityEntry) -> None:
    priority.title = " ".join(entry.title.split())[:200]
    priority.why = entry.why.strip()
    priority.owner_id = entry.owner_id  # type: ignore[assignment]  # checked by _checked
    priority.measure = entry.measure
    priority.judgement = entry.judgement if entry.measure == "good" else None
    priority.theme_id = entry.theme_id if entry.measure == "worry" else None
    priority.target = entry.target if entry.measure in ("good", "worry") else None
    priority.target_by, priority.review_on = entry.target_by, entry.review_on  # type: ignore[assignment]


def describe(priority: Priority, theme_name: str | None = None) -> str:
    """The success measure in words: "Good or better in Quality of plan: at least 75% by 31 March 2027"."""
    by = clock.day_text(priority.target_by)
    if priority.measure == "good":
        return f"Good or better in {JUDGEMENTS[priority.judgement or 'overall']}: at least {priority.target}% by {by}"
    if priority.measure == "worry":
        return f"Audits with the worry {theme_name or 'theme'}: fewer than {priority.target}% by {by}"
    return f"Every re-audit of an Inadequate case improves, by {by}"


def raise_priority(actor: Actor, entry: PriorityEntry) -> Priority:
    require(can_raise_priority(actor), "Only the QA lead and senior managers raise practice priorities")
    problems = _checked(entry)
    if problems:
        raise Invalid(problems)
    priority = Priority(raised_by_id=actor.id, raised_at=clock.now(), status="open")
    _apply(priority, entry)
    db.session.add(priority)
    db.session.flush()
    record(actor, history.PRIORITY_RAISED, field=priority_field(priority.id), after=priority.title)
    # What the measure is about is behind the priority too: linked at once, so the page lists it.
    if priority.measure == "worry" and priority.theme_id:
        _link(actor, priority, "theme", str(priority.theme_id))
    elif priority.measure == "good" and priority.judgement in DOMAINS:
        _link(actor, priority, "domain", priority.judgement)
    db.session.flush()
    return priority


def change_priority(actor: Actor, priority: Priority, entry: PriorityEntry, expected_version: int | None) -> None:
    require(can_raise_priority(actor), "Only the QA lead and senior managers change practice priorities")
    check_version(priority.version, expected_version, "This practice priority")
    if not priority.is_open:
        raise RuleError("This priority is closed: it can no longer be changed")
    problems = _checked(entry)
    if problems:
        raise Invalid(problems)
    before = describe(priority)
    claim_version(priority, "version", "This practice priority")
    _apply(priority, entry)
    record(actor, history.PRIORITY_CHANGED, field=priority_field(priority.id), before=before,
           after=f"{priority.title}: {describe(priority)}")
    db.session.flush()


def close_priority(actor: Actor, priority: Priority, outcome: str, note: str, expected_version: int | None) -> None:
    require(can_raise_priority(actor), "Only the QA lead and senior managers close practice priorities")
    check_version(priority.version, expected_version, "This practice priority")
    if not priority.is_open:
        raise RuleError("This priority is already closed")
    problems = {}
    if outcome not in CLOSED_STATES:
        problems["outcome"] = "Choose whether the priority was met, partly met or not met"
    if not (note or "").strip():
        problems["note"] = "Say what the evidence showed and what happens next"
    if problems:
        raise Invalid(problems)
    claim_version(priority, "version", "This practice priority")
    priority.status, priority.closing_note, priority.closed_at = outcome, note.strip(), clock.now()
    record(actor, history.PRIORITY_CLOSED, field=priority_field(priority.id), before="In progress",
           after=f"{CLOSED_STATES[outcome]}: {priority.closing_note}")
    db.session.flush()


# Linking what is behind a priority, or serves it.

def newest_signed_off_audit(reference: str, kind: str) -> int | None:
    """The newest signed-off audit of the case (only signed-off audits count: blind review holds),
    with the family's feedback or a practitioner's dispute when that is what is linked."""
    query: Select = (select(Audit.id).join(Case, Case.id == Audit.case_id).join(Cycle, Cycle.id == Audit.cycle_id)
                     .where(Case.reference == reference.strip(), Audit.signed_off_at.is_not(None),
                            Audit.withdrawn_at.is_(None), Cycle.cancelled_at.is_(None)))
    if kind == "feedback":
        query = query.join(FamilyFeedback, FamilyFeedback.audit_id == Audit.id).where(
            FamilyFeedback.outcome == "gave_feedback")
    elif kind == "dispute":
        query = query.join(PractitionerReply, PractitionerReply.audit_id == Audit.id).where(
            PractitionerReply.disputes.is_(True))
    return db.session.scalar(query.order_by(Cycle.month.desc(), Audit.id.desc()).limit(1))


def _link(actor: Actor, priority: Priority, kind: str, ref: str) -> bool:
    exists = db.session.scalar(select(PriorityLink.id).where(
        PriorityLink.priority_id == priority.id, PriorityLink.kind == kind, PriorityLink.ref == ref))
    if exists:
        return False
    link = PriorityLink(priority_id=priority.id, kind=kind, ref=ref, linked_by_id=actor.id, linked_at=clock.now())
    db.session.add(link)
    record(actor, history.PRIORITY_LINKED, field=priority_field(priority.id), after=link_words(link))
    return True


@dataclass
class LinkEntry:
    theme_id: int | None = None
    domain: str = ""
    reference: str = ""  # a case reference
    reference_kind: str = "audit"  # audit, feedback or dispute
    action_id: int | None = None


def add_links(actor: Actor, priority: Priority, entry: LinkEntry) -> int:
    """Link each thing the form names; returns how many were new."""
    require(can_raise_priority(actor), "Only the QA lead and senior managers link work to practice priorities")
    if not priority.is_open:
        raise RuleError("This priority is closed: nothing more can be linked to it")
    wanted: list[tuple[str, str]] = []
    if entry.theme_id is not None:
        if db.session.get(Theme, entry.theme_id) is None:
            raise RuleError("Choose a theme from the list", "theme")
        wanted.append(("theme", str(entry.theme_id)))
    if entry.domain:
        if entry.domain not in DOMAINS:
            raise RuleError("Choose a domain from the list", "domain")
        wanted.append(("domain", entry.domain))
    if entry.reference.strip():
        kind = entry.reference_kind if entry.reference_kind in ("audit", "feedback", "dispute") else "audit"
        audit_id = newest_signed_off_audit(entry.reference, kind)
        if audit_id is None:
            raise RuleError({"audit": "No signed-off audit of that case reference was found",
                             "feedback": "No signed-off audit of that case reference has the family's feedback",
                             "dispute": "No signed-off audit of that case reference has a practitioner's dispute",
                             }[kind], "reference")
        wanted.append((kind, str(audit_id)))
    if entry.action_id is not None:
        if entry.action_id not in {a.id for a in candidate_actions(priority)}:
            raise RuleError("Choose an action from the list", "action")
        wanted.append(("action", str(entry.action_id)))
    if not wanted:
        raise RuleError("Choose a theme, a domain, an action, or enter a case reference to link")
    added = sum(_link(actor, priority, kind, ref) for kind, ref in wanted)
    db.session.flush()
    return added


def remove_link(actor: Actor, priority: Priority, link: PriorityLink) -> None:
    require(can_raise_priority(actor), "Only the QA lead and senior managers change practice priorities")
    if link.priority_id != priority.id:
        raise RuleError("That link is not on this priority")
    db.session.execute(delete(PriorityLink).where(PriorityLink.id == link.id))
    record(actor, history.PRIORITY_UNLINKED, field=priority_field(priority.id), before=link_words(link))
    db.session.flush()


def links_of(priority: Priority) -> list[PriorityLink]:
    return list(db.session.scalars(select(PriorityLink).where(PriorityLink.priority_id == priority.id)
                                   .order_by(PriorityLink.kind, PriorityLink.id)))


CANDIDATES = 50  # the newest actions offered for linking: a choice people can scan


def candidate_actions(priority: Priority) -> list[Action]:
    """Actions already raised from audits that may serve the priority: from its theme or domain,
    or from an audit linked to it; confirmed ones only (a proposal is still blind), newest first."""
    links = links_of(priority)
    themes = {int(link.ref) for link in links if link.kind == "theme"} | (
        {priority.theme_id} if priority.theme_id else set())
    domains = {link.ref for link in links if link.kind == "domain"} | (
        {priority.judgement} if priority.judgement in DOMAINS else set())
    audits = {int(link.ref) for link in links if link.kind in ("audit", "feedback", "dispute")}
    already = {int(link.ref) for link in links if link.kind == "action"}
    conditions = [Action.theme_id.in_(themes), Action.domain.in_(domains), Action.audit_id.in_(audits)]
    return [a for a in db.session.scalars(
        select(Action).where(Action.status.in_(("open", "done", "closed")), or_(*conditions))
        .order_by(Action.id.desc()).limit(CANDIDATES + len(already))) if a.id not in already][:CANDIDATES]


# The work under a priority.

@dataclass
class ActivityEntry:
    kind: str = ""
    what: str = ""
    held_on: date | None = None
    reached: str = ""
    attended: int | None = None
    material_url: str = ""


def _safe_url(text: str) -> bool:
    """A link to the material: http or https only, so no javascript: or data: address is ever a link."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in text)


def add_activity(actor: Actor, priority: Priority, entry: ActivityEntry) -> LearningActivity:
    require(can_raise_priority(actor), "Only the QA lead and senior managers record learning activities")
    if not priority.is_open:
        raise RuleError("This priority is closed: record the activity on an open priority")
    problems = {}
    if entry.kind not in ACTIVITY_KINDS:
        problems["kind"] = "Choose what kind of learning activity it was"
    if not entry.what.strip():
        problems["what"] = "Say what the activity was"
    if entry.held_on is None:
        problems["held_on"] = "Enter the date it was held or published, like 14/1/2027"
    elif entry.held_on > clock.today():
        problems["held_on"] = "The date it was held must be today or earlier"
    if not entry.reached.strip():
        problems["reached"] = "Say which teams or people it reached"
    if entry.attended is not None and not 0 <= entry.attended <= 100000:
        problems["attended"] = "Enter the number who attended as a whole number"
    url = entry.material_url.strip()
    if url and not _safe_url(url):
        problems["material_url"] = "Enter the link to the material as a web address starting https:// or http://"
    if problems:
        raise Invalid(problems)
    activity = LearningActivity(priority_id=priority.id, kind=entry.kind, what=entry.what.strip(),
                                held_on=entry.held_on, reached=entry.reached.strip(), attended=entry.attended,
                                material_url=url or None, recorded_by_id=actor.id, recorded_at=clock.now())
    db.session.add(activity)
    db.session.flush()
    record(actor, history.ACTIVITY_ADDED, field=priority_field(priority.id),
           after=f"{ACTIVITY_KINDS[entry.kind]} on {clock.day_text(entry.held_on)}: {activity.what}")
    return activity


def activities_of(priority_ids: list[int]) -> dict[int, list[LearningActivity]]:
    found: dict[int, list[LearningActivity]] = {i: [] for i in priority_ids}
    for activity in db.session.scalars(select(LearningActivity).where(LearningActivity.priority_id.in_(priority_ids))
                                       .order_by(LearningActivity.held_on, LearningActivity.id)):
        found[activity.priority_id].append(activity)
    return found


def start_targeted_audit(actor: Actor, priority: Priority) -> Cycle:
    """A targeted audit to test the priority: its theme is the priority, its domains the measured
    one (all six otherwise); the QA lead then chooses its cases as for any targeted audit."""
    require(can_test_priority(actor), "Only the QA lead starts targeted audits")
    if not priority.is_open:
        raise RuleError("This priority is closed")
    domains = [priority.judgement] if priority.judgement in DOMAINS else list(DOMAINS)
    cycle = targeted.start(actor, priority.title[:120], domains,
                           f"What does this case show about the practice priority: {priority.title}?"[:2000])
    _link(actor, priority, "targeted", str(cycle.id))
    record(actor, history.PRIORITY_TESTED, field=priority_field(priority.id), after=cycle.title)
    db.session.flush()
    return cycle


@dataclass(frozen=True)
class LinkRow:
    id: int
    kind: str  # in words
    text: str
    audit_id: int | None = None  # for a link to the audit, for those who may open it
    action_id: int | None = None
    cycle_id: int | None = None


def linked(links: list[PriorityLink]) -> list[LinkRow]:
    """Each link in words, in one statement per kind whatever the number of links."""
    def ids(*kinds: str) -> set[int]:
        return {int(link.ref) for link in links if link.kind in kinds and link.ref.isdigit()}

    themes = dict(db.session.execute(select(Theme.id, Theme.name).where(Theme.id.in_(ids("theme")))).all()) \
        if ids("theme") else {}
    audits = {i: f"Case {ref}, {month_label(month)}" for i, ref, month in db.session.execute(
        select(Audit.id, Case.reference, Cycle.month).join(Case, Case.id == Audit.case_id)
        .join(Cycle, Cycle.id == Audit.cycle_id).where(Audit.id.in_(ids("audit", "feedback", "dispute"))))} \
        if ids("audit", "feedback", "dispute") else {}
    actions = dict(db.session.execute(select(Action.id, Action.description).where(Action.id.in_(ids("action"))))
                   .all()) if ids("action") else {}
    cycles = dict(db.session.execute(select(Cycle.id, Cycle.title).where(Cycle.id.in_(ids("targeted")))).all()) \
        if ids("targeted") else {}
    rows = []
    for link in links:
        number = int(link.ref) if link.ref.isdigit() else 0
        kind = LINK_KINDS[link.kind]
        if link.kind == "theme":
            rows.append(LinkRow(link.id, kind, themes.get(number, "")))
        elif link.kind == "domain":
            rows.append(LinkRow(link.id, kind, DOMAINS.get(link.ref, link.ref)))
        elif link.kind in ("audit", "feedback", "dispute"):
            rows.append(LinkRow(link.id, kind, audits.get(number, ""), audit_id=number))
        elif link.kind == "action":
            rows.append(LinkRow(link.id, kind, actions.get(number, ""), action_id=number))
        else:
            rows.append(LinkRow(link.id, kind, cycles.get(number) or "", cycle_id=number))
    return rows


def link_words(link: PriorityLink) -> str:
    """The link as the history says it: "Domain: Quality of plan", "Audit: Case C0001, October 2026"."""
    row = linked([link])[0]
    return f"{row.kind}: {row.text}"


def history_of(priority: Priority, since: int = 0) -> list[Event]:
    """The priority's history entries, or those after the entry `since` (what changed since a form was opened)."""
    return list(db.session.scalars(select(Event).options(joinedload(Event.user))
                                   .where(Event.field == priority_field(priority.id), Event.id > since)
                                   .order_by(Event.id)))


def history_mark(priority: Priority) -> int:
    """The newest entry of the priority's history: what a form opened now has seen."""
    return db.session.scalar(select(func.coalesce(func.max(Event.id), 0))
                             .where(Event.field == priority_field(priority.id))) or 0


def priority_list() -> Select:
    """Every priority, open ones first, then by review date: the list page, paged by the view."""
    return (select(Priority).options(*PRIORITY_ROW)
            .order_by(Priority.status != "open", Priority.review_on, Priority.id))
