"""tokens for the dashboard feed: named by the QA lead, stored hashed, revocable

Revision ID: 0023c
Revises: 0023b
Create Date: 2026-12-01 17:00:00

A dashboard (Power BI, Excel's Get data from web) reads the monthly figures with a token the QA
lead creates. Only the token's SHA-256 is kept; revoking one keeps its row, so the record of reads
still names it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0023c"
down_revision = "0023b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name="fk_feed_token_created_by_id_user"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["user.id"], name="fk_feed_token_revoked_by_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_feed_token"),
        sa.UniqueConstraint("token_hash", name="uq_feed_token_token_hash"),
    )


def downgrade():
    op.drop_table("feed_token")
