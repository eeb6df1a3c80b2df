"""published versions never change: the database refuses to rewrite or delete them

Revision ID: 0029
Revises: 0028s
Create Date: 2026-12-01 19:45:00

A published version of the grade descriptors or of an audit type is what audits were graded
against; the rules never change one (editing starts a new draft), and now the database refuses it
too, as it refuses to rewrite the history. A draft (the row while `state` is 'draft') is edited,
published (its one change to 'published') and discarded as before. Only the purge's own
transaction (see 0013: `flask purge` run as the owner on PostgreSQL, auditapp_purging() on
SQLite) may delete published rows, as it may the history's.
"""
from alembic import op

revision = "0029"
down_revision = "0028s"
branch_labels = None
depends_on = None

TABLES = ("descriptor_set", "audit_type_version")
MESSAGE = "A published version never changes: start a new draft"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # SECURITY DEFINER, as refuse_history_change: it reads the purge marker as the owner.
        op.execute(f"""
            CREATE OR REPLACE FUNCTION refuse_published_change() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = public, pg_temp AS $$
            BEGIN
                IF OLD.state <> 'published'
                   OR EXISTS (SELECT 1 FROM history_purge WHERE txid = txid_current()) THEN
                    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END IF;
                RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
            END $$""")
        for table in TABLES:
            op.execute(f"""CREATE TRIGGER {table}_published_fixed BEFORE UPDATE OR DELETE ON {table}
                           FOR EACH ROW EXECUTE FUNCTION refuse_published_change()""")
    else:
        for table in TABLES:
            for change in ("UPDATE", "DELETE"):
                op.execute(f"""CREATE TRIGGER {table}_published_no_{change.lower()} BEFORE {change} ON {table}
                               WHEN OLD.state = 'published' AND NOT auditapp_purging()
                               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_published_fixed ON {table}")
        op.execute("DROP FUNCTION refuse_published_change()")
    else:
        for table in TABLES:
            for change in ("UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER {table}_published_no_{change.lower()}")
