"""Errors to Sentry (or anything that speaks its protocol), when SENTRY_DSN is set. What leaves is
scrubbed first: the error's kind and where in the code it happened, the route and the user's id;
never an error's message (a database error quotes the values it was given), a form, a query
string, cookies, headers or local variables, since any of them may hold a case's details."""

import sentry_sdk
from flask import Flask
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.types import Event, Hint

REMOVED = "(removed: it may hold a case's details)"


def _scrub(event: Event, hint: Hint) -> Event:
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = REMOVED
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if "logentry" in event:
        event["logentry"] = {"message": REMOVED}
    event.pop("message", None)
    request = event.get("request") or {}
    event["request"] = {"method": request.get("method"), "url": str(request.get("url") or "").split("?")[0]}
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("extra", None)
    event.pop("breadcrumbs", None)
    return event


def init_app(app: Flask) -> None:
    if not app.config.get("SENTRY_DSN"):
        return
    sentry_sdk.init(dsn=app.config["SENTRY_DSN"], integrations=[FlaskIntegration()],
                    environment=app.config.get("SENTRY_ENVIRONMENT") or None,
                    data_collection={"user_info": False, "http_bodies": [], "database_query_data": False,
                                     "stack_frame_variables": False},
                    max_breadcrumbs=0, traces_sample_rate=0, before_send=_scrub)
