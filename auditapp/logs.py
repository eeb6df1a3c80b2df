"""Logging, configured once when the app is built: one line per record on standard error, where
`make run`, gunicorn and a council's log collector all read it (JSON lines with LOG_FORMAT=json).
Left alone when something else (a test runner, a host's own set-up) configured the root logger.

Each request is one line too: method, route, status, duration and the user's id. Never the path's
query, a form's contents or anything of a case: logs travel further than the database does."""

import logging
import os
import time

from flask import Flask, current_app, g, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect

from auditapp import metrics

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("auditapp.requests")


def configure() -> None:
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"levelname": "level", "name": "logger"})
                             if os.environ.get("LOG_FORMAT") == "json" else logging.Formatter(FORMAT))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    logging.getLogger("auditapp").setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    @app.before_request
    def _started():
        g.started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        route = request.url_rule.rule if request.url_rule else "(no route)"
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        if current_app.config.get("METRICS_TOKEN"):  # measured once, here, for the log and the figures
            metrics.observe(request.method, route, response.status_code, seconds)
        if request.path.startswith(("/static/", "/assets/")):
            return response
        duration = round(seconds * 1000, 1)
        user_id = _id_of(g.get("_login_user"))  # as loaded for the request: asking would cost a query
        log.info("%s %s %s %.1f ms user %s", request.method, route, response.status_code, duration, user_id,
                 extra={"method": request.method, "route": route, "status": response.status_code,
                        "duration_ms": duration, "user_id": user_id})
        return response


def _id_of(user: object) -> int | None:
    """The signed-in person's id, from the session's identity map rather than the object: once a save
    has committed, the person's row has expired, and reading any of its attributes (is_authenticated
    reads `active`) read it back from the database, a statement on every save. None when nobody is
    signed in (Flask-Login's anonymous user is not a row)."""
    state = inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None
