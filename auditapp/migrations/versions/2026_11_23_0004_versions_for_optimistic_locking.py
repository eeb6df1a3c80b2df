"""versions for optimistic locking of reviews, moderation and allocation

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("moderation_version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("allocation_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("allocation_version")
        batch.drop_column("moderation_version")
    with op.batch_alter_table("review") as batch:
        batch.drop_column("version")
