"""Signing in with a password, with limits on failed attempts that every web worker shares
(they are counted in the database), and the activity log's record of sign-ins and sign-outs."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import false, func, insert, literal, select, text, update

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.history import SIGN_IN, record
from auditapp.models import SignInAttempt, User
from auditapp.models.sets import PASSWORD, SIGNED_OUT
from auditapp.security import sessions
from auditapp.security.people import check_password, user_by_email

WRONG = "Enter a correct email address and password"


def too_many_message() -> str:
    minutes = current_app.config["SIGN_IN_WINDOW_MINUTES"]
    return f"Too many failed sign-ins. Wait {minutes} minutes, then try again."


def claim_attempt(email: str, address: str) -> int | None:
    """Count this try as a failure before the password is checked, unless the account or the
    address is at its limit already: the id of the try, or None when it is refused.

    Counting and claiming are one INSERT ... SELECT, so two tries at once cannot both see the
    count below the limit and both go on (when the count and the insert were apart, 20 tries at
    once had all 20 passwords checked). SQLite takes its write lock before the statement reads;
    PostgreSQL reads at the statement's start, so tries for the same account and address wait
    for each other on advisory locks first. Committed on a connection of its own, so the lock is held
    only for the claim and the try counts whatever the request then does. The counts are by the
    email typed, so the answer is the same whether or not the account exists."""
    config = current_app.config
    now = clock.now()
    since = now - timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    failed = select(func.count(SignInAttempt.id)).where(SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)
    # A successful sign-in to the account starts its count again.
    last_success = (select(func.max(SignInAttempt.at))
                    .where(SignInAttempt.email == email, SignInAttempt.succeeded.is_(True)).scalar_subquery())
    by_account = failed.where(SignInAttempt.email == email, SignInAttempt.at > func.coalesce(last_success, since))
    by_address = failed.where(SignInAttempt.address == address)
    under_limits = select(literal(now), literal(email), literal(address), false()).where(
        by_account.scalar_subquery() < config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
        by_address.scalar_subquery() < config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"])
    claim = (insert(SignInAttempt).from_select(["at", "email", "address", "succeeded"], under_limits)
             .returning(SignInAttempt.id))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Always the account first, then the address (two lock spaces): no two tries can
            # wait for each other in a circle.
            connection.execute(text("SELECT pg_advisory_xact_lock(1, hashtext(:email)), "
                                    "pg_advisory_xact_lock(2, hashtext(:address))"),
                               {"email": email, "address": address})
        return connection.execute(claim).scalar()


def password_sign_in(email: str, password: str) -> tuple[User | None, str | None]:
    """(the person, None) if they may sign in; (None, the message to show) if not. The caller
    commits either way."""
    email, address = email.strip().lower()[:254], sessions.address_for_limits()
    attempt = claim_attempt(email, address)
    if attempt is None:
        # The password is not even checked: the right one must not work during a lock-out.
        return None, too_many_message()
    user = user_by_email(email)
    # check_password goes first even for no one, so an unknown address takes as long as a known one.
    succeeded = check_password(user, password) and user is not None and user.active
    if succeeded:
        db.session.execute(update(SignInAttempt).where(SignInAttempt.id == attempt).values(succeeded=True))
        return user, None
    shown = sessions.client_address()
    if user is None:
        record(None, history.SIGN_IN_NO_ACCOUNT, field=SIGN_IN, after=shown)
    else:
        reason = "wrong password" if user.active else "account deactivated"
        record(user, history.sign_in_failed(reason), field=SIGN_IN, after=shown)
    return None, WRONG


def signed_in(user: User, method: str = PASSWORD) -> str:
    """Start the person's session (the token for their cookie) and log it."""
    record(user, history.SIGNED_IN if method == PASSWORD else history.SIGNED_IN_WITH_SSO,
           field=SIGN_IN, after=sessions.client_address())
    return sessions.start(user, method)


def signed_out(user: User, token: str | None) -> None:
    sessions.end(token, SIGNED_OUT)
    record(user, history.SIGNED_OUT, field=SIGN_IN, after=sessions.client_address())
