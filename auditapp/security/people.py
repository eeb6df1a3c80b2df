"""Teams, people, their passwords, their workload and when they are away."""

from datetime import date
from typing import Literal, overload

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from auditapp import history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.imports.table import ImportFailed
from auditapp.imports.users import PersonRow
from auditapp.models import ROLE_LABELS, Absence, Team, User
from auditapp.models.loading import PERSON_ROW
from auditapp.models.sets import DEACTIVATED, PASSWORD_CHANGED
from auditapp.permissions import Actor, can_manage, require
from auditapp.security import sessions
from auditapp.security.passwords import password_problem

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        # Spend the same time as a real check, so timing does not reveal who has an account.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(actor: Actor, user: User, password: str, keep_session: str | None = None) -> None:
    require(can_manage(actor), "Only the QA lead can set a password")
    problem = password_problem(password, user.email)
    if problem:
        raise RuleError(problem, "password")
    user.password_hash = hash_password(password)
    # Whoever knew the old password is signed out everywhere (but the session making the change).
    sessions.end_all_for(user, PASSWORD_CHANGED, keep=keep_session)
    record(actor, history.password_set(user.email))
    db.session.flush()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).options(*PERSON_ROW).where(func.lower(User.email) == email.strip().lower()))


@overload
def team_named(name: str, create: Literal[True]) -> Team: ...
@overload
def team_named(name: str, create: bool = False) -> Team | None: ...


def team_named(name: str, create: bool = False) -> Team | None:
    team = db.session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))
    if team is None and create:
        team = Team(name=name.strip())
        db.session.add(team)
        db.session.flush()
    return team


def _check_team_name_free(name: str, team: Team | None = None) -> None:
    clash = team_named(name)
    if clash is not None and clash is not team:
        raise RuleError(f"There is already a team called {name.strip()}", "name")


def create_team(actor: User, name: str) -> Team:
    require(can_manage(actor), "Only the QA lead can add a team")
    _check_team_name_free(name)
    team = team_named(name, create=True)
    record(actor, history.TEAM_CREATED, after=team.name)
    return team


def rename_team(actor: User, team: Team, name: str, expected_version: int | None = None) -> None:
    """When the case management system renames a team, so the next import still matches."""
    require(can_manage(actor), "Only the QA lead can rename a team")
    check_version(team.version, expected_version, "This team")
    _check_team_name_free(name, team)
    claim_version(team, "version", "This team")
    record(actor, history.TEAM_RENAMED, before=team.name, after=name.strip())
    team.name = name.strip()
    db.session.flush()


def save_user(actor: Actor, user: User | None, *, name: str, email: str, team: Team,
              roles: set[str], active: bool = True, expected_version: int | None = None) -> User:
    """Create (user=None) or update a person; roles are User attribute names. `expected_version`:
    the version the form was opened at (None from imports and the command line, which hold no form)."""
    require(can_manage(actor), "Only the QA lead can add or change people")
    if user is not None:
        # Before anything else: a stale form would otherwise re-activate someone just deactivated.
        check_version(user.version, expected_version, f"{user.name}'s details")
    email = email.strip().lower()
    clash = user_by_email(email)
    if clash is not None and clash is not user:
        raise RuleError(f"{email} already belongs to {clash.name}", "email")
    if user is None:
        user = User(email=email, name=name, team=team)
        db.session.add(user)
        action = "Person added"
    else:
        action = "Person updated"
    before = describe_user(user) if user.id else None
    if user.id and user.is_qa_lead and user.active and not ("is_qa_lead" in roles and active):
        others = db.session.scalar(select(func.count(User.id)).where(
            User.is_qa_lead.is_(True), User.active.is_(True), User.id != user.id))
        if not others:
            # Someone must always be able to run the programme and reset passwords from the web.
            raise RuleError("This is the only active QA lead: make someone else QA lead first", "roles")
    if user.id:
        claim_version(user, "version", f"{user.name}'s details")
    if user.id and user.active and not active:
        sessions.end_all_for(user, DEACTIVATED)
    user.name, user.email, user.team, user.active = name.strip(), email, team, active
    for attr in ROLE_LABELS:
        setattr(user, attr, attr in roles)
    db.session.flush()
    after = describe_user(user)
    if before != after:
        record(actor, action, field=email, before=before, after=after)
    return user


def describe_user(user: User) -> str:
    roles = ", ".join(user.role_labels) or "no roles"
    state = "" if user.active else " (inactive)"
    return f"{user.name}, {user.team.name}, {roles}{state}"


def apply_people(actor: Actor, rows: list[PersonRow]) -> tuple[int, int]:
    """Add or update people by email; teams not yet known are created; line managers and periods
    away, where the file gives them, are set too. All or nothing: ImportFailed, before anything is
    written, for a line manager who is neither in the file nor known, or a period away that
    overlaps a different one already recorded. Returns (added, updated)."""
    require(can_manage(actor), "Only the QA lead can import people")
    _check_people(rows)
    added = updated = 0
    saved: dict[str, User] = {}
    for row in rows:
        existing = user_by_email(row.email)
        saved[row.email] = save_user(actor, existing, name=row.name, email=row.email,
                                     team=team_named(row.team, create=True), roles=row.roles,
                                     active=existing.active if existing else True)
        added, updated = (added + 1, updated) if existing is None else (added, updated + 1)
    db.session.flush()
    managers = {user.email.lower(): user for user in db.session.scalars(select(User).where(func.lower(User.email).in_(
        [row.line_manager for row in rows if row.line_manager])))}
    recorded = _absences_by_email([row.email for row in rows if row.away])
    for row in rows:
        user = saved[row.email]
        if row.line_manager:
            set_workload(actor, user, user.max_audits_per_month, managers[row.line_manager])
        for away in row.away:
            if (away.starts_on, away.ends_on) not in {(a.starts_on, a.ends_on) for a in recorded.get(row.email, [])}:
                add_absence(actor, user, away.starts_on, away.ends_on, away.reason)  # importing twice adds none
    return added, updated


