"""Typed work survives an ended session: a form posted after the session ended (signed out in
another tab, the idle or absolute time limit) is kept against a one-time key, and comes back into
the same form, on the same browser, once the person has signed in again.

One mechanism for every form: just before a page is rendered (Flask's `before_render_template`),
each form on it whose fields match what was kept is filled with it, after the view has filled it
from what is saved, so no view has to remember to ask."""

import json
import secrets
from datetime import timedelta

from flask import Response, before_render_template, current_app, flash, g, render_template, request
from flask_wtf import FlaskForm
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
    if not key or request.method != "GET" or request.cookies.get(COOKIE) != key:
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
