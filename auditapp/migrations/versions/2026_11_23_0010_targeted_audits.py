"""targeted (thematic) audits beside the monthly random sample, with their own questions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 17:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), server_default="random", nullable=False))
        batch.add_column(sa.Column("title", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("domains", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("questions", sa.Text(), nullable=True))
    # One open cycle per month applies to the random sample only: a month can have targeted audits too.
    op.drop_index("uq_cycle_month_open", table_name="cycle")
    where = sa.text("cancelled_at IS NULL AND kind = 'random'")
    op.create_index("uq_cycle_month_open", "cycle", ["month"], unique=True, sqlite_where=where, postgresql_where=where)
    op.create_table(
        "review_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_review_answer_review_id_review")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_answer")),
        sa.UniqueConstraint("review_id", "number", name="uq_review_answer_review_id_number"),
    )
    op.create_index(op.f("ix_review_answer_review_id"), "review_answer", ["review_id"])


def downgrade():
    op.drop_table("review_answer")
    op.drop_index("uq_cycle_month_open", table_name="cycle")
    where = sa.text("cancelled_at IS NULL")
    op.create_index("uq_cycle_month_open", "cycle", ["month"], unique=True, sqlite_where=where, postgresql_where=where)
    with op.batch_alter_table("cycle") as batch:
        for column in ("questions", "domains", "title", "kind"):
            batch.drop_column(column)
