"""versions on every record a form edits: people, teams, themes, absences, targeted audits, theme tags

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:30:00

Before, a form over one of these records saved over whatever another tab had saved since it was
opened (a stale person form re-activated someone just deactivated). Each now carries a counter
that its save moves on in one conditional UPDATE (conflicts.claim_version), as 0004 did for
reviews, moderation and allocation. Theme tags are a set of rows per audit and role, so their
counter sits on the audit, one per role: one shared counter would tell one auditor that the other
had tagged (blind review).
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

RECORDS = ("user", "team", "theme", "absence", "cycle")
TAG_VERSIONS = ("tags_version_a", "tags_version_b", "tags_version_m")


def upgrade():
    for table in RECORDS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("audit") as batch:
        for column in TAG_VERSIONS:
            batch.add_column(sa.Column(column, sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("audit") as batch:
        for column in reversed(TAG_VERSIONS):
            batch.drop_column(column)
    for table in reversed(RECORDS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
