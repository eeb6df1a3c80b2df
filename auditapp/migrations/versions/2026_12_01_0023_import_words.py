"""the words of a council's exports: column names and case-type words the QA lead matched

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-01 16:00:00

A case-management system's export names its columns and case types its own way. The import knows
the usual names (auditapp/imports/columns.py); any other the QA lead matches once, on the import's
page, and `import_word` remembers it for the next import. An import waiting for those answers
keeps them in `import_job.questions` (JSON) with its file.
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("word", sa.String(200), nullable=False),
        sa.Column("meaning", sa.String(40), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["chosen_by_id"], ["user.id"], name="fk_import_word_chosen_by_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_import_word"),
        sa.UniqueConstraint("kind", "word", name="uq_import_word_kind"),
        sa.CheckConstraint("kind IN ('column', 'case type')", name=op.f("ck_import_word_kind")),
    )
    op.add_column("import_job", sa.Column("questions", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_job") as batch:
        batch.drop_column("questions")
    op.drop_table("import_word")
