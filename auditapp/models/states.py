"""An audit's state as plain functions of its columns, so the monthly figures (which read columns,
not objects) and the audit's own pages agree. `worklists.status_columns` says the same in SQL
(tests/test_month_tasks.py holds the two together)."""

from datetime import date


def status_of(withdrawn_at, withdrawal_requested_at, signed_off_at, started: int, submitted: int) -> str:
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
               today: date) -> bool:
    if not live:
        return False
    if len(submitted_roles) < 2:
        return any(is_late(live, auditor_due, role in submitted_roles, today) for role in "AB")
    return moderation_due is not None and today > moderation_due
