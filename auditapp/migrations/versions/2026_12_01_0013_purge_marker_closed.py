"""the append-only history opens only to the purge's own transaction, never to the app's SQL

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:00:00

Before, any role that could insert into history_purge could open the history and the record of
reads to rewriting, and a committed row left them open to every later session. Now:
- PostgreSQL: the marker counts only in the transaction that wrote it (its txid), and the README's
  application role has no rights on history_purge, so only the owner role (`flask purge` run as
  the owner) can open the history, for one transaction.
- SQLite: the triggers ask auditapp_purging(), a function the service registers on each of its
  connections (answering 0); the purge answers 1 on its own connection for its own transaction.
  No SQL statement can change a function, and a connection without it cannot change the history.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APPEND_ONLY = ("event", "read_record")
MESSAGE = "The audit history is append-only"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("history_purge", sa.Column("txid", sa.BigInteger(), nullable=True,
                                                 server_default=sa.text("txid_current()")))
        # SECURITY DEFINER: the trigger reads the marker as the owner, since the application's role
        # may not read it; search_path pinned, as PostgreSQL advises for such functions.
        op.execute(f"""
            CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = public, pg_temp AS $$
            BEGIN
                IF TG_OP <> 'TRUNCATE' AND EXISTS (SELECT 1 FROM history_purge WHERE txid = txid_current()) THEN
                    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END IF;
                RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
            END $$""")
        op.execute("DELETE FROM history_purge")
    else:
        op.add_column("history_purge", sa.Column("txid", sa.BigInteger(), nullable=True))
        for table in APPEND_ONLY:
            for change in ("UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER {table}_no_{change.lower()}")
                op.execute(f"""CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table}
                               WHEN NOT auditapp_purging()
                               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql
            SECURITY INVOKER AS $$
            BEGIN
                IF TG_OP <> 'TRUNCATE' AND EXISTS (SELECT 1 FROM history_purge) THEN
                    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END IF;
                RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
            END $$""")
    else:
        for table in APPEND_ONLY:
            for change in ("UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER {table}_no_{change.lower()}")
                op.execute(f"""CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table}
                               WHEN NOT EXISTS (SELECT 1 FROM history_purge)
                               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")
    op.drop_column("history_purge", "txid")
