"""more closed sets checked: import statuses, how sessions begin and end, the history's review role

Revision ID: 0026
Revises: 0019
Create Date: 2026-12-01 16:00:00

0018 left three kinds of closed set unchecked. An import job's status (with 0023's two states of
waiting for the QA lead), and a session's sign-in method and reason for ending, now carry CHECK
constraints over the sets in auditapp/models/sets.py (written out here as they stand at this
revision, as a migration must).

The history's `review_role` (which makes blind review cover the history) is checked too, but the
append-only `event` table cannot be rebuilt on SQLite without dropping its triggers. So on
PostgreSQL it is an ordinary CHECK (ALTER TABLE adds it in place), and on SQLite a trigger that
refuses to insert an unknown role (its updates are already refused by the append-only triggers).
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0019"
branch_labels = None
depends_on = None

CHECKED: dict[str, dict[str, tuple[str, ...]]] = {
    "import_job": {"status": ("queued", "running", "done", "failed", "columns", "case types")},
    "user_session": {
        "method": ("password", "single sign-on"),
        "ended_reason": ("signed out", "idle", "expired", "deactivated", "password changed", "account unbound"),
    },
}
ROLES_IN_HISTORY = ("A", "B", "M")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    for table, columns in CHECKED.items():
        with op.batch_alter_table(table) as batch:
            for column, values in columns.items():
                batch.create_check_constraint(op.f(f"ck_{table}_{column}"), _in_list(column, values))
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(op.f("ck_event_review_role"), "event", _in_list("review_role", ROLES_IN_HISTORY))
    else:
        op.execute(sa.text(
            "CREATE TRIGGER event_review_role_checked BEFORE INSERT ON event "
            f"WHEN NEW.review_role IS NOT NULL AND NOT NEW.{_in_list('review_role', ROLES_IN_HISTORY)} "
            "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: review_role'); END"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_event_review_role"), "event", type_="check")
    else:
        op.execute(sa.text("DROP TRIGGER event_review_role_checked"))
    for table, columns in reversed(CHECKED.items()):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
