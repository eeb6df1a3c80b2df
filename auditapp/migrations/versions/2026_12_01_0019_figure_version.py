"""the report figures' own version, and the figures every worker shares

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-01 15:45:00

Until now every history entry moved the one version of the data, so a draft save threw away
every remembered figure in every worker, and each worker kept its own 32. figure_version holds
a token that only changes that can alter a figure move; remembered_figure holds each figure once
for every worker and machine (issue 22).
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "figure_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_version")),
    )
    op.create_table(
        "remembered_figure",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_remembered_figure")),
    )
    op.create_index(op.f("ix_remembered_figure_stored_at"), "remembered_figure", ["stored_at"])


def downgrade():
    op.drop_index(op.f("ix_remembered_figure_stored_at"), table_name="remembered_figure")
    op.drop_table("remembered_figure")
    op.drop_table("figure_version")
