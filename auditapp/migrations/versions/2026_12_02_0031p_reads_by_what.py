"""the record of reads by what was read: the QA lead's "Export the monthly pack" task

Revision ID: 0031p
Revises: 0031r
Create Date: 2026-12-02 01:45:00

The QA lead's start page asks when this month's pack was last downloaded: the newest read whose
`what` starts "Monthly summary for <month>". Both databases answered it by walking the reads' times
from the newest back, testing each row, and until the pack is downloaded (most of the month) that
is every read ever recorded, one more for every page anyone opens: 0.64 ms on SQLite with 2,769
reads, growing without end. With (what, at) indexed the same question is a short range of the
index (0.003 ms), whatever the number of reads. Only an index is added: the append-only table
itself is not rebuilt.
"""
from alembic import op

revision = "0031p"
down_revision = "0031r"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_read_record_what_at", "read_record", ["what", "at"])


def downgrade():
    op.drop_index("ix_read_record_what_at", table_name="read_record")
