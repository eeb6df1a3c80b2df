"""Council single sign-on (OpenID Connect), against a real provider the test starts on 127.0.0.1:
oidc-provider-mock issues codes, signed ID tokens and user info as Entra ID or any provider would."""

from urllib.parse import urlsplit

import httpx
import oidc_provider_mock
import pytest
from sqlalchemy import select

from auditapp import create_app
from auditapp.models import Event, UserSession
from auditapp.extensions import db
from conftest import PASSWORD, RequestClient


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def sso_app(database_url, provider, **settings):
    app = create_app({"TESTING": True, "SECRET_KEY": "sso", "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "OIDC_ISSUER": provider,
                      "OIDC_CLIENT_ID": "case-audit", "OIDC_CLIENT_SECRET": "not-a-secret", **settings})
    app.test_client_class = RequestClient
    return app


def sign_in_at_provider(client, email: str, next_page: str = ""):
    """Press "Sign in with your council account", sign in at the provider as `email`, come back."""
    start = client.get("/sign-in/council" + (f"?next={next_page}" if next_page else ""))
    assert start.status_code == 302 and start.location.startswith("http://localhost:")
    consent = httpx.post(start.location, data={"sub": email}, follow_redirects=False)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["location"])
    assert back.path == "/sign-in/council/callback"
    return client.get(f"{back.path}?{back.query}")


def test_a_council_account_signs_in_the_person_with_that_email(database_url, provider, world):
    app = sso_app(database_url, provider)
    client = app.test_client()
    assert "Sign in with your council account" in client.get("/sign-in").get_data(as_text=True)
    response = sign_in_at_provider(client, world.qa_lead.email.upper(), next_page="/cycles")
    assert response.status_code == 302 and response.location == "/cycles"
    assert client.get("/cycles").status_code == 200
    assert db.session.scalar(select(UserSession.method)) == "single sign-on"
    assert db.session.scalar(select(Event.action).where(Event.field == "sign-in")) == "Signed in with single sign-on"


def test_an_account_not_in_the_service_or_deactivated_gets_in_nowhere(database_url, provider, world):
    app = sso_app(database_url, provider)
    client = app.test_client()
    response = sign_in_at_provider(client, "stranger@council.example.org")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "not set up for case audit" in page and "<title>Error: Sign in" in page
    assert client.get("/").status_code == 302
    world.leader.active = False
    db.session.commit()
    assert sign_in_at_provider(app.test_client(), world.leader.email).status_code == 403
    refusals = db.session.scalars(select(Event.action).where(Event.field == "sign-in")).all()
    assert refusals == ["Single sign-on refused: no active person with that email"] * 2


def test_a_forged_or_replayed_answer_signs_nobody_in(database_url, provider, world):
    app = sso_app(database_url, provider)
    client = app.test_client()
    response = client.get("/sign-in/council/callback?code=made-up&state=made-up")
    assert response.status_code == 403 and "did not complete" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_password_sign_in_can_be_turned_off(database_url, provider, world):
    app = sso_app(database_url, provider, PASSWORD_SIGN_IN=False)
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your council account" in page and 'type="password"' not in page
    client.post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD})
    assert client.get("/").status_code == 302
    assert sign_in_at_provider(client, world.qa_lead.email).status_code == 302


def test_without_an_issuer_there_is_no_single_sign_on(client):
    assert client.get("/sign-in/council").status_code == 404
    assert "council account" not in client.get("/sign-in").get_data(as_text=True)
