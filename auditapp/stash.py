"""Typed work survives an ended session: a form posted after the session ended (signed out in
another tab, the idle or absolute time limit) is kept against a one-time key, and comes back into
the same form, on the same browser, once the person has signed in again."""

import json
import secrets
from datetime import timedelta

from flask import Response, current_app, flash, render_template, request
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from . import clock
from .extensions import db
from .models import FormStash

COOKIE = "auditapp_kept_form"
KEPT_FOR = timedelta(hours=24)
NOT_KEPT = {"csrf_token"}


def worth_keeping() -> bool:
    """A form with answers in it (not sign-in, sign-out or the keep-alive, which carry none)."""
    return (request.endpoint not in ("auth.sign_in", "auth.sign_out", "auth.keep_alive")
            and any(name not in NOT_KEPT for name in request.form))


def keep_posted_form() -> Response:
    """Keep this POST's fields and answer with the page that says how to carry on."""
    key = secrets.token_urlsafe(32)
    data = {name: values for name, values in request.form.lists() if name not in NOT_KEPT}
    db.session.rollback()
    db.session.execute(delete(FormStash).where(FormStash.created_at < clock.now() - KEPT_FOR))
    db.session.add(FormStash(key=key, path=request.path, data=json.dumps(data), created_at=clock.now()))
    db.session.commit()
    carry_on = f"{request.path}?restore={key}"
    response = Response(render_template("auth/session_ended.html", carry_on=carry_on), status=401)
    response.set_cookie(COOKIE, key, max_age=int(KEPT_FOR.total_seconds()), httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def restore_typed(form) -> bool:
    """Fill the form with what was kept for this browser, if this is the page it was typed on."""
    key = request.args.get("restore")
    if not key or request.method != "GET" or request.cookies.get(COOKIE) != key:
        return False
    kept = db.session.scalar(select(FormStash).where(FormStash.key == key))
    if kept is None or kept.path != request.path or kept.created_at < clock.now() - KEPT_FOR:
        return False
    opened = {name: form[name].data for name in ("version", "seen") if name in form}
    form.process(formdata=MultiDict([(name, value) for name, values in json.loads(kept.data).items()
                                     for value in values]))
    for name, value in opened.items():
        # The kept version is the one the person started from, so a save made meanwhile is still a
        # conflict; if none was kept, the form starts from what is saved now.
        if not form[name].data:
            form[name].data = value
    db.session.delete(kept)  # one time only
    db.session.commit()
    flash("What you typed before you were signed out is back below. Check it, then save.", "info")
    return True
