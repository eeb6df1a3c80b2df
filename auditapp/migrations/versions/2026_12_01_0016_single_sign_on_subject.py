"""the council account each person is bound to at their first single sign-on, and the ended
session and address each kept form came from (so how many are kept can be limited)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 12:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_user_sso_subject", ["sso_subject"])
    with op.batch_alter_table("form_stash") as batch:
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("address", sa.String(length=45), nullable=True))
        batch.create_index("ix_form_stash_session_id", ["session_id"])
        batch.create_index("ix_form_stash_address", ["address"])


def downgrade():
    with op.batch_alter_table("form_stash") as batch:
        batch.drop_index("ix_form_stash_address")
        batch.drop_index("ix_form_stash_session_id")
        batch.drop_column("address")
        batch.drop_column("session_id")
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint("uq_user_sso_subject", type_="unique")
        batch.drop_column("sso_subject")
