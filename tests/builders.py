"""Builders that read like the service: people, cases and audits at each stage, made through the rule
functions (not HTTP) so a test can set up months of work quickly and then check what people see;
signing in; the months around today. Fixtures live in conftest.py, which nothing imports."""

import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from email import message_from_bytes, policy
from time import monotonic, sleep

from flask.testing import FlaskClient
from sqlalchemy import event, select

from auditapp import clock
from auditapp.audits.concerns import raise_concern
from auditapp.audits.moderation import ModerationEntry, sign_off
from auditapp.audits.reviewing import DomainEntry, ReviewEntry, save_review
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models import Action, Audit, Case, Event, Team, User
from auditapp.models.loading import AUDIT_IN_FULL
from auditapp.month.sampling import draw_sample, open_cycle, request_withdrawal
from auditapp.months import month_of, month_start, months_before
from auditapp.permissions import SYSTEM
from auditapp.remembered import forget_all as forget_remembered_figures
from auditapp.security import people
from auditapp.security.retention import history_opened


def review_entry(grade: int = 3) -> ReviewEntry:
    entry = ReviewEntry(overall_grade=grade, working_well="Consistent worker", needs_to_change="Plan timescales",
                        safeguarding_concern="no")
    entry.domains = {key: DomainEntry(grade, f"Evidence for {key}", f"Impact of {key}") for key in DOMAINS}
    return entry


def draft_review(audit: Audit, role: str, grade: int = 3) -> Audit:
    audit = in_full(audit)
    save_review(audit.auditor(role), audit, role, review_entry(grade), submit=False)
    return audit


def submitted_review(audit: Audit, role: str, grade: int = 3) -> Audit:
    audit = in_full(audit)
    save_review(audit.auditor(role), audit, role, review_entry(grade), submit=True)
    return audit


def ready_for_moderation(audit: Audit, grade_a: int = 3, grade_b: int = 2) -> Audit:
    submitted_review(audit, "A", grade_a)
    return submitted_review(audit, "B", grade_b)


def signed_off_audit(audit: Audit, grade_a: int = 3, grade_b: int = 2, final: int | None = None) -> Audit:
    audit = in_full(audit)
    if not audit.both_submitted:
        audit = in_full(ready_for_moderation(audit, grade_a, grade_b))
    entry = ModerationEntry(key_issues_a="yes", key_issues_b="partly", feedback_a="Well evidenced",
                            feedback_b="Look harder at impact")
    entry.grades = dict.fromkeys(JUDGEMENTS, final or grade_b)
    entry.rationales = dict.fromkeys(JUDGEMENTS, "The independent view is better evidenced")
    sign_off(audit.moderator, audit, entry)
    return audit


def sampled_month(month: str, per_team: int, seed: int = 1) -> list[Audit]:
    """The month opened and drawn from the command line, on its first morning."""
    year, number = map(int, month.split("-"))
    with clock.frozen_at(datetime(year, number, 1, 9)):
        return _opened_and_drawn(SYSTEM, month, seed, per_team)


def month_sampled_by(actor, month: str | None = None, seed: int = 7, per_team: int = 1) -> list[Audit]:
    """The month (this one unless named) opened and drawn by `actor` now, committed, read back in full."""
    audits = _opened_and_drawn(actor, month or this_month(), seed, per_team)
    db.session.commit()
    return [reload(audit) for audit in audits]


def _opened_and_drawn(actor, month: str, seed: int, per_team: int) -> list[Audit]:
    return draw_sample(actor, open_cycle(actor, month), seed=seed, per_team=per_team)


