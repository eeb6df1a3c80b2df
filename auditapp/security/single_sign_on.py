"""Council single sign-on: OpenID Connect (Microsoft Entra ID, or any standard provider) through
Authlib, on when OIDC_ISSUER is set.

The provider proves who someone is; this service decides what they may do. At a person's first
single sign-on their council account (the provider's subject, OIDC_SUBJECT_CLAIM: `sub`, or `oid`
for Entra ID) is bound to the active person already in the service (added by the QA lead) whose
email the provider vouches for; from then on only that account signs them in. So a council
account alone grants nothing, and an account that later claims someone else's address (a renamed
or recycled mailbox, a provider that lets people type their own email) gets nowhere. Password
sign-in can be turned off (PASSWORD_SIGN_IN=0).
"""

import logging
from typing import NoReturn, cast

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from auditapp import history
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.history import SIGN_IN, record
from auditapp.models import User
from auditapp.models.sets import ACCOUNT_UNBOUND
from auditapp.permissions import Actor, can_manage, require
from auditapp.security.people import user_by_email
from auditapp.security.sessions import client_address, end_all_for

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


NOT_SET_UP = ("Your council account is not set up for case audit. Ask the Quality Assurance team to add you, "
              "using the email address you sign in to the council with.")
REFUSED_UNKNOWN = "Single sign-on refused: no active person with that email"
REFUSED_UNVERIFIED = "Single sign-on refused: the provider has not verified that email"
REFUSED_OTHER_ACCOUNT = "Single sign-on refused: that person is bound to another council account"
BOUND = "Council account bound at first single sign-on"

log = logging.getLogger(__name__)


def finish() -> User:
    """The active person the provider's answer identifies, or NotSignedIn. Every refusal shows
    the person the same message, so nobody learns from it whether an account exists here."""
    try:
        token = _client().authorize_access_token()  # checks state, nonce and the ID token's signature
    except OAuthError as error:
        raise NotSignedIn("Single sign-on did not complete. Try again, or ask the Quality Assurance team.") from error
    claims = token.get("userinfo") or {}
    config = current_app.config
    subject = _text(claims.get(config["OIDC_SUBJECT_CLAIM"]))[:255]
    if not subject:
        _refuse(None, REFUSED_UNKNOWN, "")
    user = db.session.scalar(select(User).where(User.sso_subject == subject))
    if user is not None:
        if not user.active:
            _refuse(user, REFUSED_UNKNOWN, subject)
        return user
    # Not bound yet: the email decides whom to bind to, so it must be one the provider vouches
    # for. Providers that do not check addresses say so with email_verified (absent: Entra ID,
    # whose preferred_username is the organisation's own sign-in name).
    if "email_verified" in claims and claims["email_verified"] not in (True, "true"):
        _refuse(None, REFUSED_UNVERIFIED, subject)
    # Only the configured claim: falling back to another would let a claim nobody checked decide.
    email = _text(claims.get(config["OIDC_EMAIL_CLAIM"]))
    user = user_by_email(email) if email else None
    if user is None or not user.active:
        _refuse(user, REFUSED_UNKNOWN, subject)
    if user.sso_subject is not None or not _bind(user, subject):
        _refuse(user, REFUSED_OTHER_ACCOUNT, subject)
    record(user, BOUND, field=SIGN_IN, after=client_address())
    return user


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _bind(user: User, subject: str) -> bool:
    """Bind the account, unless another sign-in bound this person (or this account) a moment ago:
    a conditional update, so two first sign-ins at once cannot both win."""
    try:
        # An UPDATE's result is a CursorResult, with a rowcount; Session.execute is typed for any statement.
        bound = cast(CursorResult, db.session.execute(update(User).where(User.id == user.id, User.sso_subject.is_(None))
                                                      .values(sso_subject=subject))).rowcount
    except IntegrityError:  # the account was bound to someone else a moment ago
        db.session.rollback()
        return False
    return bound == 1


def _refuse(user: User | None, reason: str, subject: str) -> NoReturn:
    # The QA lead reads the reason in the activity log; the person sees only NOT_SET_UP.
    log.warning("%s (subject %r, from %s)", reason, subject, client_address())
    record(user, reason, field=SIGN_IN, after=client_address())
    raise NotSignedIn(NOT_SET_UP)


def unbind(actor: Actor, user: User) -> None:
    """Let the person's next single sign-on bind a council account afresh (theirs was replaced, or
    the wrong one was bound). Their sessions end, so the old account is signed out everywhere."""
    require(can_manage(actor), "Only the QA lead can unbind a council account")
    if user.sso_subject is None:
        raise RuleError(f"{user.email} has no council account bound")
    user.sso_subject = None
    end_all_for(user, ACCOUNT_UNBOUND)
    record(actor, history.account_unbound(user.email), field=SIGN_IN)
