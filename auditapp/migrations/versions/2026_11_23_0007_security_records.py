"""server-side sessions, sign-in attempts, the record of reads, and an append-only history
enforced by the database itself

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The history and the record of reads refuse UPDATE and DELETE unless a purge has put a row in
# history_purge inside its own transaction (`flask purge`, the one sanctioned way past them).
APPEND_ONLY = ("event", "read_record")
MESSAGE = "The audit history is append-only"


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index("ix_sign_in_attempt_email_at", "sign_in_attempt", ["email", "at"])
    op.create_index("ix_sign_in_attempt_address_at", "sign_in_attempt", ["address", "at"])
    op.create_table(
        "read_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_read_record_user_id_user")),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_read_record_audit_id_audit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_read_record")),
    )
    op.create_index("ix_read_record_at", "read_record", ["at"])
    op.create_index(op.f("ix_read_record_user_id"), "read_record", ["user_id"])
    op.create_index(op.f("ix_read_record_audit_id"), "read_record", ["audit_id"])
    op.create_table(
        "history_purge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_purge")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'TRUNCATE' AND EXISTS (SELECT 1 FROM history_purge) THEN
                    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END IF;
                RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                           FOR EACH ROW EXECUTE FUNCTION refuse_history_change()""")
            op.execute(f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                           FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change()""")
    else:
        for table in APPEND_ONLY:
            for change in ("UPDATE", "DELETE"):
                op.execute(f"""CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table}
                               WHEN NOT EXISTS (SELECT 1 FROM history_purge)
                               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION refuse_history_change()")
    else:
        for table in APPEND_ONLY:
            for change in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{change}")
    op.drop_table("history_purge")
    op.drop_table("read_record")
    op.drop_table("sign_in_attempt")
    op.drop_table("user_session")
