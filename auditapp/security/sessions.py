"""Signed-in sessions, held on the server.

The browser's cookie (signed, HttpOnly, Secure) carries only a random token; the session itself
is a row in `user_session`. So signing out, deactivating a person, changing their password and
the idle and absolute limits end a session at once, on every web worker, even if someone kept a
copy of the cookie.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import or_, select, update

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import User, UserSession
from auditapp.models.sets import DEACTIVATED, EXPIRED, IDLE, PASSWORD

# last_seen_at is written at most this often: one write a minute, not one per request.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_address() -> str:
    # request.remote_addr is the proxy's address unless TRUSTED_PROXIES tells ProxyFix to look further.
    return (request.remote_addr or "unknown")[:45]


def address_for_limits() -> str:
    """The address that limits (failed sign-ins, kept forms) are counted against. The client's
    own address when TRUSTED_PROXIES says how to find it. When it does not, the connecting
    address may be a proxy's, shared by a whole council: then the forwarded-for chain the request
    carries is part of the key too, so people behind one proxy are counted apart. A forged chain
    only gets its sender a key of its own (the per-account limit still applies); it cannot match
    anyone else's, because the connecting address is part of the key."""
    address = client_address()
    forwarded = request.headers.get("X-Forwarded-For", "")
    if current_app.config["TRUSTED_PROXIES"] or not forwarded:
        return address
    return "fwd:" + hashlib.sha256(f"{address} {forwarded}".encode()).hexdigest()[:40]


def start(user: User, method: str = PASSWORD) -> str:
    """A new session for this person: the token to put in their cookie."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, started_at=now,
                               last_seen_at=now, address=client_address(), method=method))
    return token


def signed_in_user(token: str | None, user_id: str) -> User | None:
    """The person this browser's session belongs to, or None if it has ended (ending it here if
    a limit has just passed or the person has been deactivated)."""
    if not token:
        return None
    found = db.session.execute(
        select(User, UserSession.id, UserSession.started_at, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
    ).first()
    if found is None or str(found.User.id) != user_id:
        return None
    user, now = found.User, clock.now()
    ended = _limit_passed(user, found.started_at, found.last_seen_at, now)
    if ended:
        _write(update(UserSession).where(UserSession.id == found.id).values(ended_at=now, ended_reason=ended))
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        _write(update(UserSession).where(UserSession.id == found.id).values(last_seen_at=now))
    return user


def _limit_passed(user: User, started, last_seen, now) -> str | None:
    config = current_app.config
    if not user.active:
        return DEACTIVATED
    if now - last_seen > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return IDLE
    if now - started > timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]):
        return EXPIRED
    return None


def _write(statement) -> None:
    # On a connection of its own, so it lands whatever the request then does (and does not
    # expire the objects the request has loaded).
    with db.engine.begin() as connection:
        connection.execute(statement)


def session_of_browser(token: str | None, ended_since) -> int | None:
    """The id of the server-side session this browser's cookie names, if it is still open or
    ended after `ended_since`; None for a browser that never signed in (or long ago)."""
    if not token:
        return None
    return db.session.scalar(select(UserSession.id).where(
        UserSession.token_hash == _hash(token),
        or_(UserSession.ended_at.is_(None), UserSession.ended_at > ended_since)))


def touch(token: str | None) -> None:
    """"Stay signed in": the idle time starts again now."""
    if token:
        _write(update(UserSession).where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
               .values(last_seen_at=clock.now()))


def end(token: str | None, reason: str) -> None:
    if token:
        db.session.execute(update(UserSession)
                           .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
                           .values(ended_at=clock.now(), ended_reason=reason))


def end_all_for(user: User, reason: str, keep: str | None = None) -> None:
    """End every session this person has (but `keep`, the token of the one making the change)."""
    statement = (update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                 .values(ended_at=clock.now(), ended_reason=reason))
    if keep:
        statement = statement.where(UserSession.token_hash != _hash(keep))
    db.session.execute(statement)
