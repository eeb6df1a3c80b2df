"""learning that shows: practice priorities, what is linked to them, learning activities, and
"you said, we did"

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-01 16:00:00

The closed sets are written out as they stand at this revision (auditapp/models/learning.py), as
a migration must. New tables only: no existing table is rebuilt.
"""
import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0022"
branch_labels = None
depends_on = None

MEASURES = ("good", "worry", "reaudits")
PRIORITY_STATES = ("open", "met", "partly_met", "not_met")
LINK_KINDS = ("theme", "domain", "audit", "feedback", "dispute", "action", "targeted")
ACTIVITY_KINDS = ("briefing", "training", "guide", "bulletin", "workshop")
RESPONSE_SOURCES = ("family", "dispute")


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def upgrade():
    op.create_table(
        "priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("judgement", sa.String(length=20), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("target_by", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("closing_note", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_priority_owner_id_user")),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_priority_theme_id_theme")),
        sa.ForeignKeyConstraint(["raised_by_id"], ["user.id"], name=op.f("fk_priority_raised_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority")),
        _check("priority", "measure", MEASURES),
        _check("priority", "status", PRIORITY_STATES),
    )
    op.create_index(op.f("ix_priority_owner_id"), "priority", ["owner_id"])
    op.create_table(
        "priority_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["priority_id"], ["priority.id"], name=op.f("fk_priority_link_priority_id_priority")),
        sa.ForeignKeyConstraint(["linked_by_id"], ["user.id"], name=op.f("fk_priority_link_linked_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_link")),
        sa.UniqueConstraint("priority_id", "kind", "ref", name="uq_priority_link_priority_id_kind_ref"),
        _check("priority_link", "kind", LINK_KINDS),
    )
    op.create_index(op.f("ix_priority_link_priority_id"), "priority_link", ["priority_id"])
    op.create_table(
        "learning_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("reached", sa.Text(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=True),
        sa.Column("material_url", sa.String(length=500), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["priority_id"], ["priority.id"],
                                name=op.f("fk_learning_activity_priority_id_priority")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], name=op.f("fk_learning_activity_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_activity")),
        _check("learning_activity", "kind", ACTIVITY_KINDS),
    )
    op.create_index(op.f("ix_learning_activity_priority_id"), "learning_activity", ["priority_id"])
    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("we_did", sa.Text(), nullable=False),
        sa.Column("their_words", sa.Text(), nullable=True),
        sa.Column("words_consented", sa.Boolean(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_response_audit_id_audit")),
        sa.ForeignKeyConstraint(["priority_id"], ["priority.id"], name=op.f("fk_response_priority_id_priority")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], name=op.f("fk_response_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        _check("response", "source", RESPONSE_SOURCES),
    )
    op.create_index(op.f("ix_response_audit_id"), "response", ["audit_id"])
    op.create_index(op.f("ix_response_priority_id"), "response", ["priority_id"])
    # A priority's page lists its own history entries (by field); an index, not a rebuild of the table.
    op.create_index(op.f("ix_event_field"), "event", ["field"])


def downgrade():
    op.drop_index(op.f("ix_event_field"), table_name="event")
    for table in ("response", "learning_activity", "priority_link", "priority"):
        op.drop_table(table)
