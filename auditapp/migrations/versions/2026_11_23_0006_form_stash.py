"""forms posted after the session ended are kept for the person to sign in and carry on

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_stash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_stash")),
        sa.UniqueConstraint("key", name=op.f("uq_form_stash_key")),
    )


def downgrade():
    op.drop_table("form_stash")
