"""Council single sign-on (OpenID Connect), against a real provider the test starts on 127.0.0.1:
oidc-provider-mock issues codes, signed ID tokens and user info as Entra ID or any provider would."""

from urllib.parse import urlsplit

import httpx
import oidc_provider_mock
import pytest
from builders import PASSWORD, RequestClient, fresh
from sqlalchemy import select

from auditapp import create_app
from auditapp.extensions import db
from auditapp.models import Event, User, UserSession


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


def council_account(provider, subject: str, **claims) -> str:
    """An account at the provider with exactly these claims; its subject, to sign in as."""
    assert httpx.put(f"{provider}/users/{subject}", json=claims).status_code == 204
    return subject


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def refusals() -> list[str]:
    fresh()
    return db.session.scalars(select(Event.action).where(Event.field == "sign-in", Event.action.like("%refused%"))
                              .order_by(Event.id)).all()


def bound_subject(user) -> str | None:
    fresh()
    return db.session.scalar(select(User.sso_subject).where(User.id == user.id))


def test_a_council_account_signs_in_the_person_with_that_email(database_url, provider, world):
    app = sso_app(database_url, provider)
    client = app.test_client()
    assert "Sign in with your council account" in client.get("/sign-in").get_data(as_text=True)
    response = sign_in_at_provider(client, world.qa_lead.email.upper(), next_page="/cycles")
    assert response.status_code == 302 and response.location == "/cycles"
    assert client.get("/cycles").status_code == 200
    assert db.session.scalar(select(UserSession.method)) == "single sign-on"
    assert db.session.scalars(select(Event.action).where(Event.field == "sign-in").order_by(Event.id)).all() == [
        "Council account bound at first single sign-on", "Signed in with single sign-on"]


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


def test_an_unverified_email_does_not_sign_in_as_the_person_it_names(database_url, provider, world):
    app = sso_app(database_url, provider)
    client = app.test_client()
    impostor = council_account(provider, "impostor-1", email=world.qa_lead.email, email_verified=False)
    response = sign_in_at_provider(client, impostor)
    assert response.status_code == 403 and "not set up for case audit" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert bound_subject(world.qa_lead) is None
    assert refusals() == ["Single sign-on refused: the provider has not verified that email"]
    # A verified address, from the same provider, is fine.
    verified = council_account(provider, "qa-lead-1", email=world.qa_lead.email, email_verified=True)
    assert sign_in_at_provider(client, verified).status_code == 302 and signed_in(client)


def test_the_first_sign_in_binds_the_council_account_and_only_it_signs_in_after(database_url, provider, world):
    app = sso_app(database_url, provider)
    own = council_account(provider, "qa-lead-own", email=world.qa_lead.email, email_verified=True)
    assert sign_in_at_provider(app.test_client(), own).status_code == 302
    assert bound_subject(world.qa_lead) == "qa-lead-own"
    assert "Council account bound at first single sign-on" in db.session.scalars(select(Event.action)).all()

    # Another account claiming the same (verified) address: refused with the stranger's message.
    other = council_account(provider, "someone-else", email=world.qa_lead.email, email_verified=True)
    client = app.test_client()
    response = sign_in_at_provider(client, other)
    stranger = sign_in_at_provider(app.test_client(), council_account(provider, "stranger", email="x@example.org"))
    assert response.status_code == stranger.status_code == 403
    assert response.get_data(as_text=True) == stranger.get_data(as_text=True)
    assert not signed_in(client)
    assert refusals() == ["Single sign-on refused: that person is bound to another council account",
                          "Single sign-on refused: no active person with that email"]
    assert bound_subject(world.qa_lead) == "qa-lead-own"

    # The bound account still signs in, even once its address has changed at the provider.
    council_account(provider, own, email="quinn.married-name@council.example.org", email_verified=True)
    client = app.test_client()
    assert sign_in_at_provider(client, own).status_code == 302 and signed_in(client)


def test_a_bound_account_of_someone_deactivated_gets_in_nowhere(database_url, provider, world):
    app = sso_app(database_url, provider)
    own = council_account(provider, "leader-own", email=world.leader.email)
    assert sign_in_at_provider(app.test_client(), own).status_code == 302
    world.leader.active = False
    db.session.commit()
    client = app.test_client()
    assert sign_in_at_provider(client, own).status_code == 403 and not signed_in(client)


def test_only_the_configured_email_claim_is_read(database_url, provider, world):
    app = sso_app(database_url, provider, OIDC_EMAIL_CLAIM="preferred_username")
    client = app.test_client()
    # No preferred_username: the email claim is not a fallback.
    only_email = council_account(provider, "only-email", email=world.qa_lead.email, email_verified=True)
    assert sign_in_at_provider(client, only_email).status_code == 403 and not signed_in(client)
    assert bound_subject(world.qa_lead) is None


def test_entra_id_binds_on_the_object_id(database_url, provider, world):
    app = sso_app(database_url, provider, OIDC_EMAIL_CLAIM="preferred_username", OIDC_SUBJECT_CLAIM="oid")
    entra = council_account(provider, "pairwise-sub", oid="00000000-aaaa-4bbb-8ccc-000000000001",
                            preferred_username=world.qa_lead.email)
    client = app.test_client()
    assert sign_in_at_provider(client, entra).status_code == 302 and signed_in(client)
    assert bound_subject(world.qa_lead) == "00000000-aaaa-4bbb-8ccc-000000000001"
    # An identity without the configured subject claim cannot be bound to anyone.
    no_oid = council_account(provider, "no-oid", preferred_username=world.leader.email)
    assert sign_in_at_provider(app.test_client(), no_oid).status_code == 403
    assert bound_subject(world.leader) is None


def test_the_qa_lead_sees_who_is_bound_and_the_administrator_can_unbind(database_url, provider, world):
    app = sso_app(database_url, provider)
    old = council_account(provider, "old-account", email=world.leader.email)
    assert sign_in_at_provider(app.test_client(), old).status_code == 302
    qa = app.test_client()
    qa.post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD})
    assert "Bound at their first single sign-on" in qa.get(f"/people/{world.leader.id}").get_data(as_text=True)
    assert "Not bound yet" in qa.get(f"/people/{world.qa_lead.id}").get_data(as_text=True)

    new = council_account(provider, "new-account", email=world.leader.email)
    assert sign_in_at_provider(app.test_client(), new).status_code == 403
    fresh()  # the command runs in this test's app context
    result = app.test_cli_runner().invoke(args=["unbind-council-account", world.leader.email])
    assert result.exit_code == 0, result.output
    assert sign_in_at_provider(app.test_client(), new).status_code == 302
    assert bound_subject(world.leader) == "new-account"
    again = app.test_cli_runner().invoke(args=["unbind-council-account", "nobody@example.org"])
    assert again.exit_code != 0 and "No one has" in again.output
