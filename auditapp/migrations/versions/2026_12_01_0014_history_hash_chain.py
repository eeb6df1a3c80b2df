"""every history entry carries a hash chained to the entry before it (tamper evidence)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 13:00:00

The entries already written are sealed here, in id order, with the same function the service
seals new ones with (auditapp/history_chain.py), inside the one sanctioned opening of the
append-only triggers: a purge marker for this transaction (PostgreSQL), or this connection's
auditapp_purging() answering yes (SQLite). Migrations run as the database's owner.
"""
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from auditapp.history_chain import GENESIS, entry_hash

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("event", sa.Column("hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    with _history_opened(connection):
        previous, sealed = GENESIS, []
        for id, at, *said in connection.execute(sa.text(
                "SELECT id, at, user_id, audit_id, review_role, action, field, before, after FROM event ORDER BY id")):
            if isinstance(at, str):  # SQLite hands plain SQL its stored text
                at = datetime.fromisoformat(at)
            previous = entry_hash(previous, at, *said)
            sealed.append({"id": id, "hash": previous})
        if sealed:
            connection.execute(sa.text("UPDATE event SET hash = :hash WHERE id = :id"), sealed)


def downgrade():
    # Never recreated (SQLite's batch mode would drop the append-only triggers with the old table).
    with op.batch_alter_table("event", recreate="never") as batch:
        batch.drop_column("hash")


@contextmanager
def _history_opened(connection):
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("INSERT INTO history_purge (started_at) VALUES (now())"))
        yield
        connection.execute(sa.text("DELETE FROM history_purge"))
    else:
        raw = connection.connection.driver_connection
        raw.create_function("auditapp_purging", 0, lambda: 1)
        yield
        raw.create_function("auditapp_purging", 0, lambda: 0)
