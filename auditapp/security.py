"""Sign-in plumbing, the SQLite connection settings and the headers every response carries."""

from flask import request
from sqlalchemy import event

from .extensions import db, login_manager
from .models import User

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

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # same-origin keeps the Referer that Flask-WTF's CSRF check needs on HTTPS.
        response.headers["Referrer-Policy"] = "same-origin"
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


