"""Council single sign-on: OpenID Connect (Microsoft Entra ID, or any standard provider) through
Authlib, on when OIDC_ISSUER is set.

The provider proves who someone is; this service decides what they may do. An identity signs in
only if its email matches an active person already in the service (added by the QA lead), so a
council account alone grants nothing. Password sign-in can be turned off (PASSWORD_SIGN_IN=0).
"""

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from .history import SIGN_IN, record
from .models import User
from .people import user_by_email
from .sessions import client_address

NAME = "council"


def init_app(app: Flask) -> None:
    if not app.config["OIDC_ISSUER"]:
        return
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )
    app.extensions["single_sign_on"] = oauth


def enabled() -> bool:
    return "single_sign_on" in current_app.extensions


def _client():
    return current_app.extensions["single_sign_on"].create_client(NAME)


def start(callback_url: str):
    """The redirect to the provider; Authlib keeps the state and nonce in the session."""
    return _client().authorize_redirect(callback_url)


class NotSignedIn(Exception):
    """The provider's answer did not sign anyone in; the message is for the person."""


def finish() -> User:
    """The active person the provider's answer identifies, or NotSignedIn."""
    try:
        token = _client().authorize_access_token()  # checks state, nonce and the ID token's signature
    except OAuthError as error:
        raise NotSignedIn("Single sign-on did not complete. Try again, or ask the Quality Assurance team.") from error
    claims = token.get("userinfo") or {}
    # Entra ID puts the sign-in address in preferred_username; other providers in email.
    email = str(claims.get(current_app.config["OIDC_EMAIL_CLAIM"]) or claims.get("email") or "").strip()
    user = user_by_email(email) if email else None
    if user is None or not user.active:
        record(user, "Single sign-on refused: no active person with that email", field=SIGN_IN,
               after=client_address())
        raise NotSignedIn("Your council account is not set up for case audit. Ask the Quality Assurance team to "
                          "add you, using the email address you sign in to the council with.")
    return user
