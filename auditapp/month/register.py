"""The case register: cases known by reference, loaded from the case management system's export."""

from typing import IO

from sqlalchemy import func, insert, select, update

from auditapp import history
from auditapp.extensions import db
from auditapp.history import record
from auditapp.imports.cases import CaseRow, read_cases
from auditapp.imports.table import Progress
from auditapp.models import Case, Team, User
from auditapp.permissions import Actor, can_manage, require


def import_cases(actor: Actor, stream: IO[bytes], filename: str,
                 progress: Progress | None = None) -> tuple[int, int]:
    """All or nothing: ImportFailed leaves the register untouched. Returns (added, updated)."""
    require(can_manage(actor), "Only the QA lead can import the case list")
    teams = dict(db.session.execute(select(Team.name, Team.id)).all())
    managers: dict[str, int] = dict(db.session.execute(select(func.lower(User.email), User.id)).all())
    rows = read_cases(stream, filename, set(teams), set(managers), progress)
    # Columns, not objects: a county's register is tens of thousands of cases.
    existing = {reference.upper(): case_id for reference, case_id in db.session.execute(
        select(Case.reference, Case.id))}
    new, changed = [], []
    for row in rows:
        values = _values(row, teams[row.team], managers[row.manager_email])
        case_id = existing.get(row.reference.upper())
        if case_id is None:
            new.append({"reference": row.reference, **values})
        else:
            changed.append({"id": case_id, **values})
    for chunk in range(0, len(new), 5000):
        db.session.execute(insert(Case), new[chunk:chunk + 5000])
    for chunk in range(0, len(changed), 5000):
        db.session.execute(update(Case), changed[chunk:chunk + 5000])
    record(actor, history.CASE_LIST_IMPORTED, field=filename, after=f"{len(new)} added, {len(changed)} updated")
    db.session.flush()
    return len(new), len(changed)


def _values(row: CaseRow, team_id: int, manager_id: int) -> dict:
    return {
        "team_id": team_id, "manager_id": manager_id, "case_type": row.case_type,
        "open_date": row.open_date, "closed_date": row.closed_date, "age_band": row.age_band,
        "gender": row.gender, "ethnicity": row.ethnicity, "disability": row.disability,
    }
