"""families' voices, email reminders, and when people are away or at their limit

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "family_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=1), nullable=False),
        sa.Column("attempted_on", sa.Date(), nullable=False),
        sa.Column("who", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_family_contact_audit_id_audit")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], name=op.f("fk_family_contact_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_contact")),
    )
    op.create_index(op.f("ix_family_contact_audit_id"), "family_contact", ["audit_id"])
    op.create_table(
        "family_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=1), nullable=False),
        sa.Column("outcome", sa.String(length=15), nullable=False),
        sa.Column("not_contacted_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_family_feedback_audit_id_audit")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], name=op.f("fk_family_feedback_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_feedback")),
        sa.UniqueConstraint("audit_id", name=op.f("uq_family_feedback_audit_id")),
    )
    op.create_table(
        "family_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=10), nullable=False),
        *[column for name in ("understood", "listened", "better") for column in (
            sa.Column(name, sa.Integer(), nullable=True), sa.Column(f"{name}_words", sa.Text(), nullable=True))],
        sa.Column("change_words", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_family_answer_audit_id_audit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_answer")),
        sa.UniqueConstraint("audit_id", "respondent", name="uq_family_answer_audit_id_respondent"),
    )
    op.create_index(op.f("ix_family_answer_audit_id"), "family_answer", ["audit_id"])
    op.create_table(
        "sent_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_sent_message_user_id_user")),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_sent_message_audit_id_audit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_message")),
        sa.UniqueConstraint("key", name=op.f("uq_sent_message_key")),
    )
    op.create_index(op.f("ix_sent_message_user_id"), "sent_message", ["user_id"])
    op.create_index(op.f("ix_sent_message_audit_id"), "sent_message", ["audit_id"])
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_absence_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    op.create_index(op.f("ix_absence_user_id"), "absence", ["user_id"])
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("max_audits_per_month", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("line_manager_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_user_line_manager_id_user"), "user", ["line_manager_id"], ["id"])
    with op.batch_alter_table("team") as batch:
        batch.add_column(sa.Column("senior_manager_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_team_senior_manager_id_user"), "user", ["senior_manager_id"], ["id"])


def downgrade():
    with op.batch_alter_table("team") as batch:
        batch.drop_constraint(op.f("fk_team_senior_manager_id_user"), type_="foreignkey")
        batch.drop_column("senior_manager_id")
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint(op.f("fk_user_line_manager_id_user"), type_="foreignkey")
        batch.drop_column("line_manager_id")
        batch.drop_column("max_audits_per_month")
    for table in ("absence", "sent_message", "family_answer", "family_feedback", "family_contact"):
        op.drop_table(table)
