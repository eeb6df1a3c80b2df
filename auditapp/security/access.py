"""Deny by default: a route is reachable only if it is public or says who may use it.

Each view is decorated with `public` or `allow(check)`, or its blueprint is given one check for
all its routes with `allow_blueprint`; `check(user)` is a function from permissions.py. A route
with neither is refused (and tests/test_access.py fails for it). Object-level rules (this audit,
this review) stay in the views and rule functions, through permissions.py as well.
"""

from collections.abc import Callable

from flask import Blueprint, Flask, abort, current_app, request
from flask_login import current_user

from auditapp.extensions import login_manager

PUBLIC = "public"
Check = Callable[..., bool]


def public(view):
    view.access = PUBLIC
    return view


def allow(check: Check):
    def declare(view):
        view.access = check
        return view
    return declare


def allow_blueprint(blueprint: Blueprint, check: Check) -> None:
    # Blueprint declares no such attribute; rule_for reads it back with getattr.
    setattr(blueprint, "access", check)  # noqa: B010


def rule_for(app: Flask, endpoint: str):
    """The route's declared access (PUBLIC or a check), or None if it declares none."""
    view = app.view_functions.get(endpoint)
    declared = getattr(view, "access", None)
    if declared is None and "." in endpoint:
        declared = getattr(app.blueprints.get(endpoint.rsplit(".", 1)[0]), "access", None)
    return declared


def init_app(app: Flask) -> None:
    public(app.view_functions["static"])

    @app.before_request
    def enforce():
        if request.endpoint is None:
            return None  # no such route: 404 or 405 follows
        rule = rule_for(current_app, request.endpoint)
        if rule is None:
            abort(403)  # undeclared: refused, never open by omission
        if rule is PUBLIC:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not rule(current_user):
            abort(403)
        return None
