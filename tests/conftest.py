"""Test set-up: one migrated database per run (SQLite, or PostgreSQL from TEST_DATABASE_URL),
emptied after every test, the clock frozen for the whole run, and the fixtures. Nothing imports
this module; what tests share to build things is in builders.py."""

import os
from datetime import UTC, datetime

import pytest
import time_machine
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from builders import Inbox, RequestClient, World, build_world, empty_database, free_port, sign_in, wait_for_port
from flask_migrate import upgrade

from auditapp import create_app, jobs
from auditapp.security import people

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


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_user(app):
    """as_user(person) -> a test client signed in as that person."""
    return lambda user: sign_in(app.test_client(), user)


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of its own on a free port of 127.0.0.1, stopped afterwards."""
    import subprocess
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    wait_for_port(port, seconds=10)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.fixture
def inbox(app):
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    controller.stop()
    app.config.update(MAIL_SERVER="", MAIL_PORT=25)
