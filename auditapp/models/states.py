"""An audit's state as plain functions of its columns, so the monthly figures (which read columns,
not objects) and the audit's own pages agree. `worklists.status_columns` says the same in SQL
(tests/test_month_tasks.py holds the two together)."""

from datetime import date

from auditapp.models.sets import SINGLE, SINGLE_WITH_REVIEW


def is_single(course: str | None) -> bool:
    """One auditor (auditor B, the independent one), not two: "single" or "single with review".
    None: the monthly random sample, blind dual."""
    return course in (SINGLE, SINGLE_WITH_REVIEW)


# The GOV.UK tag colour each status is shown in (macros.html's status_tag, and the month's list of
# audits, which writes the tag itself); any other status is grey.
STATUS_COLOURS = {"Moderated": "green", "Ready for moderation": "blue", "In progress": "light-blue",
                  "Withdrawn": "grey", "Withdrawal requested": "orange", "Signed off": "green",
                  "Ended: consent refused": "red", "Waiting for the senior manager's review": "blue",
                  "Returned to the auditor": "orange"}


def auditors(course: str | None) -> str:
    """The roles that audit the case: auditor B alone in a single audit, A and B otherwise."""
    return "B" if is_single(course) else "AB"


def status_of(withdrawn_at, withdrawal_requested_at, signed_off_at, started: int, submitted: int,
              course: str | None = None, consent: str | None = None, returned_at=None) -> str:
    """`submitted`: how many of the audit's reviews are submitted (a single audit has one at most)."""
    if consent == "refused":
        return "Ended: consent refused"
    if is_single(course) and not withdrawn_at and not withdrawal_requested_at:
        if signed_off_at:
            return "Signed off"
        if submitted and course == SINGLE_WITH_REVIEW:
            return "Waiting for the senior manager's review"
        if returned_at:
            return "Returned to the auditor"
    if withdrawn_at:
        return "Withdrawn"
    if withdrawal_requested_at:
        return "Withdrawal requested"
    if signed_off_at:
        return "Moderated"
    if submitted == 2:
        return "Ready for moderation"
    if started:
        return "In progress"
    return "Allocated"


def is_late(live: bool, auditor_due: date, submitted: bool, today: date) -> bool:
    return live and today > auditor_due and not submitted


def is_overdue(live: bool, auditor_due: date, moderation_due: date | None, submitted_roles: set[str],
               today: date, course: str | None = None) -> bool:
    if not live:
        return False
    if is_single(course):  # one auditor: overdue only while auditor B's audit is late
        return is_late(live, auditor_due, "B" in submitted_roles, today)
    if len(submitted_roles) < 2:
        return any(is_late(live, auditor_due, role in submitted_roles, today) for role in "AB")
    return moderation_due is not None and today > moderation_due
