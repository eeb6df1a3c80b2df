"""the report figures read from their indexes alone: grades and a month's audits' states covered

Revision ID: 0031r
Revises: 0030l
Create Date: 2026-12-02 01:50:00

Recomputing the dashboard from nothing, PostgreSQL visited a table row for every index entry of
the 12 months' reviews' grades (14,400), moderated grades (8,400) and audits (1,200), or read all
14,100 audits to find a month's states, because the indexes it walked held only the keys. With
the grade and the states in the index, it answers from the index alone (an index-only scan): on
the large county the trend's moderated grades 12 -> 8 ms, the reviews' grades 24 -> 18 ms and a
month's progress 4.4 -> 0.5 ms in the database. Plain key columns, not PostgreSQL's INCLUDE, so
SQLite's indexes cover the same statements.
"""
from alembic import op

revision = "0031r"
down_revision = "0030l"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_review_grade_review_id_domain_grade", "review_grade", ["review_id", "domain", "grade"])
    op.create_index("ix_moderated_grade_audit_id_domain_grade", "moderated_grade", ["audit_id", "domain", "grade"])
    op.create_index("ix_audit_cycle_id_states", "audit",
                    ["cycle_id", "id", "signed_off_at", "withdrawn_at", "imported_at"])


def downgrade():
    op.drop_index("ix_audit_cycle_id_states", table_name="audit")
    op.drop_index("ix_moderated_grade_audit_id_domain_grade", table_name="moderated_grade")
    op.drop_index("ix_review_grade_review_id_domain_grade", table_name="review_grade")
