"""What the console commands share: reading a period from the command line, and failing with
the reasons on stderr and exit status 1 (nothing half-written: the session is rolled back)."""

import sys
from typing import NoReturn

import click
from sqlalchemy import func, select

from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.models import Cycle, User
from auditapp.month.sampling import open_cycle_for
from auditapp.reports.periods import Period, parse_period, period_of
from auditapp.security.people import user_by_email

PERIOD_KINDS = {"month": "1", "12-months": "12", "quarter": "quarter", "year": "year"}


def period_arguments(command):
    """A command's PERIOD (a code: 2026-10, 2026-27-Q3, 2026-27) and, with a month, --period for
    the kind of period to it: the workbook's and the pack's commands read periods alike."""
    command = click.option("--period", "kind", type=click.Choice(list(PERIOD_KINDS)), default=None,
                           help="With a month: the month, the 12 months to it, its quarter or financial year to it.")(
        command)
    return click.argument("period")(command)


def _period(text: str, kind: str | None) -> Period:
    """A period from the command line: a code (2026-10, 2026-27-Q3, 2026-27), or a month with --period.
    Some month in it must have been opened (a quarter or year not over ends with the newest one)."""
    latest = db.session.scalar(select(func.max(Cycle.month)).where(Cycle.kind == "random",
                                                                   Cycle.cancelled_at.is_(None)))
    try:
        span = parse_period(text, latest or text)
        if kind:
            if span.kind != "1":
                raise RuleError("Give --period with a month (2026-10), not with a quarter or year")
            span = period_of(PERIOD_KINDS[kind], span.end)
    except RuleError as error:
        _fail([error.message])
    if not any(open_cycle_for(month) for month in span.months):
        _fail([f"No month was opened in {span.words}"])
    return span


def _fail(messages: list[str]) -> NoReturn:
    db.session.rollback()
    for message in messages:
        click.echo(message, err=True)
    sys.exit(1)


def _person(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        _fail([f"No one has the email address {email}"])
    return user
