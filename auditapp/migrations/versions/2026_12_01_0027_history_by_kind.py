"""the history found by what happened: an index on event (action, at)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 17:30:00

The QA lead's task list asks when the case list was last imported: the newest entry of one kind.
Without an index that read every history entry (190,000 on the county-sized demo: 134 ms on
SQLite, most of the start page's time). An index, not a rebuild: the append-only table and its
triggers are untouched.
"""
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_action_at", "event", ["action", "at"])


def downgrade():
    op.drop_index("ix_event_action_at", table_name="event")
