"""join the learning branch (0025) to main's newest revision, so `upgrade head` has one head

Revision ID: 0025b
Revises: 0019, 0025
Create Date: 2026-12-01 16:05:00

Only joins the two lines of revisions; changes nothing. 0025 was written against 0018, as the
merger asked: when the merger re-chains 0025 after main's newest revision, this file goes.
"""

revision = "0025b"
down_revision = ("0019", "0025")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
