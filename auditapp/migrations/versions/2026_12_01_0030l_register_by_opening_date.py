"""the case register sorted by when a case opened: cases by (open_date, id)

Revision ID: 0030l
Revises: 0029
Create Date: 2026-12-01 22:35:00

Sorted by when a case opened, the register sorted all 60,000 cases' dates for every page, the
first included (25 ms on SQLite). With this index both databases walk the dates in order from
either end (the register reads a late page from the end) and stop at the page. Not the closing
date: most cases have none, and both databases then walked every empty one to put them last,
slower than sorting (measured: 13 -> 18 ms a page on SQLite, newest closed first).
"""
from alembic import op

revision = "0030l"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_open_date_id", "case", ["open_date", "id"])


def downgrade():
    op.drop_index("ix_case_open_date_id", table_name="case")
