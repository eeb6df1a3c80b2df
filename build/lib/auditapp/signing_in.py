"""Signing in with a password, with limits on failed attempts that every web worker shares
(they are counted in the database), and the activity log's record of sign-ins and sign-outs."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from . import clock, sessions
from .extensions import db
from .history import SIGN_IN, record
from .models import SignInAttempt, User
from .people import check_password, user_by_email

WRONG = "Enter a correct email address and password"


def too_many_message() -> str:
    minutes = current_app.config["SIGN_IN_WINDOW_MINUTES"]
    return f"Too many failed sign-ins. Wait {minutes} minutes, then try again."


def locked_out(email: str, address: str) -> bool:
    """Whether this account, or this address, has had too many failed sign-ins lately. Counted by
    the email typed, so the answer is the same whether or not the account exists."""
    config = current_app.config
    since = clock.now() - timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    failed = select(func.count(SignInAttempt.id)).where(SignInAttempt.succeeded.is_(False))
    # A successful sign-in to the account starts its count again.
    last_success = (select(func.max(SignInAttempt.at))
                    .where(SignInAttempt.email == email, SignInAttempt.succeeded.is_(True)).scalar_subquery())
    by_account = db.session.scalar(failed.where(
        SignInAttempt.email == email, SignInAttempt.at > func.coalesce(last_success, since), SignInAttempt.at > since))
    if by_account >= config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    by_address = db.session.scalar(failed.where(SignInAttempt.address == address, SignInAttempt.at > since))
    return by_address >= config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]


def password_sign_in(email: str, password: str) -> tuple[User | None, str | None]:
    """(the person, None) if they may sign in; (None, the message to show) if not. The caller
    commits either way: a failure must be counted even though nothing else changes."""
    email, address = email.strip().lower()[:254], sessions.client_address()
    if locked_out(email, address):
        # The password is not even checked: the right one must not work during a lock-out.
        return None, too_many_message()
    user = user_by_email(email)
    succeeded = check_password(user, password) and user.active
    db.session.add(SignInAttempt(at=clock.now(), email=email, address=address, succeeded=succeeded))
    if succeeded:
        return user, None
    if user is None:
        record(None, "Sign-in failed: no account has that email address", field=SIGN_IN, after=address)
    else:
        reason = "wrong password" if user.active else "account deactivated"
        record(user, f"Sign-in failed: {reason}", field=SIGN_IN, after=address)
    return None, WRONG


def signed_in(user: User, method: str = "password") -> str:
    """Start the person's session (the token for their cookie) and log it."""
    record(user, "Signed in" if method == "password" else "Signed in with single sign-on",
           field=SIGN_IN, after=sessions.client_address())
    return sessions.start(user, method)


def signed_out(user: User, token: str | None) -> None:
    sessions.end(token, "signed out")
    record(user, "Signed out", field=SIGN_IN, after=sessions.client_address())
