"""Sessions held on the server, limits on guessing passwords, the password deny list, cookie flags,
and the activity log's record of sign-ins (issue 10). Access to routes is in test_access.py."""

from datetime import datetime, timedelta

import pytest
from builders import PASSWORD, sign_in
from sqlalchemy import func, select

from auditapp import clock
from auditapp.config import load_config
from auditapp.extensions import db
from auditapp.models import Event, SignInAttempt, User, UserSession

SIGN_IN_PAGE = "/sign-in"


def attempt(client, email: str, password: str = "not the password"):
    return client.post(SIGN_IN_PAGE, data={"email": email, "password": password})


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def browser_with_cookie(app, value: str):
    """Another browser holding a copy of someone's cookie (as an attacker who copied it would)."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


# Sessions

def test_a_cookie_copied_before_sign_out_no_longer_works(app, world, as_user):
    client = as_user(world.qa_lead)
    copied = session_cookie(client)
    assert is_signed_in(browser_with_cookie(app, copied))
    client.post("/sign-out")
    assert not is_signed_in(browser_with_cookie(app, copied))
    ended = db.session.scalar(select(UserSession).where(UserSession.user_id == world.qa_lead.id))
    assert ended.ended_reason == "signed out"


def test_deactivating_a_person_ends_their_sessions_at_once(world, as_user):
    manager = world.auditors["Early Help"][0]
    theirs = as_user(manager)
    assert is_signed_in(theirs)
    form = {"name": manager.name, "email": manager.email, "team": str(manager.team_id), "roles": ["is_auditor"]}
    assert as_user(world.qa_lead).post(f"/people/{manager.id}", data=form).status_code == 302  # active unticked
    assert not is_signed_in(theirs)


def test_a_new_password_signs_the_person_out_everywhere_but_not_the_qa_lead(world, as_user):
    manager = world.auditors["Early Help"][0]
    theirs, qa = as_user(manager), as_user(world.qa_lead)
    form = {"name": manager.name, "email": manager.email, "team": str(manager.team_id), "roles": ["is_auditor"],
            "active": "y", "password": "violet kettle lantern"}
    assert qa.post(f"/people/{manager.id}", data=form).status_code == 302
    assert not is_signed_in(theirs) and is_signed_in(qa)


def test_each_sign_in_starts_a_new_session_and_keeps_nothing_from_before(app, world, client):
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    before = session_cookie(client)
    sign_in(client, world.qa_lead)
    with client.session_transaction() as current:
        assert "planted" not in current
    first_token = current["sid"]
    client.post("/sign-out")
    sign_in(client, world.qa_lead)
    with client.session_transaction() as again:
        assert again["sid"] != first_token
    assert session_cookie(client) != before
    # Only a hash of the token is stored: a copy of the table does not sign anyone in.
    stored = db.session.scalars(select(UserSession.token_hash)).all()
    assert first_token not in stored and len(stored) == 2


def test_the_session_cookie_is_secure_http_only_and_same_site_by_default(app, world, monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")  # plain http on a developer's machine only
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is False
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = app.test_client().post(SIGN_IN_PAGE, base_url="https://localhost",
                                          data={"email": world.qa_lead.email, "password": PASSWORD})
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # gone when the browser closes; the server ends it sooner


def test_idle_and_absolute_limits_end_the_session_on_the_server(app, world, as_user):
    client = as_user(world.qa_lead)
    copied = session_cookie(client)
    start = clock.now()
    # Active every 20 minutes, so never idle: still ended 12 hours after signing in.
    for minutes in range(20, 12 * 60, 20):
        with clock.frozen_at(start + timedelta(minutes=minutes)):
            assert is_signed_in(client), minutes
    with clock.frozen_at(start + timedelta(hours=12, minutes=1)):
        assert not is_signed_in(client)
    reasons = db.session.scalars(select(UserSession.ended_reason)).all()
    assert reasons == ["expired"]
    with clock.frozen_at(start + timedelta(hours=12, minutes=2)):
        assert not is_signed_in(browser_with_cookie(app, copied))


# Guessing passwords

def test_ten_failures_lock_the_account_for_five_minutes_even_with_the_right_password(client, world):
    email = world.qa_lead.email
    start = clock.now()
    with clock.frozen_at(start):
        for _ in range(10):
            assert "Enter a correct email address and password" in attempt(client, email).get_data(as_text=True)
        page = attempt(client, email, PASSWORD).get_data(as_text=True)
        assert "Too many failed sign-ins. Wait 5 minutes, then try again." in page
        assert not is_signed_in(client)
    with clock.frozen_at(start + timedelta(minutes=5, seconds=1)):
        assert attempt(client, email, PASSWORD).status_code == 302
        assert is_signed_in(client)


def test_the_lock_reads_the_same_whether_or_not_the_account_exists(client, world):
    pages = {}
    for email in (world.qa_lead.email, "no.such.person@council.example.org"):
        for _ in range(10):
            attempt(client, email)
        pages[email] = attempt(client, email).get_data(as_text=True)
    first, second = pages.values()
    assert "Too many failed sign-ins" in first and "Too many failed sign-ins" in second
    assert first.replace(world.qa_lead.email, "X") == second.replace("no.such.person@council.example.org", "X")


def test_a_successful_sign_in_starts_the_count_again(client, world):
    email = world.qa_lead.email
    for _ in range(9):
        attempt(client, email)
    assert attempt(client, email, PASSWORD).status_code == 302
    client.post("/sign-out")
    for _ in range(9):
        attempt(client, email)
    assert attempt(client, email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(app, client, world):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 5
    try:
        for n in range(5):
            attempt(client, f"guess{n}@council.example.org")
        page = attempt(client, world.qa_lead.email, PASSWORD).get_data(as_text=True)
        assert "Too many failed sign-ins" in page
        # Another address (another office) is not affected.
        other = app.test_client()
        assert other.post(SIGN_IN_PAGE, data={"email": world.qa_lead.email, "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    finally:
        app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 100


def test_the_limits_are_counted_in_the_database_so_every_worker_shares_them(client, world):
    attempt(client, world.qa_lead.email)
    attempt(client, world.qa_lead.email, PASSWORD)
    rows = db.session.execute(select(SignInAttempt.email, SignInAttempt.succeeded).order_by(SignInAttempt.id)).all()
    assert rows == [(world.qa_lead.email, False), (world.qa_lead.email, True)]


def test_sign_ins_failures_and_sign_outs_are_in_the_activity_log(client, world, as_user):
    attempt(client, world.qa_lead.email)
    attempt(client, "nobody@council.example.org")
    sign_in(client, world.qa_lead)
    client.post("/sign-out")
    entries = db.session.execute(select(Event.action, Event.user_id).where(Event.field == "sign-in")
                                 .order_by(Event.id)).all()
    assert entries == [("Sign-in failed: wrong password", world.qa_lead.id),
                       ("Sign-in failed: no account has that email address", None),
                       ("Signed in", world.qa_lead.id), ("Signed out", world.qa_lead.id)]
    page = as_user(world.qa_lead).get("/people/activity").get_data(as_text=True)
    assert "Sign-in failed: no account has that email address" in page and "Not signed in" in page


# Passwords

@pytest.mark.parametrize("password, message", [
    (" " * 12, "Password must not be only spaces"),
    ("aaaaaaaaaaaa", "Password must not be one character repeated"),
    ("password1234", "Password is too easy to guess"),
    ("Password1234!", "Password is too easy to guess"),
    ("qwertyuiop12", "Password is too easy to guess"),
    ("Safeguarding2026", "Password is too easy to guess"),  # a word of the service, on the local list
    ("Ofsted 2026 !!", "Password is too easy to guess"),
    ("short pass", "Password must be 12 characters or more"),
])
def test_weak_passwords_are_refused_with_a_reason(world, as_user, password, message):
    manager = world.auditors["Early Help"][0]
    before = manager.password_hash
    form = {"name": manager.name, "email": manager.email, "team": str(manager.team_id), "roles": ["is_auditor"],
            "active": "y", "password": password}
    page = as_user(world.qa_lead).post(f"/people/{manager.id}", data=form).get_data(as_text=True)
    assert message in page
    db.session.expire_all()
    assert db.session.get(User, manager.id).password_hash == before


def test_a_long_uncommon_password_is_accepted_and_hashed_with_argon2id(world, as_user, client):
    manager = world.auditors["Early Help"][0]
    form = {"name": manager.name, "email": manager.email, "team": str(manager.team_id), "roles": ["is_auditor"],
            "active": "y", "password": "violet kettle lantern"}
    assert as_user(world.qa_lead).post(f"/people/{manager.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, manager.id).password_hash.startswith("$argon2id$")
    assert attempt(client, manager.email, "violet kettle lantern").status_code == 302


def test_the_command_line_refuses_a_common_password_too(app, world):
    result = app.test_cli_runner().invoke(args=["set-password", world.qa_lead.email], input="password1234\n")
    assert result.exit_code == 1 and "too easy to guess" in result.output


def test_sign_in_attempts_and_sessions_are_not_kept_past_the_retention_period(app, world, client):
    with clock.frozen_at(datetime(2018, 1, 5, 9)):
        attempt(client, world.qa_lead.email)
    assert app.test_cli_runner().invoke(args=["purge", "--older-than-years", "7", "--yes"]).exit_code == 0
    assert db.session.scalar(select(func.count(SignInAttempt.id))) == 0


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/%09/evil.example", "/%0A/x", "/%0D%0A/x",
                                    "%2F%2Fevil.example", "/%2F/evil.example", "https://evil.example",
                                    "javascript:alert(1)", "\\\\evil.example", "/%5Cevil.example", "/\x7f/x"])
def test_signing_in_never_redirects_off_the_service(world, client, target):
    from urllib.parse import urlsplit
    response = client.post(f"/sign-in?next={target}", data={"email": world.qa_lead.email, "password": PASSWORD})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.netloc or location.netloc == "localhost"
    assert location.path == "/" and not location.path.startswith("//")


def test_signing_in_still_returns_to_the_page_asked_for(world, client):
    response = client.post("/sign-in?next=/reports/?month=2026-11", data={"email": world.qa_lead.email,
                                                                         "password": PASSWORD})
    assert response.headers["Location"].endswith("/reports/?month=2026-11")
