"""What the service emails, and when: on allocation, when an immediate safeguarding concern is
recorded (at once), when an action is assigned, and (from the daily job) before and after due
dates, with escalation when work is well overdue. Someone away is not emailed: their line manager
is told instead. Each message names the case reference and links to the audit, nothing more."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Action, Audit, Case, Concern, User
from auditapp.models.loading import AUDIT_PROGRESS
from auditapp.months import month_label
from auditapp.outbox.mail import audit_link, queue, service_link
from auditapp.security.people import away_on
from auditapp.workdays import add_working_days, is_working_day

FOOTER = ("This message carries no details of the case or the audit: sign in to read them.\n\n"
          "Case audit, Quality Assurance team")
ROLE_NAMES = {"A": "auditor A (the case-responsible manager)", "B": "auditor B (the independent manager)"}


def _body(*paragraphs: str) -> str:
    return "\n\n".join([*paragraphs, FOOTER])


def _qa_leads() -> list[User]:
    return list(db.session.scalars(select(User).where(User.is_qa_lead.is_(True), User.active.is_(True))))


@dataclass
class _Day:
    """What the daily job reads once, not once per reminder: who is away and who the QA leads are."""

    today: date
    away: set[int]
    qa_leads: list[User]


def _deliver_to(user: User, day: _Day) -> tuple[User | None, str]:
    """The person, or their line manager if they are away today (with a note saying so)."""
    if user.id not in day.away:
        return user, ""
    manager = db.session.get(User, user.line_manager_id) if user.line_manager_id else None
    return manager, f"{user.name} is away, so this comes to you as their line manager."


def allocated(audit: Audit) -> None:
    link, due = audit_link(audit), f"{audit.auditor_due:%-d %B %Y}"
    # A single audit of a type is auditor B's alone: the case-responsible manager has nothing to write.
    auditors = (("B", audit.auditor_b),) if audit.cycle.is_single else (("A", audit.auditor_a), ("B", audit.auditor_b))
    for role, person in auditors:
        queue(f"allocated:{audit.id}:{person.id}", person, f"Case audit: case {audit.case.reference} allocated to you",
              _body(f"You are {ROLE_NAMES[role]} for the audit of case {audit.case.reference} "
                    f"({month_label(audit.cycle.month)}). Please submit your audit by {due}.",
                    f"Open the audit: {link}"),
              audit, new_record=True)
    queue(f"allocated:{audit.id}:{audit.moderator_id}", audit.moderator,
          f"Case audit: you will moderate case {audit.case.reference}",
          _body(f"You are the moderator for the audit of case {audit.case.reference} "
                f"({month_label(audit.cycle.month)}). "
                "You will be told when both audits are in.", f"Open the audit: {link}"), audit, new_record=True)


def reallocated(audit: Audit, role: str, new: User, replaced: User) -> None:
    """At once: the new auditor B or moderator is told the audit is theirs, and the one replaced
    that it no longer is."""
    what = "auditor B (the independent manager)" if role == "B" else "the moderator"
    link = audit_link(audit)
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    queue(f"reallocated:{audit.id}:{role}:{new.id}:{stamp}", new,
          f"Case audit: case {audit.case.reference} allocated to you",
          _body(f"You are now {what} for the audit of case {audit.case.reference} "
                f"({month_label(audit.cycle.month)}), in place of {replaced.name}."
                + (f" Please submit your audit by {audit.auditor_due:%-d %B %Y}." if role == "B" else ""),
                f"Open the audit: {link}"), audit, urgent=True)
    queue(f"unallocated:{audit.id}:{role}:{replaced.id}:{stamp}", replaced,
          f"Case audit: case {audit.case.reference} is no longer yours",
          _body(f"The audit of case {audit.case.reference} ({month_label(audit.cycle.month)}) has been given to "
                f"{new.name}: you are no longer {what} for it. You need do nothing more on it."), audit, urgent=True)


def concern_recipients(audit: Audit, today: date) -> list[User]:
    """Who is told of an immediate safeguarding concern, at once: the case-responsible manager,
    the moderator and the QA leads, and the line manager of either of the first two who is away
    today, so someone who can act hears of it now."""
    away = away_on(today)
    people = [audit.auditor_a, audit.moderator]
    for person in (audit.auditor_a, audit.moderator):
        if person.id in away and person.line_manager_id:
            manager = db.session.get(User, person.line_manager_id)
            if manager is not None and manager.active:
                people.append(manager)
    people += _qa_leads()
    return list({person.id: person for person in people}.values())


def concern_raised(concern: Concern, audit: Audit) -> None:
    for person in concern_recipients(audit, clock.today()):
        queue(f"concern:{concern.id}:{person.id}", person,
              f"Immediate safeguarding concern: case {audit.case.reference}",
              _body(f"An immediate safeguarding concern has been recorded on the audit of case "
                    f"{audit.case.reference}. Read it and act on it now.", f"Open the audit: {audit_link(audit)}"),
              audit, urgent=True)


def action_done(action: Action, audit: Audit, owner: User, verifiers: list[User]) -> None:
    """The owner says it is done: the people who can verify it are asked to."""
    for person in verifiers:
        queue(f"action-done:{action.id}:{person.id}:{action.version}", person,
              f"Case audit: an action to verify on case {audit.case.reference}",
              _body(f"{owner.name} has marked an action from the audit of case {audit.case.reference} "
                    "as done. Check the evidence and verify it, or send it back with what is still needed.",
                    f"Open the action: {service_link(f'/actions/{action.id}')}"), audit)


def action_sent_back(action: Action, audit: Audit, owner: User) -> None:
    queue(f"action-sent-back:{action.id}:{owner.id}:{action.version}", owner,
          f"Case audit: an action sent back to you on case {audit.case.reference}",
          _body(f"Your action from the audit of case {audit.case.reference} was sent back. Sign in to read "
                "what is still needed.", f"Open the action: {service_link(f'/actions/{action.id}')}"), audit)


def action_assigned(action: Action, audit: Audit, owner: User) -> None:
    queue(f"action-assigned:{action.id}:{owner.id}", owner,
          f"Case audit: an action for you on case {audit.case.reference}",
          _body(f"An action from the audit of case {audit.case.reference} is yours, due {action.due:%-d %B %Y}.",
                f"Open the audit: {audit_link(audit)}"), audit)


# The daily job

def daily(today: date) -> int:
    """Queue every reminder due today (each at most once, by its key). Returns how many were queued.
    Nothing on a bank holiday or closure day: nobody is at work to act on it (the cron line can
    stay Monday to Friday)."""
    if not is_working_day(today):
        return 0
    queued, day = 0, _Day(today, away_on(today), _qa_leads())
    live = (select(Audit).options(joinedload(Audit.case).joinedload(Case.team), joinedload(Audit.cycle),
                                  joinedload(Audit.auditor_a), joinedload(Audit.auditor_b),
                                  joinedload(Audit.moderator))
            .where(Audit.signed_off_at.is_(None), Audit.withdrawn_at.is_(None)))
    from auditapp.months import in_live_cycle
    for audit in db.session.scalars(live.options(*AUDIT_PROGRESS).where(in_live_cycle())).unique():
        for role in ("B",) if audit.cycle.is_single else ("A", "B"):
            review = audit.review(role)
            if not (review and review.submitted_at):
                queued += _deadline(audit, audit.auditor(role), f"{role}", audit.auditor_due, day,
                                    f"your audit of case {audit.case.reference}")
        if audit.both_submitted and audit.moderation_due:
            queued += _deadline(audit, audit.moderator, "M", audit.moderation_due, day,
                                f"the moderation of case {audit.case.reference}")
    queued += _actions_overdue(day)
    return queued


def _deadline(audit: Audit, person: User, who: str, due: date, day: _Day, what: str) -> int:
    """Two working days before, on the day after, and three working days after: escalated."""
    link, queued, today = audit_link(audit), 0, day.today
    if today <= due <= add_working_days(today, 2):
        queued += _to(person, day, f"due-soon:{audit.id}:{who}:{due}", f"Case audit: due {due:%-d %B}",
                      f"A reminder: {what} is due on {due:%-d %B %Y}.", link, audit)
    if today > due:
        queued += _to(person, day, f"overdue:{audit.id}:{who}:{due}", "Case audit: overdue",
                      f"{what[0].upper()}{what[1:]} was due on {due:%-d %B %Y} and is now overdue.", link, audit)
    if today >= add_working_days(due, 3):
        team = audit.case.team
        told = {u.id: u for u in (db.session.get(User, person.line_manager_id) if person.line_manager_id else None,
                                  db.session.get(User, team.senior_manager_id) if team.senior_manager_id else None,
                                  *day.qa_leads) if u is not None}
        for manager in told.values():
            if queue(f"escalation:{audit.id}:{who}:{due}:{manager.id}", manager,
                     f"Case audit: case {audit.case.reference} is well overdue",
                     _body(f"{person.name}'s part in the audit of case {audit.case.reference} was due on "
                           f"{due:%-d %B %Y} and is more than three working days overdue.", f"Open the audit: {link}"),
                     audit):
                queued += 1
    return queued


def _to(person: User, day: _Day, key: str, subject: str, text: str, link: str, audit: Audit) -> int:
    recipient, note = _deliver_to(person, day)
    if recipient is None:
        return 0
    return int(queue(f"{key}:{recipient.id}", recipient, subject,
                     _body(*filter(None, [note, text, f"Open the audit: {link}"])), audit) is not None)


def _actions_overdue(day: _Day) -> int:
    queued = 0
    overdue = db.session.scalars(
        select(Action).options(joinedload(Action.owner), joinedload(Action.audit).joinedload(Audit.case))
        .where(Action.is_overdue(day.today)))
    for action in overdue:
        queued += _to(action.owner, day, f"action-overdue:{action.id}:{action.due}",
                      "Case audit: an action is overdue",
                      f"Your action from the audit of case {action.audit.case.reference} was due on "
                      f"{action.due:%-d %B %Y} and is not yet closed.", audit_link(action.audit), action.audit)
    return queued

