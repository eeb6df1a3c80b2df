"""a cycle opened by mistake can be cancelled, and its month opened again

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("cancelled_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_cycle_cancelled_by_id_user"), "user", ["cancelled_by_id"], ["id"])
        batch.drop_constraint("uq_cycle_month", type_="unique")
    op.create_index("uq_cycle_month_open", "cycle", ["month"], unique=True,
                    sqlite_where=sa.text("cancelled_at IS NULL"), postgresql_where=sa.text("cancelled_at IS NULL"))


def downgrade():
    op.drop_index("uq_cycle_month_open", table_name="cycle")
    with op.batch_alter_table("cycle") as batch:
        batch.create_unique_constraint("uq_cycle_month", ["month"])
        batch.drop_constraint(op.f("fk_cycle_cancelled_by_id_user"), type_="foreignkey")
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_by_id")
        batch.drop_column("cancelled_at")