def _absences_by_email(emails: list[str]) -> dict[str, list[Absence]]:
    found: dict[str, list[Absence]] = {}
    for email, absence in db.session.execute(select(func.lower(User.email), Absence).join(
            Absence, Absence.user_id == User.id).where(func.lower(User.email).in_(emails))):
        found.setdefault(email, []).append(absence)
    return found


def _check_people(rows: list[PersonRow]) -> None:
    in_file = {row.email for row in rows}
    wanted = {row.line_manager for row in rows if row.line_manager} - in_file
    known = set(db.session.scalars(select(func.lower(User.email)).where(func.lower(User.email).in_(wanted))))
    recorded = _absences_by_email([row.email for row in rows if row.away])
    problems = []
    for row in rows:
        if row.line_manager and row.line_manager not in in_file and row.line_manager not in known:
            problems.append(f"Row {row.number}: line manager {row.line_manager} is not in the file or known")
        for away in row.away:
            same = (away.starts_on, away.ends_on)
            clash = next((a for a in recorded.get(row.email, []) if a.starts_on <= away.ends_on
                          and a.ends_on >= away.starts_on and (a.starts_on, a.ends_on) != same), None)
            if clash is not None:
                problems.append(f"Row {row.number}: the period away from {away.starts_on:%-d %B %Y} overlaps one "
                                f"already recorded, {clash.starts_on:%-d %B %Y} to {clash.ends_on:%-d %B %Y}")
    if problems:
        raise ImportFailed(problems)


def set_workload(actor: Actor, user: User, max_audits: int | None, line_manager: User | None) -> None:
    """The most audits a month this person is allocated, and who is told when their work is late."""
    require(can_manage(actor), "Only the QA lead can change this")
    if line_manager is not None and line_manager.id == user.id:
        raise RuleError("A person cannot be their own line manager", "line_manager")
    before = (user.max_audits_per_month, user.line_manager_id)
    user.max_audits_per_month = max_audits
    user.line_manager_id = line_manager.id if line_manager else None
    if before != (user.max_audits_per_month, user.line_manager_id):
        record(actor, history.WORKLOAD_SET, field=user.email,
               after=f"at most {max_audits if max_audits is not None else 'any number of'} audits a month, "
                     f"line manager {line_manager.email if line_manager else 'none'}")
    db.session.flush()


def add_absence(actor: Actor, user: User, starts_on: date | None, ends_on: date | None, reason: str) -> Absence:
    require(can_manage(actor), "Only the QA lead can record a period away")
    # Two tabs adding the same period at once: the person's row is locked (on PostgreSQL; SQLite
    # writes one at a time anyway), so the second sees the first's period and is refused below.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if starts_on is None:
        raise RuleError("Enter the first day away as a date, like 1/12/2026", "starts_on")
    if ends_on is None:
        raise RuleError("Enter the last day away as a date, like 5/12/2026", "ends_on")
    if ends_on < starts_on:
        raise RuleError("The last day away must be on or after the first", "ends_on")
    clash = db.session.scalar(select(Absence).where(Absence.user_id == user.id, Absence.starts_on <= ends_on,
                                                    Absence.ends_on >= starts_on).order_by(Absence.starts_on))
    if clash is not None:
        raise RuleError(f"{user.name} is already recorded as away from {clash.starts_on:%-d %B %Y} to "
                        f"{clash.ends_on:%-d %B %Y} ({clash.reason.lower()}): a period away cannot overlap "
                        "another. Remove that one first to record a different period.", "starts_on")
    absence = Absence(user_id=user.id, starts_on=starts_on, ends_on=ends_on, reason=reason or "Leave")
    db.session.add(absence)
    record(actor, history.AWAY_RECORDED, field=user.email,
           after=f"{absence.reason}, {starts_on:%d %B %Y} to {ends_on:%d %B %Y}")
    db.session.flush()
    return absence


def remove_absence(actor: User, absence: Absence, user: User, expected_version: int | None = None) -> None:
    require(can_manage(actor), "Only the QA lead can change a period away")
    check_version(absence.version, expected_version, "This period away")
    claim_version(absence, "version", "This period away")
    record(actor, history.AWAY_REMOVED, field=user.email,
           before=f"{absence.reason}, {absence.starts_on:%d %B %Y} to {absence.ends_on:%d %B %Y}")
    db.session.delete(absence)
    db.session.flush()


def absences_of(user: User) -> list[Absence]:
    return list(db.session.scalars(select(Absence).where(Absence.user_id == user.id).order_by(Absence.starts_on)))


def away_on(day: date) -> set[int]:
    return set(db.session.scalars(select(Absence.user_id).where(Absence.starts_on <= day, Absence.ends_on >= day)))
