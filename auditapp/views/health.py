"""For load balancers, orchestrators and monitoring: is the process up, can it serve, and its
figures. None needs signing in, so each says nothing but a short reason (and /metrics answers only
to the token the council's monitoring holds)."""

import hmac
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint, abort, current_app, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from auditapp import metrics
from auditapp.config import PACKAGE
from auditapp.extensions import db
from auditapp.security.access import public

bp = Blueprint("health", __name__)
PLAIN = {"Content-Type": "text/plain", "Cache-Control": "no-store"}


@cache
def _newest_migration(folder: Path = PACKAGE / "migrations") -> str | None:
    return ScriptDirectory(str(folder)).get_current_head()


@bp.route("/health")
@bp.route("/health/live")
@public
def live():
    """The process answers (and the benchmarks' baseline: it touches nothing)."""
    return "ok", 200, PLAIN


@bp.route("/health/ready")
@public
def ready():
    """The database answers and its schema is the one this code expects: send people here."""
    try:
        migrated = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except SQLAlchemyError:
        db.session.rollback()
        return "not ready: the database does not answer, or has no schema yet", 503, PLAIN
    if migrated != _newest_migration():
        return "not ready: the database is not at the newest migration (run flask db upgrade)", 503, PLAIN
    return "ready", 200, PLAIN


@bp.route("/metrics")
@public
def metrics_page():
    token = current_app.config.get("METRICS_TOKEN")
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(offered.encode(), token.encode()):
        abort(404)  # off, or not the monitoring: nothing here to know about
    return metrics.page(), 200, {"Content-Type": "text/plain; version=0.0.4", "Cache-Control": "no-store"}
