"""The sign-in limits hold under concurrent tries, on SQLite and PostgreSQL, and the address limit
cannot lock a whole council out behind a proxy the app was not told to trust."""

import logging
import threading

import pytest
from builders import PASSWORD, RequestClient, fresh
from sqlalchemy import func, select

from auditapp import create_app
from auditapp.extensions import db
from auditapp.models import SignInAttempt

WRONG = "Enter a correct email address and password"
TOO_MANY = "Too many failed sign-ins"


def at_once(app, tries: list[dict], headers: list[dict] | None = None) -> list[str]:
    """Post every try to the sign-in page at the same moment, each from its own browser."""
    pages: list[str | None] = [None] * len(tries)
    start = threading.Barrier(len(tries))

    def sign_in(n: int) -> None:
        client = app.test_client()
        start.wait()
        pages[n] = client.post("/sign-in", data=tries[n], headers=(headers or [{}] * len(tries))[n]).get_data(
            as_text=True)

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(len(tries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pages


def checked(pages: list[str]) -> int:
    """How many tries had their password checked (the rest were refused by the limit)."""
    assert all(WRONG in page or TOO_MANY in page for page in pages)
    return sum(WRONG in page for page in pages)


def test_twenty_tries_at_once_at_one_account_check_no_more_than_ten_passwords(app, world):
    pages = at_once(app, [{"email": world.qa_lead.email, "password": f"guess {n}"} for n in range(20)])
    assert checked(pages) == 10
    # The right password is refused too, now the account is at its limit.
    right = app.test_client().post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD})
    assert right.status_code == 200 and TOO_MANY in right.get_data(as_text=True)


def test_twenty_tries_at_once_from_one_address_check_no_more_than_its_limit(app, world):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 5
    try:
        pages = at_once(app, [{"email": f"guess{n}@council.example.org", "password": "x"} for n in range(20)])
    finally:
        app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 100
    assert checked(pages) == 5
    fresh()
    assert db.session.scalar(select(func.count(SignInAttempt.id))) == 5


def test_behind_an_untrusted_proxy_one_person_guessing_does_not_lock_out_the_council(app, world):
    """TRUSTED_PROXIES unset: every request seems to come from the proxy, so the address limit is
    counted per forwarded-for chain (see sessions.address_for_limits)."""
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 5
    try:
        guesser = app.test_client()
        for n in range(6):
            guesser.post("/sign-in", data={"email": f"guess{n}@council.example.org", "password": "x"},
                         headers={"X-Forwarded-For": "192.0.2.66"})
        refused = guesser.post("/sign-in", data={"email": world.leader.email, "password": PASSWORD},
                               headers={"X-Forwarded-For": "192.0.2.66"})
        assert TOO_MANY in refused.get_data(as_text=True)
        colleague = app.test_client().post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD},
                                           headers={"X-Forwarded-For": "192.0.2.10"})
        assert colleague.status_code == 302
        # Forging the header escapes the address limit but never the account's.
        for n in range(10):
            guesser.post("/sign-in", data={"email": world.leader.email, "password": "x"},
                         headers={"X-Forwarded-For": f"198.51.100.{n}"})
        forged = guesser.post("/sign-in", data={"email": world.leader.email, "password": PASSWORD},
                              headers={"X-Forwarded-For": "198.51.100.99"})
        assert TOO_MANY in forged.get_data(as_text=True)
    finally:
        app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 100


def test_with_trusted_proxies_the_address_limit_is_the_real_client_address(database_url, world):
    app = create_app({"TESTING": True, "SECRET_KEY": "proxy", "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "TRUSTED_PROXIES": 1,
                      "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 5})
    app.test_client_class = RequestClient
    guesser = app.test_client()
    for n in range(5):
        # A forged entry before the proxy's own changes nothing: the proxy's last entry is the client.
        guesser.post("/sign-in", data={"email": f"guess{n}@council.example.org", "password": "x"},
                     headers={"X-Forwarded-For": f"198.51.100.{n}, 192.0.2.66"})
    refused = guesser.post("/sign-in", data={"email": world.leader.email, "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.99, 192.0.2.66"})
    assert TOO_MANY in refused.get_data(as_text=True)
    colleague = app.test_client().post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD},
                                       headers={"X-Forwarded-For": "192.0.2.10"})
    assert colleague.status_code == 302
    fresh()
    assert set(db.session.scalars(select(SignInAttempt.address))) == {"192.0.2.66", "192.0.2.10"}


@pytest.mark.parametrize("proxies, warned", [(0, True), (1, False)])
def test_start_up_says_when_proxies_are_not_trusted(database_url, caplog, proxies, warned):
    with caplog.at_level(logging.WARNING, logger="auditapp"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                    "TRUSTED_PROXIES": proxies})
    lines = [r.getMessage() for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert len(lines) == (1 if warned else 0)
