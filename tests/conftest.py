"""Test set-up: one migrated database per run (SQLite, or PostgreSQL from TEST_DATABASE_URL),
emptied after every test, and small builders for the people and cases each test needs."""

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event

from auditapp import create_app, jobs
from auditapp.extensions import db
from auditapp.grading import DOMAINS
from auditapp.models import Case, Team, User
from auditapp.permissions import SYSTEM
from auditapp.remembered import forget_all as forget_remembered_figures
from auditapp.security import people
from auditapp.security.retention import history_opened

PASSWORD = "correct horse battery"

# No test reads the real clock. The whole run is frozen (time still moves on from there) at this
# moment, or at AUDITAPP_TEST_NOW (an ISO moment in UTC), which `make test-dates` sets to the dates a
# calendar gets wrong. Tests that reason about "this month" compute it from clock.today().
DEFAULT_TEST_NOW = "2026-11-23T10:00:00"


def frozen_now() -> datetime:
    return datetime.fromisoformat(os.environ.get("AUDITAPP_TEST_NOW") or DEFAULT_TEST_NOW)


@pytest.fixture(scope="session", autouse=True)
def frozen_clock():
    with time_machine.travel(frozen_now().replace(tzinfo=UTC), tick=True):
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class RequestClient(FlaskClient):
    """Each request in its own app context, as in production: the test's own context (held open
    for database access) would otherwise lend every request the same `g` and session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # The test client speaks plain http; production's default (Secure) is tested in test_security.
        "SESSION_COOKIE_SECURE": False,
    })
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()  # the schema comes only from the migrations, as in production
    return app


@pytest.fixture(scope="session", autouse=True)
def jobs_run_at_once():
    # Background tasks run inside the request that queues them, so tests see their result.
    jobs.huey.immediate = True


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    # Argon2 at its production cost would make each sign-in in the suite take a tenth of a second.
    production, people._hasher = people._hasher, PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    people._hasher = production


@pytest.fixture(autouse=True)
def ctx(app):
    with app.app_context():
        yield
        empty_database()


def empty_database():
    forget_remembered_figures()
    db.session.remove()
    with db.engine.begin() as connection, history_opened(connection):
        connection.execute(Team.__table__.update().values(senior_manager_id=None))  # user <-> team
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "history_purge":
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, user: User):
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    return client


@pytest.fixture
def as_user(app):
    """as_user(person) -> a test client signed in as that person."""
    return lambda user: sign_in(app.test_client(), user)


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


@pytest.fixture
def world() -> World:
    return build_world()


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


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of its own on a free port of 127.0.0.1, stopped afterwards."""
    import socket
    import subprocess
    import time
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)
