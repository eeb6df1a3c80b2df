"""the board's pack: the QA lead's targets (each from a start month, never edited) and each
month's commentary

Revision ID: 0020
Revises: 0025
Create Date: 2026-12-01 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0025"
branch_labels = None
depends_on = None

MEASURES = ("good_overall", "inadequate_overall", "on_time", "reaudited", "family_feedback")


def upgrade():
    listed = ", ".join(f"'{m}'" for m in MEASURES)
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("starts", sa.String(length=7), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"measure IN ({listed})", name=op.f("ck_target_measure")),
        sa.ForeignKeyConstraint(["set_by_id"], ["user.id"], name="fk_target_set_by_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_target"),
    )
    op.create_index("ix_target_measure_starts", "target", ["measure", "starts"])
    op.create_table(
        "commentary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("told", sa.Text(), nullable=False),
        sa.Column("doing", sa.Text(), nullable=False),
        sa.Column("seniors_may_write", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["written_by_id"], ["user.id"], name="fk_commentary_written_by_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_commentary"),
        sa.UniqueConstraint("month", name="uq_commentary_month"),
    )


def downgrade():
    op.drop_table("commentary")
    op.drop_index("ix_target_measure_starts", table_name="target")
    op.drop_table("target")
