"""Writing to the append-only history. Every rule function that changes state calls record()."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from auditapp import clock, figure_version
from auditapp.extensions import db
from auditapp.history_chain import REMOVED
from auditapp.models import Action, Audit, Event
from auditapp.models.loading import ACTIVITY_ROW

# The field of every sign-in, sign-out and refused sign-in entry: the activity log shows them, and
# neither they nor the history's version (remembered.py) moves the figures' version.
SIGN_IN = "sign-in"

# History entry names. Entries are stored with these words and shown as they are; the activity
# log's filter, the conflict notes and tests match on them, so each is written here once. Changing
# one renames it for new entries only: the history already written keeps its words.

# The month
CASE_LIST_IMPORTED = "Case list imported"
IMPORT_WORDS_MATCHED = "Case list words matched"  # the QA lead said what a file's columns or case types mean
PAST_AUDITS_IMPORTED = "Past audits imported"  # a file of audits done before auditapp
AUDIT_IMPORTED = "Imported from the council's records"  # one past audit, graded before auditapp
MONTH_OPENED = "Month opened"
MONTH_CANCELLED = "Month cancelled"
TARGETED_STARTED = "Targeted audit started"
TARGETED_CHANGED = "Targeted audit changed"
ALLOCATED = "Allocated"
ALLOCATION_CHANGED = "Allocation changed"
B_DRAFT_DISCARDED = "Auditor B's draft discarded"
WITHDRAWAL_REQUESTED = "Withdrawal requested"
WITHDRAWAL_REFUSED = "Withdrawal refused"
WITHDRAWAL_APPROVED = "Withdrawal approved"
NO_REPLACEMENT = "No replacement available"
REPLACEMENT_DRAWN = "Replacement drawn"
REAUDIT_SCHEDULED = "Re-audit scheduled"
REAUDIT_UNSCHEDULED = "Re-audit unscheduled until the audit is signed off again"
REAUDIT_NOT_DRAWN = "Re-audit not drawn"
REAUDIT_DRAWN = "Re-audit drawn"
ALLOCATED_AS_REAUDIT = "Allocated as a re-audit"
CLOSURE_DAY_ADDED = "Closure day added"
CLOSURE_DAY_REMOVED = "Closure day removed"

# Audits
VALUE_SAVED = "Value saved"
READY_FOR_MODERATION = "Ready for moderation"
MODERATED_GRADE_SAVED = "Moderated grade saved"
RATIONALE_SAVED = "Rationale saved"
MODERATION_SAVED = "Moderation saved"
SIGNED_OFF = "Signed off"
# Audits of a type run by one auditor (issue 24)
READY_FOR_REVIEW = "Ready for the senior manager's review"
RETURNED_TO_AUDITOR = "Returned to the auditor by the senior manager"
CONSENT_RECORDED = "The family's consent recorded"
ENDED_CONSENT_REFUSED = "Ended: the family refused consent"
REOPENED = "Reopened"
CONCERN_RAISED = "Immediate safeguarding concern raised"
CONCERN_ACKNOWLEDGED = "Safeguarding concern acknowledged"
FAMILY_CONTACT_ATTEMPTED = "Family contact attempted"
FAMILY_FEEDBACK_RECORDED = "Family feedback recorded"

# Findings
ACTION_ADDED = "Action added"
ACTION_PROPOSED = "Action proposed"
ACTION_CONFIRMED = "Action confirmed"
ACTION_CHANGED = "Action changed"
ACTION_REMOVED = "Action removed"
ACTION_DONE = "Action done, to verify"
ACTION_PROGRESS = "Action progress recorded"
ACTION_VERIFIED = "Action verified and closed"
ACTION_SENT_BACK = "Action sent back"
THEME_ADDED = "Theme added"
THEME_RETIRED = "Theme retired"
THEME_BROUGHT_BACK = "Theme brought back"
REPLY_RECORDED = "Practitioner's reply recorded"

# The board's pack
TARGET_SET = "Target set"
COMMENTARY_SAVED = "Commentary saved"
DISPUTE_RESPONSE_RECORDED = "Response to the practitioner's dispute recorded"

# The framework: grade descriptors
DESCRIPTORS_LOADED = "Grade descriptors loaded from the files as version 1"
DESCRIPTORS_DRAFT_STARTED = "Grade descriptors draft started"
DESCRIPTORS_DRAFT_CHANGED = "Grade descriptors draft changed"
DESCRIPTORS_DRAFT_DISCARDED = "Grade descriptors draft discarded"
DESCRIPTORS_PUBLISHED = "Grade descriptors published"
DESCRIPTORS_IMPORTED = "Grade descriptors imported"

# The framework: audit types (each entry's field is the type's, type_field(); no audit)
AUDIT_TYPE_CREATED = "Audit type created"
AUDIT_TYPE_LOADED = "Audit type loaded from the service's files as version 1"
AUDIT_TYPE_DRAFT_STARTED = "Audit type draft started"
AUDIT_TYPE_DRAFT_CHANGED = "Audit type draft changed"
AUDIT_TYPE_DRAFT_DISCARDED = "Audit type draft discarded"
AUDIT_TYPE_PUBLISHED = "Audit type published"
AUDIT_TYPE_RETIRED = "Audit type retired"
AUDIT_TYPE_IMPORTED = "Audit type imported"

# Calibration exercises: recorded with no audit (they are no audit of a case) and without the
# grades themselves, which stay blind in their own tables until the exercise closes.
CALIBRATION_SET_UP = "Calibration exercise set up"
CALIBRATION_AGREED_SAVED = "Calibration agreed grades saved"
CALIBRATION_OPENED = "Calibration exercise opened"
CALIBRATION_DRAFT_SAVED = "Calibration grades saved as a draft"
CALIBRATION_SUBMITTED = "Calibration grades submitted"
CALIBRATION_RULE_SET = "Calibration rule set"

# Learning: practice priorities, the work under them, and "you said, we did"
PRIORITY_RAISED = "Practice priority raised"
PRIORITY_CHANGED = "Practice priority changed"
PRIORITY_LINKED = "Linked to a practice priority"
PRIORITY_UNLINKED = "Link to a practice priority removed"
PRIORITY_CLOSED = "Practice priority closed"
ACTIVITY_ADDED = "Learning activity recorded"
PRIORITY_TESTED = "Targeted audit started to test a practice priority"
RESPONSE_RECORDED = "You said, we did: recorded"
# The year's self-evaluation read through by the QA lead (its field is the year, "2026-27").
SELF_EVALUATION_REVIEWED = "Self-evaluation reviewed for download"

# People and security
TEAM_CREATED = "Team created"
TEAM_RENAMED = "Team renamed"
WORKLOAD_SET = "Workload and line manager set"
AWAY_RECORDED = "Period away recorded"
AWAY_REMOVED = "Period away removed"
FEED_TOKEN_CREATED = "Dashboard feed token created"
FEED_TOKEN_REVOKED = "Dashboard feed token revoked"
SIGNED_IN = "Signed in"
SIGNED_IN_WITH_SSO = "Signed in with single sign-on"
SIGNED_OUT = "Signed out"
SIGN_IN_NO_ACCOUNT = "Sign-in failed: no account has that email address"  # as sign_in_failed() says it
RECORDS_PURGED = "Records purged past the retention period"
DATABASE_RESTORED = "Database restored from a backup"



def auditor_submitted(role: str) -> str:
    return f"Auditor {role} submitted"


def auditor_saved_draft(role: str) -> str:
    return f"Auditor {role} saved a draft"


def sample_drawn(month_name: str) -> str:
    return f"Sample drawn for {month_name}"


def passed_over(month: str) -> str:
    return f"Passed over in allocation for {month}"


def cases_added(title: str) -> str:
    return f"Cases added to the targeted audit {title}"


def themes_tagged(kind_words: str) -> str:
    return f"{THEMES_TAGGED} {kind_words}"


def password_set(email: str) -> str:
    return f"Password set for {email}"


def account_unbound(email: str) -> str:
    return f"Council account unbound from {email}"


def sign_in_failed(reason: str) -> str:
    return f"Sign-in failed: {reason}"


# The fields of the moderator's words meant for one auditor: permissions.FOR_ONE_AUDITOR shows them
# to that auditor only, so the moderation that writes them and the rule that hides them share these.
FEEDBACK_TO = {"A": "Feedback to auditor A", "B": "Feedback to auditor B"}
KEY_ISSUES_OF = {"A": "Auditor A identified the key issues", "B": "Auditor B identified the key issues"}


class Doer(Protocol):
    """Whoever an entry is written for: a signed-in person, or the command line (whose id is None)."""

    @property
    def id(self) -> int | None: ...


# Drafts: an auditor's or a moderator's saved values before the audit is submitted or signed off.
# No figure reads them (reports/facts.py counts an auditor's grades once both have submitted, the
# moderated grades, key issues and theme tags once signed off), so they leave the figures'
# version alone. An auditor's first draft does start the audit ("In progress"), and the save that
# creates the review says so itself (audits/reviewing.py). Whatever is not listed here moves the
# version: a new kind of entry is never left out of the figures by mistake, at worst it makes them
# recomputed once.
DRAFT_ENTRIES = frozenset({
    VALUE_SAVED, auditor_saved_draft("A"), auditor_saved_draft("B"),
    MODERATED_GRADE_SAVED, RATIONALE_SAVED, MODERATION_SAVED,
})
THEMES_TAGGED = "Themes tagged as"  # the start of every tagging entry's words (findings/themes.py)


def can_move_figures(action: str, field: str | None, audit: Audit | None) -> bool:
    """Whether an entry of this kind can alter a report figure (and so a new figures' version)."""
    if field == SIGN_IN:
        return False
    still_draft = audit is not None and audit.signed_off_at is None
    return not (still_draft and (action in DRAFT_ENTRIES or action.startswith(THEMES_TAGGED)))


def record(
    user: Doer | None,
    action: str,
    audit: Audit | None = None,
    *,
    field: str | None = None,
    before: object = None,
    after: object = None,
    review_role: str | None = None,
) -> Event:
    entry = Event(
        at=clock.now(),
        user_id=user.id if user else None,
        audit_id=audit.id if audit else None,
        review_role=review_role,
        action=action,
        field=field,
        before=None if before in (None, "") else str(before),
        after=None if after in (None, "") else str(after),
    )
    db.session.add(entry)
    if can_move_figures(action, field, audit):
        figure_version.moved()
    return entry


def type_field(type_id: int) -> str:
    """The field of an audit type's entries: its id, so its history holds together when it is renamed."""
    return f"audit type {type_id}"


def action_field(action: Action) -> str:
    """The field of an action's entries: its id, so its history holds together when it is reworded."""
    return f"action {action.id}"


def priority_field(priority_id: int) -> str:
    """The field of a practice priority's entries: its id, so its history holds together when it is reworded."""
    return f"priority {priority_id}"


def subjects(events: list[Event]) -> dict[str, str]:
    """What the entries' fields name, in words people use: "Action: Speak with the father…" for an
    action's entries (stored by id), "" for sign-ins (the entry's own words say it all). Other
    fields are words already. One statement for the whole page of entries."""
    fields = [e.field for e in events if e.field and e.field.startswith("action ")]
    ids = {int(f[7:]) for f in fields if f[7:].isdigit()}
    found = dict(db.session.execute(select(Action.id, Action.description).where(Action.id.in_(ids))).all()) \
        if ids else {}
    names = {f"action {i}": f"Action: {_shortened(text)}" for i, text in found.items()}
    return {SIGN_IN: "", **names}


@dataclass(frozen=True)
class Line:
    """One line of a compact history: entries made together (one save) said once."""

    at: datetime
    who: str
    what: str


# One moderation save writes a grade, a rationale and the rest for each judgement, interleaved: the
# printed history counts them as one save rather than a line each.
MODERATION_ENTRIES = frozenset({MODERATED_GRADE_SAVED, RATIONALE_SAVED, MODERATION_SAVED})


def _save_kind(event: Event) -> str:
    return MODERATION_SAVED if event.action in MODERATION_ENTRIES else event.action


def compact(events: list[Event], named: dict[str, str]) -> list[Line]:
    """The printed record's history: consecutive entries of one save (the same person, minute, kind
    and auditor) as one line, "Value saved (auditor A): 14 answers", "Moderation saved: 13 answers",
    the values left to the record."""
    lines: list[Line] = []
    group: list[Event] = []

    def close() -> None:
        if not group:
            return
        first = group[0]
        who = first.user.name if first.user else "System or command line"
        role = f" (auditor {first.review_role})" if first.review_role else ""
        subject = named.get(first.field, first.field) if first.field else ""
        if len(group) > 1:
            what = f"{_save_kind(first)}{role}: {len(group)} answers"
        else:
            what = first.action + role + (f": {subject}" if subject else "")
        lines.append(Line(first.at, who, what))

    def key(event: Event) -> tuple:
        return event.user_id, _save_kind(event), event.review_role, event.at.replace(second=0, microsecond=0)

    for event in events:
        if group and key(event) != key(group[0]):
            close()
            group = []
        group.append(event)
    close()
    return lines


def _shortened(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def audit_history(audit: Audit) -> list[Event]:
    return list(
        db.session.scalars(select(Event).options(joinedload(Event.user))
                           .where(Event.audit_id == audit.id).order_by(Event.id))
    )


def action_history(action) -> list[Event]:
    return list(db.session.scalars(
        select(Event).options(joinedload(Event.user))
        .where(Event.audit_id == action.audit_id, Event.field == action_field(action)).order_by(Event.id)))


def recent_activity(person: int | None = None, kind: str | None = None, since: date | None = None,
                    until: date | None = None) -> Select:
    """The service-wide log, newest first, without auditors' own entries: those stay blind on the audit.
    Filtered by who, what kind of entry, and from and to UK dates (both days included)."""
    query = (select(Event).options(*ACTIVITY_ROW).where(Event.review_role.is_(None), Event.action != REMOVED)
             .order_by(Event.id.desc()))
    if person:
        query = query.where(Event.user_id == person)
    if kind:
        query = query.where(Event.action == kind)
    if since:
        query = query.where(Event.at >= clock.start_of_uk_day(since))
    if until:
        query = query.where(Event.at < clock.start_of_uk_day(until + timedelta(days=1)))
    return query


def kinds_of_entry() -> list[str]:
    """The kinds of entry the activity log holds (not auditors' own, which it never shows), by name."""
    return list(db.session.scalars(select(Event.action).where(Event.review_role.is_(None), Event.action != REMOVED)
                                   .group_by(Event.action).order_by(Event.action)))
