"""an import's last sign of life, so one left by a stopped worker is started again

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 14:00:00

A worker that stops mid-import (killed, its machine restarted) leaves the job "running" for ever;
its transaction was never committed, so nothing of the file is in. A job whose heartbeat is older
than IMPORT_STALLED_MINUTES is queued again, by the next worker to start or the minute's check.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_job", sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_job") as batch:
        batch.drop_column("heartbeat_at")
