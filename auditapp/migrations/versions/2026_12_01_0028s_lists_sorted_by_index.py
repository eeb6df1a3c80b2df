"""lists sorted by an index: people by (name, id)

Revision ID: 0028s
Revises: 0028b
Create Date: 2026-12-01 18:50:00

The case register sorted by manager looked each of its 60,000 cases' manager up and sorted them
all for every page (816 ms a request on SQLite under the bench's load, 2.8 s on PostgreSQL).
Sorted by a join to the manager instead, both databases walk people in (name, id) order through
this index and each one's cases through ix_case_manager_id, stopping at the page.
"""
from alembic import op

revision = "0028s"
down_revision = "0028b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_user_name_id", "user", ["name", "id"])


def downgrade():
    op.drop_index("ix_user_name_id", table_name="user")
