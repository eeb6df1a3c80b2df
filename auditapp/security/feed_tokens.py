"""Tokens for the dashboard feed: the QA lead creates, names and revokes them; the feed checks
them. A token is shown once and stored as its SHA-256 only; a wrong or revoked one gets nothing,
and tries are counted against the sign-in limits (per client address), so a token cannot be
guessed faster than a password."""

import hashlib
import hmac
import secrets

from sqlalchemy import select, update

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid
from auditapp.extensions import db
from auditapp.history import record
from auditapp.models import FeedToken, SignInAttempt, User
from auditapp.permissions import can_manage, require
from auditapp.security import sessions
from auditapp.security.signing_in import claim_attempt

PREFIX = "auditfeed_"  # so a token pasted somewhere it should not be is recognisable for what it is


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: User, name: str) -> tuple[FeedToken, str]:
    """The new token's record and the token itself, which is never stored and never shown again."""
    require(can_manage(actor), "Only the QA lead can create a dashboard feed token")
    name = " ".join((name or "").split())
    if not name:
        raise Invalid({"name": "Enter a name for the token, saying which dashboard will use it"})
    if len(name) > 80:
        raise Invalid({"name": "The name must be 80 characters or fewer"})
    token = PREFIX + secrets.token_urlsafe(32)
    made = FeedToken(name=name, token_hash=_hashed(token), created_by_id=actor.id, created_at=clock.now())
    db.session.add(made)
    record(actor, history.FEED_TOKEN_CREATED, field=name)
    db.session.flush()
    return made, token


def revoke_token(actor: User, token: FeedToken, expected_version: int | None) -> None:
    require(can_manage(actor), "Only the QA lead can revoke a dashboard feed token")
    if token.revoked_at is not None:
        return  # revoked already, from another tab: what was asked is so
    check_version(token.version, expected_version, "This token")
    claim_version(token, "version", "This token")
    token.revoked_at, token.revoked_by_id = clock.now(), actor.id
    record(actor, history.FEED_TOKEN_REVOKED, field=token.name)
    db.session.flush()


def token_in_use(presented: str) -> FeedToken | None:
    """The live token presented (the Authorization header's bearer token), or None: wrong, revoked,
    or this address has failed too often lately (counted as failed sign-ins are)."""
    address = sessions.address_for_limits()
    attempt = claim_attempt(f"dashboard feed from {address}"[:254], address)
    if attempt is None:
        return None
    found = db.session.scalar(select(FeedToken).where(FeedToken.token_hash == _hashed(presented),
                                                      FeedToken.revoked_at.is_(None)))
    # compare_digest on the hashes too: the look-up already matched, this only keeps timing flat.
    if found is None or not hmac.compare_digest(found.token_hash, _hashed(presented)):
        return None
    db.session.execute(update(SignInAttempt).where(SignInAttempt.id == attempt).values(succeeded=True))
    return found
