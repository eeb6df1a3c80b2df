"""findings lead somewhere: actions, themes, re-audits and the practitioner's reply

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None



def upgrade():
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("name", name=op.f("uq_theme_name")),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("proposed_role", sa.String(length=1), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("evidence_location", sa.String(length=300), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("sent_back_reason", sa.Text(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_action_audit_id_audit")),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["user.id"], name=op.f("fk_action_proposed_by_id_user")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_action_owner_id_user")),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_action_theme_id_theme")),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["user.id"], name=op.f("fk_action_confirmed_by_id_user")),
        sa.ForeignKeyConstraint(["verified_by_id"], ["user.id"], name=op.f("fk_action_verified_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    op.create_index(op.f("ix_action_audit_id"), "action", ["audit_id"])
    op.create_index(op.f("ix_action_owner_id"), "action", ["owner_id"])
    op.create_index("ix_action_status_due", "action", ["status", "due"])
    op.create_table(
        "theme_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=1), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_theme_tag_audit_id_audit")),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_theme_tag_theme_id_theme")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_tag")),
        sa.UniqueConstraint("audit_id", "theme_id", "role", "kind",
                            name=op.f("uq_theme_tag_audit_id_theme_id_role_kind")),
    )
    op.create_index(op.f("ix_theme_tag_audit_id"), "theme_tag", ["audit_id"])
    op.create_index(op.f("ix_theme_tag_theme_id"), "theme_tag", ["theme_id"])
    op.create_table(
        "reaudit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_audit_id", sa.Integer(), nullable=False),
        sa.Column("due_month", sa.String(length=7), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["first_audit_id"], ["audit.id"], name=op.f("fk_reaudit_first_audit_id_audit")),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_reaudit_audit_id_audit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaudit")),
        sa.UniqueConstraint("first_audit_id", name=op.f("uq_reaudit_first_audit_id")),
        sa.UniqueConstraint("audit_id", name=op.f("uq_reaudit_audit_id")),
    )
    op.create_index(op.f("ix_reaudit_due_month"), "reaudit", ["due_month"])
    op.create_table(
        "practitioner_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("not_held_reason", sa.Text(), nullable=True),
        sa.Column("practitioner_view", sa.Text(), nullable=True),
        sa.Column("disputes", sa.Boolean(), nullable=False),
        sa.Column("dispute_details", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_practitioner_reply_audit_id_audit")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_practitioner_reply_recorded_by_id_user")),
        sa.ForeignKeyConstraint(["responded_by_id"], ["user.id"],
                                name=op.f("fk_practitioner_reply_responded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner_reply")),
        sa.UniqueConstraint("audit_id", name=op.f("uq_practitioner_reply_audit_id")),
    )


def downgrade():
    for table in ("practitioner_reply", "reaudit", "theme_tag", "action", "theme"):
        op.drop_table(table)
