"""the three ready audit types stored as version 1 of their types

Revision ID: 0028b
Revises: 0028
Create Date: 2026-12-01 19:10:00

The files in auditapp/audit_types/ (supervision-record audit, practice observation, case-file
compliance check) become published version 1 of a type each, as the descriptor files are version 1
of the descriptors; a type of the same name already stored is left as it is. Downgrading removes
them only if no audit was started of them and nothing else was published.
"""
import tomllib
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0028b"
down_revision = "0028"
branch_labels = None
depends_on = None

FILES = Path(__file__).resolve().parents[2] / "audit_types"
NOTE = "Shipped with the service"


def _content(data: dict) -> dict:
    return {"name": data["name"], "purpose": data.get("purpose", ""),
            "family_contact": bool(data.get("family_contact")), "consent_first": bool(data.get("consent_first")),
            "domains": list(data.get("domains") or []),
            "questions": [{"kind": q["kind"], "text": q["text"], "hint": q.get("hint", ""),
                           "required": bool(q.get("required", True)),
                           **({"descriptors": dict(q["descriptors"])} if q["kind"] == "grade" else {})}
                          for q in data.get("questions") or []]}


def _tables():
    audit_type = sa.table("audit_type", sa.column("id", sa.Integer), sa.column("name", sa.String),
                          sa.column("purpose", sa.Text), sa.column("built_in", sa.Boolean),
                          sa.column("created_at", sa.DateTime), sa.column("version", sa.Integer))
    type_version = sa.table(
        "audit_type_version", sa.column("id", sa.Integer), sa.column("audit_type_id", sa.Integer),
        sa.column("state", sa.String), sa.column("number", sa.Integer), sa.column("course", sa.String),
        sa.column("content", sa.JSON), sa.column("note", sa.Text), sa.column("published_on", sa.Date),
        sa.column("published_at", sa.DateTime), sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime), sa.column("version", sa.Integer))
    return audit_type, type_version


def upgrade():
    bind = op.get_bind()
    audit_type, type_version = _tables()
    now = datetime.utcnow()
    paths = sorted(FILES.glob("*.toml"))
    if not paths:  # the files left out of an installed package: stop, rather than store no types
        raise FileNotFoundError(f"The ready audit types are missing from {FILES}: reinstall the package")
    for path in paths:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if bind.execute(sa.select(audit_type.c.id).where(audit_type.c.name == data["name"])).first():
            continue
        type_id = bind.execute(audit_type.insert().values(
            name=data["name"], purpose=data.get("purpose", ""), built_in=False, created_at=now, version=1)
            .returning(audit_type.c.id)).scalar_one()
        bind.execute(type_version.insert().values(
            audit_type_id=type_id, state="published", number=1, course=data["course"], content=_content(data),
            note=NOTE, published_on=now.date(), published_at=now, created_at=now, updated_at=now, version=1))


def downgrade():
    bind = op.get_bind()
    audit_type, type_version = _tables()
    for path in sorted(FILES.glob("*.toml")):
        name = tomllib.loads(path.read_text(encoding="utf-8"))["name"]
        found = bind.execute(sa.select(audit_type.c.id).where(audit_type.c.name == name)).first()
        if found is None:
            continue
        versions = [v for (v,) in bind.execute(sa.select(type_version.c.id)
                                               .where(type_version.c.audit_type_id == found.id))]
        used = bind.execute(sa.text("SELECT count(*) FROM cycle WHERE type_version_id IN :ids")
                            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": versions}).scalar()
        if len(versions) == 1 and not used:
            bind.execute(type_version.delete().where(type_version.c.audit_type_id == found.id))
            bind.execute(audit_type.delete().where(audit_type.c.id == found.id))
