"""closed sets checked: the database refuses a role, status or answer the code does not know

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 15:00:00

Roles ("A", "B", "M"), yes/no answers, statuses, withdrawal reasons, key-issues ratings, action
priorities, family contacts' answers and case types were free strings: a typo in code, a hand-run
UPDATE or a bad import could store a value no page knows how to show. Each column now carries a
CHECK constraint over the set the code defines (auditapp/models/sets.py and the models). The sets
are written out here as they stood at this revision, as a migration must be.

On SQLite a CHECK needs the table rebuilt (batch mode). The append-only history (`event`,
`read_record`) is not touched, since rebuilding those tables would drop their triggers; their
`review_role` stays unchecked. The partial unique index on `cycle` is made again after its
rebuild, since SQLite's reflection does not carry its WHERE clause across.
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ROLES = ("A", "B")
PROPOSERS = ("A", "B", "M")
CHECKED: dict[str, dict[str, tuple[str, ...]]] = {
    "case": {"case_type": ("early_help", "child_in_need", "child_protection", "child_in_care", "care_leaver")},
    "cycle": {"kind": ("random", "targeted")},
    "audit": {"withdrawal_reason": ("case_closed", "critical_incident", "court", "conflict"),
              "key_issues_a": ("yes", "partly", "no"), "key_issues_b": ("yes", "partly", "no")},
    "review": {"role": ROLES, "safeguarding_concern": ("yes", "no")},
    "action": {"proposed_role": PROPOSERS, "priority": ("immediate", "urgent", "standard"),
               "status": ("proposed", "open", "done", "closed", "removed")},
    "theme_tag": {"role": PROPOSERS, "kind": ("strength", "worry")},
    "family_contact": {"role": ROLES, "who": ("parent", "child", "other"),
                       "method": ("phone", "visit", "letter", "online")},
    "family_feedback": {"role": ROLES, "outcome": ("gave_feedback", "declined", "no_response", "not_contacted")},
    "family_answer": {"respondent": ("parent", "child")},
}
OPEN_MONTH = sa.text("cancelled_at IS NULL AND kind = 'random'")


def _in_list(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _drop_month_index():
    op.drop_index("uq_cycle_month_open", table_name="cycle")


def _make_month_index():
    op.create_index("uq_cycle_month_open", "cycle", ["month"], unique=True,
                    sqlite_where=OPEN_MONTH, postgresql_where=OPEN_MONTH)


def upgrade():
    _drop_month_index()
    for table, columns in CHECKED.items():
        with op.batch_alter_table(table) as batch:
            for column, values in columns.items():
                batch.create_check_constraint(op.f(f"ck_{table}_{column}"), _in_list(column, values))
    _make_month_index()


def downgrade():
    _drop_month_index()
    for table, columns in reversed(CHECKED.items()):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    _make_month_index()
