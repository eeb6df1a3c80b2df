"""a month's audits in order, for the cycle overview's pages

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 19:00:00

"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_cycle_id_id", "audit", ["cycle_id", "id"])


def downgrade():
    op.drop_index("ix_audit_cycle_id_id", table_name="audit")
