"""grade descriptor versions kept in the database, and practice leads who edit them

Revision ID: 0021
Revises: 0023c
Create Date: 2026-12-01 16:00:00

Each row of `descriptor_set` is one version of the whole set of grade descriptors: a draft (at
most one at a time, by the unique `draft_slot`) or a published version, which never changes. The
files in grade_descriptors/ are the first version: the service reads them until the first draft
or import stores them here as version 1 (see auditapp/framework/descriptors.py), so a new database
and one upgraded from an earlier revision start the same way. `user.is_practice_lead` marks the
people the QA lead names to edit the descriptors beside them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0023c"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user", sa.Column("is_practice_lead", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "descriptor_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("draft_slot", sa.Integer(), nullable=True),
        sa.Column("recorded", sa.String(length=200), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("state IN ('draft', 'published')", name=op.f("ck_descriptor_set_state")),
        sa.ForeignKeyConstraint(["published_by_id"], ["user.id"], name=op.f("fk_descriptor_set_published_by_id_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_descriptor_set_created_by_id_user")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f("fk_descriptor_set_updated_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_descriptor_set")),
        sa.UniqueConstraint("number", name=op.f("uq_descriptor_set_number")),
        sa.UniqueConstraint("draft_slot", name=op.f("uq_descriptor_set_draft_slot")),
        sa.UniqueConstraint("recorded", name=op.f("uq_descriptor_set_recorded")),
    )


def downgrade():
    op.drop_table("descriptor_set")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("is_practice_lead")
