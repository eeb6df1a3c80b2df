"""indexes for each person's lists, the sample's look-back and the register

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:20:00

"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = [
    ("user", ["team_id"]), ("case", ["team_id"]), ("case", ["manager_id"]), ("audit", ["case_id"]),
    ("audit", ["signed_off_at"]), ("audit", ["withdrawal_requested_at"]), ("concern", ["audit_id"]),
    ("audit", ["auditor_a_id", "signed_off_at"]), ("audit", ["auditor_b_id", "signed_off_at"]),
    ("audit", ["moderator_id", "signed_off_at"]),
]


def upgrade():
    for table, columns in INDEXES:
        op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, columns)


def downgrade():
    for table, columns in INDEXES:
        op.drop_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table_name=table)
