"""Typed work survives an ended session: a form posted after the session ended (signed out in
another tab, the idle or absolute time limit) is kept against a one-time key, and comes back into
the same form, on the same browser, once the person has signed in again.

One mechanism for every form: just before a page is rendered (Flask's `before_render_template`),
each form on it whose fields match what was kept is filled with it, after the view has filled it
from what is saved, so no view has to remember to ask."""

import json
import secrets
from datetime import timedelta
from typing import cast

from flask import Response, before_render_template, current_app, flash, g, render_template, request, session
from flask_wtf import FlaskForm
from sqlalchemy import CursorResult, delete, func, select
from werkzeug.datastructures import MultiDict

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import FormStash
from auditapp.security import sessions

COOKIE = "auditapp_kept_form"
KEPT_FOR = timedelta(hours=24)
NOT_KEPT = {"csrf_token"}
# The Flask session key holding the token of the session signing out ended (views/auth.py).
ENDED = "ended_sid"
# Kept only for a browser whose own session ended this recently (or is open, when a form's CSRF
# token is stale): an anonymous browser must not be able to write to the database at all.
ENDED_WITHIN = KEPT_FOR
# The longest form, the review, holds 15 answers of at most 5,000 characters: 225 KB as UTF-8
# even if every character took three bytes. A larger post is not anybody's typing.
MOST_KEPT_BYTES = 256 * 1024
# Percent-encoding can make a post up to three times longer than what it carries.
MOST_POSTED_BYTES = 3 * MOST_KEPT_BYTES
# Waiting to be taken back at once: enough for every open tab, and for a council behind one
# proxy (sessions.address_for_limits), far too few for anyone to fill the database.
MOST_PER_SESSION = 10
MOST_PER_ADDRESS = 50


def _ended_session() -> int | None:
    if "stash_session" not in g:
        g.stash_session = sessions.session_of_browser(
            session.get("sid") or session.get(ENDED), clock.now() - ENDED_WITHIN)
    return g.stash_session


def _too_long() -> bool:
    # Judged before the body is read, where the browser says how long it is.
    return (request.content_length or 0) > MOST_POSTED_BYTES


def worth_keeping() -> bool:
    """A form with answers in it (not sign-in, sign-out or the keep-alive, which carry none), sent
    by a browser whose own session has just ended."""
    return (request.endpoint not in ("auth.sign_in", "auth.sign_out", "auth.keep_alive")
            and _ended_session() is not None
            and (_too_long() or any(name not in NOT_KEPT for name in request.form)))


def keep_posted_form() -> Response:
    """Keep this POST's fields and answer with the page that says how to carry on (or, honestly,
    that it could not be kept)."""
    session_id, address = _ended_session(), sessions.address_for_limits()
    db.session.rollback()
    forget_expired()
    data = None if _too_long() else json.dumps(
        {name: values for name, values in request.form.lists() if name not in NOT_KEPT}, ensure_ascii=False)
    if data is None or len(data.encode()) > MOST_KEPT_BYTES:
        return _not_kept("it was longer than any form of this service takes (more than 256 KB)")
    waiting = select(func.count(FormStash.id))
    if (db.session.execute(waiting.where(FormStash.session_id == session_id)).scalar_one() >= MOST_PER_SESSION
            or db.session.execute(waiting.where(FormStash.address == address)).scalar_one() >= MOST_PER_ADDRESS):
        return _not_kept("too many forms sent after it ended are already waiting to be taken back")
    key = secrets.token_urlsafe(32)
    db.session.add(FormStash(key=key, path=request.path, data=data, created_at=clock.now(),
                             session_id=session_id, address=address))
    db.session.commit()
    carry_on = f"{request.path}?restore={key}"
    response = Response(render_template("auth/session_ended.html", carry_on=carry_on), status=401)
    response.set_cookie(COOKIE, key, max_age=int(KEPT_FOR.total_seconds()), httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _not_kept(why: str) -> Response:
    db.session.commit()  # what forget_expired removed
    return Response(render_template("auth/session_ended.html", carry_on=request.path, not_kept=why), status=401)


def forget_expired() -> int:
    """Remove kept forms nobody came back for; the caller commits."""
    # A DELETE's result is a CursorResult, with a rowcount; Session.execute is typed for any statement.
    return cast(CursorResult, db.session.execute(
        delete(FormStash).where(FormStash.created_at < clock.now() - KEPT_FOR))).rowcount


def init_app(app) -> None:
    before_render_template.connect(_restore_into_forms, app)


def _restore_into_forms(sender, template, context, **extra) -> None:
    forms = [value for value in context.values() if isinstance(value, FlaskForm)]
    if forms and not g.get("kept_form_restored"):
        for form in forms:
            restore_typed(form)


def restore_typed(form) -> bool:
    """Fill the form with what was kept for this browser, if this is the page it was typed on and
    the form is the one it was typed into (its fields are the kept ones)."""
    key = request.args.get("restore")
    if not key or request.method != "GET":
        return False
    with db.engine.begin() as connection:  # expired ones go whenever one is asked for
        connection.execute(delete(FormStash).where(FormStash.created_at < clock.now() - KEPT_FOR))
    if request.cookies.get(COOKIE) != key:
        return False
    kept = db.session.scalar(select(FormStash).where(FormStash.key == key))
    if kept is None or kept.path != request.path or kept.created_at < clock.now() - KEPT_FOR:
        return False
    data = json.loads(kept.data)
    if not any(name in form for name in data if name not in ("version", "seen")):
        return False  # another form on the same page
    opened = {name: form[name].data for name in form._fields if name not in data}
    form.process(formdata=MultiDict([(name, value) for name, values in data.items() for value in values]))
    for name, value in opened.items():
        # What was not kept (the version, if none was posted) starts from what the page showed, so a
        # save made meanwhile is still a conflict and nothing else is blanked.
        form[name].data = value
    # One time only. Deleted on a connection of its own: committing the request's session here, as
    # the page is about to render, would expire everything the view loaded for it.
    with db.engine.begin() as connection:
        connection.execute(delete(FormStash).where(FormStash.key == key))
    g.kept_form_restored = True
    flash("What you typed before you were signed out is back below. Check it, then save.", "info")
    return True
