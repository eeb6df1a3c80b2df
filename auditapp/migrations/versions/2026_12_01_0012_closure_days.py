"""closure days the QA lead adds beyond the bank holidays, skipped by every deadline

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "closure_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["user.id"], name="fk_closure_day_added_by_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_closure_day"),
        sa.UniqueConstraint("day", name="uq_closure_day_day"),
    )


def downgrade():
    op.drop_table("closure_day")
