"""audits imported from a council's records of the audits it did before auditapp

Revision ID: 0023b
Revises: 0023
Create Date: 2026-12-01 16:30:00

`audit.imported_at` marks each imported audit (graded before auditapp: no evidence text, no
descriptor version); `cycle.imported_at` a month made by the import. Both are plain nullable
columns, added without rebuilding either table.
"""
import sqlalchemy as sa
from alembic import op

revision = "0023b"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit", sa.Column("imported_at", sa.DateTime(), nullable=True))
    op.add_column("cycle", sa.Column("imported_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.drop_column("imported_at")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("imported_at")
