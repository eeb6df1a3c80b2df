"""For load balancers and orchestrators: is the process up, and can it serve. Both answer without
signing in, so both say nothing but a short reason."""

from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..access import public
from ..config import ROOT
from ..extensions import db

bp = Blueprint("health", __name__)
PLAIN = {"Content-Type": "text/plain", "Cache-Control": "no-store"}


@cache
def _newest_migration(folder: Path = ROOT / "migrations") -> str | None:
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
