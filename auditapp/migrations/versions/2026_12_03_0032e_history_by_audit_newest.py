"""an audit's history by audit and id: a form's newest entry found in one step

Revision ID: 0032e
Revises: 0031p
Create Date: 2026-12-03 07:05:00

Every audit form and every save asks for the newest history entry on its audit (the mark that
tells a form what it has seen, `conflicts.history_mark`), and the entries after a mark. Indexed by
audit alone, PostgreSQL read every entry the audit has ever had to find the newest: an audit saved
as a draft many times over a month gathers thousands (2.4 ms for one with 8,064, growing with every
save). Indexed by (audit, id), the newest is the last entry of one short range (0.17 ms) and the
entries after a mark are a range too. (SQLite's index on the audit already held each entry's id,
its rowid, so this changes nothing there but the name.) The new index answers everything the old
one did, so the old one goes. Only indexes change: the append-only table itself is not rebuilt.
"""
from alembic import op

revision = "0032e"
down_revision = "0031p"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_audit_id_id", "event", ["audit_id", "id"])
    op.drop_index("ix_event_audit_id", table_name="event")


def downgrade():
    op.create_index("ix_event_audit_id", "event", ["audit_id"])
    op.drop_index("ix_event_audit_id_id", table_name="event")
