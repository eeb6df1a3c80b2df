"""audit types as versions, each targeted audit pinned to the version it was started with

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 19:00:00

`audit_type` names a kind of audit (the monthly random audit is the built-in one); each row of
`audit_type_version` is a draft (one per type at a time, by a partial unique index) or a published
version, which never changes. `cycle.type_version_id` pins a targeted audit to the version it was
started with, and `cycle.course` says how its audits run (copied from that version). On `audit`:
the family's consent (an audit of a type that asks it first), and a senior manager's return of a
single audit with review, with its note.

The data step: every existing targeted audit becomes a type of its own, named by its title, with a
published version 1 holding its domains and its own questions (free text, required) in the same
order, so every saved answer's number still points at the same question. Answers are untouched.
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

DOMAINS = ("voice", "assessment", "plan", "partnership", "oversight", "diversity")
MONTHLY = "Monthly random audit"
MONTHLY_PURPOSE = ("The month's random sample of cases: every domain graded by two auditors blind, "
                   "then moderated by a senior manager.")


def upgrade():
    op.create_table(
        "audit_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("built_in", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("retired_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["retired_by_id"], ["user.id"], name=op.f("fk_audit_type_retired_by_id_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_audit_type_created_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_type")),
        sa.UniqueConstraint("name", name=op.f("uq_audit_type_name")),
    )
    op.create_table(
        "audit_type_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_type_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("course", sa.String(length=20), nullable=False),
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
        sa.CheckConstraint("state IN ('draft', 'published')", name=op.f("ck_audit_type_version_state")),
        sa.CheckConstraint("course IN ('blind dual', 'single with review', 'single')",
                           name=op.f("ck_audit_type_version_course")),
        sa.ForeignKeyConstraint(["audit_type_id"], ["audit_type.id"],
                                name=op.f("fk_audit_type_version_audit_type_id_audit_type")),
        sa.ForeignKeyConstraint(["published_by_id"], ["user.id"],
                                name=op.f("fk_audit_type_version_published_by_id_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_audit_type_version_created_by_id_user")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f("fk_audit_type_version_updated_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_type_version")),
        sa.UniqueConstraint("audit_type_id", "number", name=op.f("uq_audit_type_version_audit_type_id")),
    )
    op.create_index(op.f("ix_audit_type_version_audit_type_id"), "audit_type_version", ["audit_type_id"])
    draft = sa.text("state = 'draft'")
    op.create_index("uq_audit_type_version_one_draft", "audit_type_version", ["audit_type_id"], unique=True,
                    sqlite_where=draft, postgresql_where=draft)
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(sa.Column("type_version_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("course", sa.String(length=20), nullable=True))
        batch.create_check_constraint(op.f("ck_cycle_course"),
                                      "course IN ('blind dual', 'single with review', 'single')")
        batch.create_foreign_key(op.f("fk_cycle_type_version_id_audit_type_version"), "audit_type_version",
                                 ["type_version_id"], ["id"])
        batch.create_index(op.f("ix_cycle_type_version_id"), ["type_version_id"])
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("consent", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("consent_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("consent_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("return_note", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_audit_consent_by_id_user"), "user", ["consent_by_id"], ["id"])
        batch.create_check_constraint(op.f("ck_audit_consent"), "consent IN ('given', 'refused')")
    _targeted_audits_become_types()


def _targeted_audits_become_types():
    bind = op.get_bind()
    now = datetime.utcnow()
    audit_type = sa.table("audit_type", sa.column("id", sa.Integer), sa.column("name", sa.String),
                          sa.column("purpose", sa.Text), sa.column("built_in", sa.Boolean),
                          sa.column("created_at", sa.DateTime), sa.column("created_by_id", sa.Integer),
                          sa.column("version", sa.Integer))
    type_version = sa.table("audit_type_version", *(sa.column(c) for c in (
        "id", "audit_type_id", "state", "number", "course", "note", "published_by_id", "created_by_id",
        "updated_by_id", "version")), sa.column("published_on", sa.Date), sa.column("content", sa.JSON),
        *(sa.column(c, sa.DateTime) for c in ("published_at", "created_at", "updated_at")))
    bind.execute(audit_type.insert().values(name=MONTHLY, purpose=MONTHLY_PURPOSE, built_in=True, created_at=now,
                                            version=1))
    taken = {MONTHLY}
    # Typed columns: SQLite hands back text for a date unless the statement says it is one.
    cycle = sa.table("cycle", sa.column("id", sa.Integer), sa.column("title", sa.String),
                     sa.column("domains", sa.String), sa.column("questions", sa.Text),
                     sa.column("opened_at", sa.DateTime), sa.column("opened_by_id", sa.Integer),
                     sa.column("kind", sa.String), sa.column("type_version_id", sa.Integer),
                     sa.column("course", sa.String))
    cycles = bind.execute(sa.select(cycle.c.id, cycle.c.title, cycle.c.domains, cycle.c.questions,
                                    cycle.c.opened_at, cycle.c.opened_by_id)
                          .where(cycle.c.kind == "targeted").order_by(cycle.c.id)).all()
    for cycle_id, title, domains, questions, opened_at, opened_by_id in cycles:
        base = " ".join((title or f"Targeted audit {cycle_id}").split())[:100]
        name, n = base, 1
        while name in taken:  # two targeted audits of the same theme: each keeps its own type
            n += 1
            name = f"{base} ({n})"
        taken.add(name)
        chosen = [key for key in DOMAINS if key in (domains or "").split(",")] if domains else list(DOMAINS)
        content = {"name": name, "purpose": "", "family_contact": True, "consent_first": False, "domains": chosen,
                   "questions": [{"kind": "text", "text": line.strip(), "hint": "", "required": True}
                                 for line in (questions or "").splitlines() if line.strip()]}
        type_id = bind.execute(audit_type.insert().values(
            name=name, purpose=None, built_in=False, created_at=opened_at, created_by_id=opened_by_id, version=1)
            .returning(audit_type.c.id)).scalar_one()
        version_id = bind.execute(type_version.insert().values(
            audit_type_id=type_id, state="published", number=1, course="blind dual", content=content,
            note="Made from the targeted audit of the same name when audit types arrived",
            published_on=opened_at.date(), published_at=opened_at,
            published_by_id=opened_by_id, created_at=opened_at, created_by_id=opened_by_id, updated_at=now,
            updated_by_id=None, version=1).returning(type_version.c.id)).scalar_one()
        bind.execute(cycle.update().where(cycle.c.id == cycle_id).values(type_version_id=version_id,
                                                                         course="blind dual"))


def downgrade():
    with op.batch_alter_table("audit") as batch:
        batch.drop_constraint(op.f("ck_audit_consent"), type_="check")
        batch.drop_constraint(op.f("fk_audit_consent_by_id_user"), type_="foreignkey")
        for column in ("return_note", "returned_at", "consent_by_id", "consent_at", "consent"):
            batch.drop_column(column)
    with op.batch_alter_table("cycle") as batch:
        batch.drop_constraint(op.f("ck_cycle_course"), type_="check")
        batch.drop_column("course")
        batch.drop_index(op.f("ix_cycle_type_version_id"))
        batch.drop_constraint(op.f("fk_cycle_type_version_id_audit_type_version"), type_="foreignkey")
        batch.drop_column("type_version_id")
    op.drop_table("audit_type_version")
    op.drop_table("audit_type")


