"""The QA lead's month at a glance, as a GOV.UK task list: each step of the monthly audit, whether
it is done, and the next thing to do first. Read from the records the steps leave (the history,
the month's audits, the record of reads), so it cannot disagree with them."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, union

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.models import Action, Audit, Event, FamilyFeedback, ReadRecord, User
from auditapp.month.sampling import open_cycle_for
from auditapp.months import month_label, month_of, month_start
from auditapp.remembered import remembered
from auditapp.reports.worklists import cycle_overviews, overdue_auditors, overdue_text
from auditapp.security.people import away_on

DONE, IN_PROGRESS, TO_DO, CANNOT_START = "Completed", "In progress", "Not yet started", "Cannot start yet"


@dataclass(frozen=True)
class Task:
    name: str
    status: str
    hint: str = ""
    endpoint: str | None = None
    args: tuple = ()

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def link_args(self) -> dict:
        return dict(self.args)


def month_tasks(today: date) -> tuple[str, list[Task]]:
    """This month's label and its tasks, in the order the month runs.

    Every task but the pack's is remembered under the figures' version and shared by every worker
    (it was 40% of the QA lead's start page): each counts what only a change that moves the figures
    can alter (submissions, sign-offs, allocation, absences, families, actions, imports), never a
    draft. The pack's download is a read, which moves nothing: that task is read on every page."""
    return with_export(today, remembered("month tasks", today, lambda: _from_history(today)))


def with_export(today: date, remembered_part: tuple[str, list[Task], bool]) -> tuple[str, list[Task]]:
    """The remembered part of the task list, with the pack's task read now when the sample is drawn."""
    label, tasks, sampled = remembered_part
    return label, [*tasks, _export(month_of(today))] if sampled else tasks


def _from_history(today: date) -> tuple[str, list[Task], bool]:
    """The label, the tasks up to the pack, and whether the sample is drawn (so the pack can follow)."""
    month = month_of(today)
    cycle = open_cycle_for(month)
    tasks = [_register(month)]
    if cycle is None:
        tasks.append(Task(f"Open {month_label(month)}", TO_DO, "Choose the cases per team, then draw the sample",
                          "cycles.new"))
        later = ["Draw the sample", "Check the allocation", "Auditors submit", "Moderation", "Family contact",
                 "Actions", "Export the monthly pack"]
        return month_label(month), tasks + [Task(name, CANNOT_START) for name in later], False
    tasks.append(Task(f"Open {month_label(month)}", DONE, f"Opened {clock.day_text(cycle.opened_at)}",
                      "cycles.show", (("month", month),)))
    if cycle.sampled_at is None:
        tasks.append(Task("Draw the sample", TO_DO, "", "cycles.show", (("month", month),)))
        return month_label(month), tasks, False
    overview = cycle_overviews([cycle], today)[0]
    sampled = overview.sampled - overview.counts.get("Withdrawn", 0)
    tasks.append(Task("Draw the sample", DONE, f"{overview.sampled} cases drawn {clock.day_text(cycle.sampled_at)}",
                      "cycles.show", (("month", month),)))
    tasks.append(_allocation(cycle.id, today, month))
    submitted = overview.counts.get("Submitted", 0)
    # Overdue counts every month's audits still open, not only this month's, and says which months.
    late = overview.overdue
    names = overdue_auditors(today) if any(o.auditors for o in late) else []
    tasks.append(Task("Auditors submit", DONE if submitted >= 2 * sampled else IN_PROGRESS if submitted else TO_DO,
                      f"{submitted} of {2 * sampled} audits submitted"
                      + (f"; {overdue_text(late, 'auditors')} ({', '.join(names)})" if names else ""),
                      "cycles.show", (("month", month),)))
    moderated = overview.counts.get("Moderated", 0)
    moderation_late = overdue_text(late, "moderation") if any(o.moderation for o in late) else ""
    tasks.append(Task("Moderation", DONE if sampled and moderated >= sampled else IN_PROGRESS if moderated else TO_DO,
                      f"{moderated} of {sampled} signed off" + (f"; {moderation_late}" if moderation_late else ""),
                      "cycles.show", (("month", month),)))
    # The families reached and the actions open and raised, in one statement: three had been a round
    # trip to the database apiece. The actions are counted audit by audit through their index: joined
    # to the month's audits, PostgreSQL read every action ever raised (8,434 on the large county, 3 ms).
    families, open_actions, raised = db.session.execute(select(
        select(func.count(func.distinct(FamilyFeedback.audit_id))).join(Audit, Audit.id == FamilyFeedback.audit_id)
        .where(Audit.cycle_id == cycle.id).scalar_subquery(),
        func.coalesce(func.sum(_actions_of_each_audit(Action.status.in_(("proposed", "open", "done")))), 0),
        func.coalesce(func.sum(_actions_of_each_audit(Action.status != "removed")), 0),
    ).select_from(Audit).where(Audit.cycle_id == cycle.id)).one()
    tasks.append(Task("Family contact", DONE if sampled and families >= sampled else IN_PROGRESS if families else TO_DO,
                      f"An outcome recorded for {families} of {sampled} families"))
    tasks.append(Task("Actions", DONE if raised and not open_actions else IN_PROGRESS if raised else TO_DO,
                      f"{raised - open_actions} of {raised} actions closed", "findings.all_actions",
                      (("month", month),)))
    return month_label(month), tasks, True


def _export(month: str) -> Task:
    exported = db.session.scalar(select(func.max(ReadRecord.at))
                                 .where(*_starting(ReadRecord.what, f"Monthly summary for {month}")))
    return Task("Export the monthly pack", DONE if exported else TO_DO,
                f"Downloaded {clock.day_text(exported)}" if exported else "When moderation is done",
                "reports.dashboard", (("month", month),))


def _actions_of_each_audit(*where: Any) -> Any:
    return select(func.count()).where(Action.audit_id == Audit.id, *where).correlate(Audit).scalar_subquery()


def _starting(column: Any, prefix: str) -> tuple[Any, ...]:
    """`column` starts with `prefix` (which ends in a digit, as a month does), as a range of its index
    as well as a LIKE: alone, the LIKE made both databases test every read ever recorded (migration
    0031p). Every string starting with the prefix lies in the range in any collation, since the prefix
    ends in a digit that no collation ignores; the LIKE keeps exactly those, as before."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return column >= prefix, column < after, column.like(f"{prefix}%")


def next_task(tasks: list[Task]) -> Task | None:
    return next((task for task in tasks if task.status in (TO_DO, IN_PROGRESS)), None)


def _register(month: str) -> Task:
    imported = db.session.scalar(select(func.max(Event.at)).where(Event.action == history.CASE_LIST_IMPORTED))
    if imported is None:
        return Task("Import the case register", TO_DO, "Upload this month's case-list export", "cases.index")
    fresh = clock.uk_date(imported) >= month_start(month)
    return Task("Import the case register", DONE if fresh else TO_DO,
                f"Last imported {clock.day_text(imported)}" + ("" if fresh else ": import this month's"),
                "cases.index")


def _allocation(cycle_id: int, today: date, month: str) -> Task:
    """Checked when no open audit is with someone away today or no longer active."""
    away = away_on(today)
    live = and_(Audit.cycle_id == cycle_id, Audit.signed_off_at.is_(None), Audit.withdrawn_at.is_(None))
    # Everyone allocated to an open audit, with whether they are active, in one statement: the ids
    # read first and then looked up as a list of a few hundred parameters cost a fifth of the page.
    allocated = union(*(select(column).where(live) for column in
                        (Audit.auditor_a_id, Audit.auditor_b_id, Audit.moderator_id))).subquery()
    people = db.session.execute(select(User.id, User.active).where(User.id.in_(select(allocated.c[0])))).all()
    involved = {person for person, _ in people}
    inactive = {person for person, active in people if not active}
    problems = (involved & away) | inactive
    if problems:
        return Task("Check the allocation", IN_PROGRESS,
                    f"{len(problems)} {'person' if len(problems) == 1 else 'people'} allocated this month "
                    f"{'is' if len(problems) == 1 else 'are'} away or no longer active", "cycles.show",
                    (("month", month),))
    return Task("Check the allocation", DONE, "Nobody allocated is away or inactive", "cycles.show",
                (("month", month),))
