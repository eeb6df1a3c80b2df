"""The case register: cases known by reference, loaded from the case management system's export."""

from typing import IO

from sqlalchemy import select

from .extensions import db
from .history import record
from .imports.cases import CaseRow, read_cases
from .models import Case, Team, User


def import_cases(actor: User | None, stream: IO[bytes], filename: str) -> tuple[int, int]:
    """All or nothing: ImportFailed leaves the register untouched. Returns (added, updated)."""
    teams = {t.name: t for t in db.session.scalars(select(Team))}
    managers = {u.email.lower(): u for u in db.session.scalars(select(User))}
    rows = read_cases(stream, filename, set(teams), set(managers))
    existing = {c.reference.upper(): c for c in db.session.scalars(select(Case))}
    added = updated = 0
    for row in rows:
        case = existing.get(row.reference.upper())
        if case is None:
            case = Case(reference=row.reference)
            db.session.add(case)
            added += 1
        else:
            updated += 1
        _fill(case, row, teams[row.team], managers[row.manager_email])
    db.session.flush()
    record(actor, "Case list imported", field=filename, after=f"{added} added, {updated} updated")
    return added, updated


def _fill(case: Case, row: CaseRow, team: Team, manager: User) -> None:
    case.team = team
    case.manager = manager
    case.case_type = row.case_type
    case.open_date = row.open_date
    case.closed_date = row.closed_date
    case.age_band = row.age_band
    case.gender = row.gender
    case.ethnicity = row.ethnicity
    case.disability = row.disability
