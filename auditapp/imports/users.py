"""Reading a list of people: Name, Email, Team, Roles."""

from dataclasses import dataclass
from typing import IO

from auditapp.imports.table import ImportFailed, read_table

REQUIRED = ["name", "email", "team", "roles"]

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
        if row_problems:
            problems += [f"Row {row.number}: {p}" for p in row_problems]
            continue
        seen[email] = row.number
        people.append(PersonRow(row.number, name, email, team, roles or {"is_auditor"}))
    if problems:
        raise ImportFailed(problems)
    return people
