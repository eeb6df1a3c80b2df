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
        user = g.get("_login_user")  # as loaded for the request: asking would cost a query
        user_id = user.id if user is not None and getattr(user, "is_authenticated", False) else None
        log.info("%s %s %s %.1f ms user %s", request.method, route, response.status_code, duration, user_id,
                 extra={"method": request.method, "route": route, "status": response.status_code,
                        "duration_ms": duration, "user_id": user_id})
        return response