def months_of_work(past: list[str], current: str, per_team: int, senior: User) -> list[Audit]:
    """Past months fully moderated (half as many cases per team), and the current month with audits at every stage:
    moderated, ready for moderation, a draft, not started, a withdrawal requested and an open concern.
    Returns the current month's audits in that order of stages."""
    for month in past:
        for audit in sampled_month(month, max(1, per_team // 2)):
            signed_off_audit(audit)
    audits = sampled_month(current, per_team)
    stages = [signed_off_audit, ready_for_moderation, lambda a: draft_review(a, "A"), lambda a: a]
    year, number = map(int, current.split("-"))
    with clock.frozen_at(datetime(year, number, 3, 10)):
        for index, audit in enumerate(audits[:-2]):
            stages[index % len(stages)](audit)
        request_withdrawal(senior, audits[-2], "court", "Final hearing listed")
        raise_concern(audits[-1].auditor_b, audits[-1], "Child left alone overnight")
    db.session.commit()
    return audits


def proposed_action(audit: Audit, role: str, owner: User, description: str = "Update the chronology",
                    priority: str = "standard") -> "Action":
    """An auditor's proposal (role "A" or "B") while their audit is open, or the moderator's action ("M")."""
    from auditapp.findings import actions
    audit = in_full(audit)
    actor = audit.moderator if role == "M" else audit.auditor(role)
    return actions.propose(actor, audit, actions.ActionEntry(description, owner.id, priority))


def confirmed_action(audit: Audit, owner: User, description: str = "Update the chronology",
                     priority: str = "standard") -> "Action":
    """An open action on an audit ready for moderation: added by its moderator."""
    return proposed_action(audit, "M", owner, description, priority)


def tagged(audit: Audit, role: str, strengths=(), worries=()) -> Audit:
    from auditapp.findings import themes
    audit = in_full(audit)
    actor = audit.moderator if role == "M" else audit.auditor(role)
    themes.save_tags(actor, audit, role, {"strength": {t.id for t in strengths}, "worry": {t.id for t in worries}})
    return audit


def in_full(audit: Audit) -> Audit:
    """The audit with everything the rules read (after a commit has expired it)."""
    return db.session.get(Audit, audit.id, options=AUDIT_IN_FULL, populate_existing=True)


PASSWORD = "correct horse battery"


class RequestClient(FlaskClient):
    """Each request in its own app context, as in production: the test's own context (held open
    for database access) would otherwise lend every request the same `g` and session."""

    def open(self, *args, **kwargs):
        # Buffered, as a server sends it: the response is closed once read, so what runs after a
        # response is sent (remembered figures shared with other workers) runs here too.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


def empty_database():
    db.session.remove()  # first: the test's own uncommitted writes would hold SQLite's lock
    forget_remembered_figures()
    with db.engine.begin() as connection, history_opened(connection):
        connection.execute(Team.__table__.update().values(senior_manager_id=None))  # user <-> team
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "history_purge":
                connection.execute(table.delete())


def sign_in(client, user: User):
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    return client


@dataclass
class World:
    qa_lead: User
    leader: User
    seniors: list[User]
    auditors: dict[str, list[User]]  # team name -> managers
    cases: list[Case]

    def case(self, reference: str) -> Case:
        return next(c for c in self.cases if c.reference == reference)


TEAMS = ["Assessment North", "Children in Care", "Early Help"]


def person(name: str, team: str, roles: set[str]) -> User:
    email = re.sub(r"\W+", ".", name.lower()) + "@council.example.org"
    user = people.save_user(SYSTEM, None, name=name, email=email, team=people.team_named(team, create=True),
                            roles=roles)
    people.set_password(SYSTEM, user, PASSWORD)
    db.session.commit()
    return user


def build_world(cases_per_team: int = 4) -> World:
    auditors = {team: [person(f"{team} Manager {n}", team, {"is_auditor"}) for n in (1, 2)] for team in TEAMS}
    world = World(
        qa_lead=person("Quinn Lead", "Quality Assurance", {"is_qa_lead"}),
        leader=person("Lena Reader", "Service leadership", {"is_leadership"}),
        seniors=[person(f"Senior {n}", "Service leadership", {"is_senior_manager"}) for n in (1, 2)],
        auditors=auditors,
        cases=[],
    )
    for t, team in enumerate(TEAMS):
        for n in range(cases_per_team):
            manager = auditors[team][n % 2]
            case = Case(reference=f"C{t}{n:03d}", team_id=manager.team_id, case_type="child_in_need",
                        manager_id=manager.id, open_date=date(2025, 1, 1))
            db.session.add(case)
            world.cases.append(case)
    db.session.commit()
    return world


def review_data(grades: dict[str, int] | int = 3, submit: bool = True, **extra) -> dict:
    """What the audit form posts: every part filled in, with the given grades."""
    if isinstance(grades, int):
        grades = dict.fromkeys(DOMAINS, grades)
    data = {"overall_grade": str(round(sum(grades.values()) / len(grades))),
            "working_well": "Consistent worker", "needs_to_change": "Plan needs timescales",
            "safeguarding_concern": "no", "safeguarding_details": ""}
    for key, grade in grades.items():
        data[f"{key}_grade"] = str(grade)
        data[f"{key}_evidence"] = f"Evidence for {key}"
        data[f"{key}_impact"] = f"Impact of {key} on the child"
    data.update(extra)
    data["submit" if submit else "save"] = "x"
    return data


@contextmanager
def count_queries():
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def this_month() -> str:
    """The month it is today (UK time), whatever date the run is frozen at."""
    return month_of(clock.today())


def month_ago(count: int) -> str:
    """The month `count` months before this one (negative: after it)."""
    return months_before(this_month(), count)


def first_day(month: str) -> date:
    return month_start(month)


def morning_of(day: date) -> datetime:
    return datetime.combine(day, time(9))


def fresh() -> None:
    """End the test's read transaction, so it sees what the requests committed since."""
    db.session.rollback()


def reload(audit: Audit) -> Audit:
    """The audit in full as the requests since have left it."""
    fresh()
    return in_full(audit)


def events(audit: Audit) -> list[Event]:
    fresh()
    return list(db.session.scalars(select(Event).where(Event.audit_id == audit.id).order_by(Event.id)))


# Mail, read back from a real SMTP server on 127.0.0.1 (the `inbox` fixture starts one).

class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def reminders_to(self, address: str, audit_id: int) -> list[str]:
        """Subjects of the reminders about this audit (not its allocation notices) sent to this address."""
        return [m["Subject"] for m in self.to(address) if "allocated" not in m["Subject"]
                and "moderate case" not in m["Subject"] and f"/audits/{audit_id}\n" in body(m) + "\n"]


def body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    """Until something on 127.0.0.1 answers on `port` (a server a test started)."""
    deadline = monotonic() + seconds
    while monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port}")


def calibration_exercise(world: "World", participants: list[User], panel: list[User] | None = None,
                         agreed: int | None = 3, plan_agreed: int | None = None, closes_on: date | None = None,
                         opened: bool = True, domains: list[str] | None = None):
    """A calibration exercise on the register's first case, named participants, the panel's grades
    agreed (all `agreed`, the plan domain `plan_agreed` if given; none if None) and opened, unless `opened` is False."""
    from auditapp.calibration import exercises
    setup = exercises.Setup(title="Calibration: a child protection plan", case_reference=world.cases[0].reference,
                            domains=domains or list(DOMAINS), takes_part="named",
                            named_emails=[p.email for p in participants],
                            panel_ids=[p.id for p in panel or []], closes_on=closes_on or clock.today())
    exercise = exercises.set_up(world.qa_lead, setup)
    if agreed is None:
        db.session.commit()
        return fresh_exercise(exercise.id)
    grades = {key: agreed for key in exercises.judgements_of(exercise)}
    if plan_agreed is not None and "plan" in grades:
        grades["plan"] = plan_agreed
    exercise = fresh_exercise(exercise.id)
    exercises.save_agreed(world.qa_lead, exercise, grades, dict.fromkeys(grades, "The panel's reasons"), None)
    if opened:
        exercises.open_exercise(world.qa_lead, exercise, None)
    db.session.commit()
    return fresh_exercise(exercise.id)


def fresh_exercise(exercise_id: int):
    from auditapp.models import CalibrationExercise
    from auditapp.models.loading import EXERCISE_IN_FULL
    return db.session.get(CalibrationExercise, exercise_id, options=EXERCISE_IN_FULL, populate_existing=True)


def calibration_grades(exercise, user: User, grade: int = 3, plan: int | None = None, submit: bool = True):
    """The participant's grades for every domain judged (the plan domain `plan` if given), saved or submitted."""
    from auditapp.calibration import taking
    entry = taking.Grading(overall_grade=grade)
    for key in exercise.domain_keys:
        entry.grades[key] = plan if key == "plan" and plan is not None else grade
        entry.evidence[key], entry.impact[key] = f"Evidence for {key}", f"Impact of {key}"
    saved = taking.save_grading(user, exercise, entry, submit, None)
    db.session.commit()
    return saved


def closed_calibration(world: "World", grades: dict, panel: list[User] | None = None, agreed: int = 3,
                       plan_agreed: int | None = None, closed_on: date | None = None, others: list[User] = ()):
    """An exercise that opened, was graded and closed a week ago (or on `closed_on`): `grades` maps each
    participant who submitted to (their grade, their plan grade); `others` took part without submitting."""
    day = closed_on or date.fromordinal(clock.today().toordinal() - 7)
    with clock.frozen_at(datetime.combine(day, time(9))):
        exercise = calibration_exercise(world, [*grades, *others], panel=panel, agreed=agreed,
                                        plan_agreed=plan_agreed, closes_on=day)
        for user, (grade, plan) in grades.items():
            calibration_grades(exercise, user, grade, plan)
    return fresh_exercise(exercise.id)


def typed_audit(world: "World", type_name: str, case_index: int = 0) -> Audit:
    """A targeted audit of one of the ready audit types over one case, allocated (issue 24)."""
    from auditapp.framework import audit_types
    from auditapp.models import AuditType
    from auditapp.month import targeted
    audit_types.ensure_shipped(SYSTEM)
    kind = db.session.scalars(select(AuditType).where(AuditType.name == type_name)).one()
    cycle = targeted.start_of_type(SYSTEM, f"{type_name}s this month", audit_types.latest(kind.id))
    audit = targeted.add_cases(SYSTEM, cycle, [world.cases[case_index].reference], confirmed=True)[0]
    db.session.commit()
    return in_full(audit)


def typed_review_data(answers: dict[str, str], submit: bool = False) -> dict:
    """What the audit form of a type grading no domain posts: its answers (extra_<n>, or a date's
    extra_<n>_day, _month and _year) and the closing questions."""
    data = {"working_well": "Records are kept well", "needs_to_change": "Chronology is late",
            "safeguarding_concern": "no", "safeguarding_details": "", **answers}
    data["submit" if submit else "save"] = "x"
    return data


def waiting_for_review(world: "World", case_index: int = 0) -> Audit:
    """A supervision-record audit (single with review) submitted by auditor B: waiting for its senior manager."""
    from auditapp.month import targeted
    audit = typed_audit(world, "Supervision-record audit", case_index)
    entry = ReviewEntry(working_well="Well kept", needs_to_change="Dates", safeguarding_concern="no")
    saved = save_review(audit.auditor_b, audit, "B", entry, submit=False)
    targeted.save_answers(audit.auditor_b, audit, "B", saved, dict.fromkeys(range(1, 6), "good"))
    save_review(audit.auditor_b, audit, "B", entry, submit=True)
    db.session.commit()
    return in_full(audit)
