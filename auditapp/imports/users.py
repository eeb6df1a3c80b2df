"""Reading a list of people: Name, Email, Team, Roles, and optionally Line manager (an email) and
Periods away ("01/12/2026 to 05/12/2026 Leave; 10/01/2027 to 12/01/2027 Sickness")."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from auditapp.imports.table import ImportFailed, parse_date, read_table

REQUIRED = ["name", "email", "team", "roles"]
LINE_MANAGER, AWAY = "line manager", "periods away"
# One period: a first and a last day ("to", or a dash between spaces), and optionally why.
_DAY = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{1,2} [A-Za-z]+ \d{4}"
PERIOD = re.compile(rf"^\s*({_DAY})\s*(?:to|-|–)\s*({_DAY})\s*\(?([^()]*?)\)?\s*$")


@dataclass
class Away:
    starts_on: date
    ends_on: date
    reason: str

ROLE_NAMES = {
    "auditor": "is_auditor",
    "senior manager": "is_senior_manager",
    "qa lead": "is_qa_lead",
    "leadership": "is_leadership",
    "practice lead": "is_practice_lead",
}


@dataclass
class PersonRow:
    number: int
    name: str
    email: str
    team: str
    roles: set[str]  # User attribute names, e.g. {"is_auditor"}
    line_manager: str | None = None  # an email; None: the column is absent or the cell empty
    away: list[Away] = field(default_factory=list)


def parse_periods(text: str) -> tuple[list[Away], list[str]]:
    """The periods in a cell, and a problem for each part that is not one."""
    periods: list[Away] = []
    problems: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        found = PERIOD.match(part)
        try:
            if not found:
                raise ValueError(part)
            starts_on, ends_on = parse_date(found.group(1)), parse_date(found.group(2))
        except ValueError:
            problems.append(f"period away '{part}' is not two dates, like 01/12/2026 to 05/12/2026 Leave")
            continue
        if ends_on < starts_on:
            problems.append(f"period away '{part}' ends before it starts")
            continue
        clash = next((p for p in periods if p.starts_on <= ends_on and p.ends_on >= starts_on), None)
        if clash is not None:
            problems.append(f"period away '{part}' overlaps another on the same row")
            continue
        periods.append(Away(starts_on, ends_on, (found.group(3) or "").strip()[:40] or "Leave"))
    return periods, problems


def read_people(stream: IO[bytes], filename: str) -> list[PersonRow]:
    rows = read_table(stream, filename, REQUIRED)
    problems: list[str] = []
    people: list[PersonRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        name, email, team = row.text("name"), row.text("email").lower(), row.text("team")
        row_problems = [f"{col.capitalize()} is missing" for col, v in
                        (("name", name), ("email", email), ("team", team)) if not v]
        if email and ("@" not in email or " " in email):
            row_problems.append(f"email '{email}' is not an email address")
        roles = set()
        for role in filter(None, (r.strip().lower() for r in row.text("roles").split(";"))):
            if role in ROLE_NAMES:
                roles.add(ROLE_NAMES[role])
            else:
                row_problems.append(
                    f"role '{role}' is not one of auditor, senior manager, QA lead, leadership, practice lead"
                )
        if email in seen:
            row_problems.append(f"email {email} is also on row {seen[email]}")
        manager = row.text(LINE_MANAGER).lower() or None
        if manager and ("@" not in manager or " " in manager):
            row_problems.append(f"line manager '{manager}' is not an email address")
        elif manager and manager == email:
            row_problems.append("a person cannot be their own line manager")
        away, away_problems = parse_periods(row.text(AWAY))
        row_problems += away_problems
        if row_problems:
            problems += [f"Row {row.number}: {p}" for p in row_problems]
            continue
        seen[email] = row.number
        people.append(PersonRow(row.number, name, email, team, roles or {"is_auditor"}, manager, away))
    if problems:
        raise ImportFailed(problems)
    return people
