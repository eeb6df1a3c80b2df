"""Sign-in plumbing, the SQLite connection settings and the headers every response carries."""

import logging

from flask import flash, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from auditapp.extensions import db, login_manager
from auditapp.models import User
from auditapp.security import sessions
from auditapp.security.retention import register_sqlite_functions
from auditapp.security.stash import keep_posted_form, worth_keeping

log = logging.getLogger(__name__)

# The GOV.UK page template's one inline script (adds the js-enabled class).
TEMPLATE_SCRIPT_HASH = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw="

CSP = "; ".join([
    "default-src 'self'",
    f"script-src 'self' '{TEMPLATE_SCRIPT_HASH}'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    else:
        # Behind a load balancer this is a misconfiguration nobody would otherwise notice.
        log.warning("TRUSTED_PROXIES is 0: client addresses are the connecting address, a proxy's if one "
                    "is in front, so the per-address sign-in limit counts each X-Forwarded-For chain apart "
                    "(see sessions.address_for_limits); set it to the number of proxies in front")

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The session row, not the cookie, decides: see sessions.py.
        return sessions.signed_in_user(session.get("sid"), user_id)

    @login_manager.unauthorized_handler
    def unauthorized():
        # A form sent after the session ended: keep what was typed rather than lose it.
        if request.method == "POST" and worth_keeping():
            return keep_posted_form()
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        # The token belongs to a session that has ended (or was replaced at sign-in elsewhere).
        if worth_keeping():
            return keep_posted_form()
        return render_template("errors/error.html", title="Sorry, there is a problem with that request",
                               message="The page had been open too long. Go back, reload it and try again.",
                               code=400), 400

    @app.context_processor
    def session_timing():
        # For the idle warning (app.js): when this page's session will end if nothing happens.
        return {"session_idle_seconds": app.config["SESSION_IDLE_MINUTES"] * 60}

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # same-origin keeps the Referer that Flask-WTF's CSRF check needs on HTTPS.
        response.headers["Referrer-Policy"] = "same-origin"
        # Browsers ignore it over plain http, so it does no harm on a developer's machine.
        response.headers["Strict-Transport-Security"] = f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"
        if not request.path.startswith(("/assets/", "/static/")):
            # Pages hold case details: keep them out of shared and back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(connection, record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    register_sqlite_functions(connection)


