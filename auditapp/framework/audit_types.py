"""Audit types as versions kept in the database (issue 24), drafted and published like the grade
descriptors: one draft per type, seen and edited only by the QA lead and practice leads; a
published version never changes; an audit of a type keeps the version it was started with. The
monthly random audit is the built-in type: listed, never edited. The three ready types in
auditapp/audit_types/ are version 1 of theirs (migration 0028b stores them; `ensure_shipped` does
the same for a database emptied since, as the tests' and the demo's are)."""

from dataclasses import replace

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.framework import type_files
from auditapp.framework.notes import HTML, MAX_NOTE, version_note
from auditapp.framework.type_changes import TypeChanges, differences
from auditapp.framework.type_content import MAX_NAME, Design, design_of, problems
from auditapp.history import record, type_field
from auditapp.models import AuditType, AuditTypeVersion, Cycle, Event, User
from auditapp.models.loading import EVENT_ROW
from auditapp.models.sets import BLIND_DUAL, COURSES
from auditapp.permissions import Actor, can_edit_audit_types, require

MONTHLY = "Monthly random audit"
MONTHLY_PURPOSE = ("The month's random sample of cases: every domain graded by two auditors blind, "
                   "then moderated by a senior manager.")
SHIPPED_NOTE = "Shipped with the service"
EDITORS = "Only the QA lead and practice leads edit audit types"
DRAFT_ENTRIES = (history.AUDIT_TYPE_DRAFT_STARTED, history.AUDIT_TYPE_DRAFT_CHANGED,
                 history.AUDIT_TYPE_DRAFT_DISCARDED, history.AUDIT_TYPE_PUBLISHED, history.AUDIT_TYPE_RETIRED)


def _who(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


# Reading


def listed() -> Select:
    """Every type: the built-in monthly audit first, then those in use by name, the retired last."""
    return select(AuditType).order_by(AuditType.built_in.desc(), AuditType.retired_at.is_not(None),
                                      AuditType.name, AuditType.id)


def latest(type_id: int) -> AuditTypeVersion | None:
    """The newest published version: what an audit of the type started now follows."""
    return db.session.scalars(_published().where(AuditTypeVersion.audit_type_id == type_id)
                              .order_by(AuditTypeVersion.number.desc()).limit(1)).first()


def latest_of(type_ids: list[int]) -> dict[int, AuditTypeVersion]:
    """Each type's newest published version, in one statement (a page of the list)."""
    newest = (select(AuditTypeVersion.audit_type_id, func.max(AuditTypeVersion.number).label("number"))
              .where(AuditTypeVersion.state == "published", AuditTypeVersion.audit_type_id.in_(type_ids))
              .group_by(AuditTypeVersion.audit_type_id).subquery())
    rows = db.session.scalars(select(AuditTypeVersion).join(newest, (
        newest.c.audit_type_id == AuditTypeVersion.audit_type_id) & (newest.c.number == AuditTypeVersion.number)))
    return {row.audit_type_id: row for row in rows}


def drafts_of(type_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(AuditTypeVersion.audit_type_id).where(
        AuditTypeVersion.state == "draft", AuditTypeVersion.audit_type_id.in_(type_ids))))


def _published() -> Select:
    return (select(AuditTypeVersion).options(joinedload(AuditTypeVersion.published_by))
            .where(AuditTypeVersion.state == "published"))


def numbered(type_id: int, number: int) -> AuditTypeVersion | None:
    return db.session.scalars(_published().where(AuditTypeVersion.audit_type_id == type_id,
                                                 AuditTypeVersion.number == number)).first()


def versions_newest_first(type_id: int) -> Select:
    return _published().where(AuditTypeVersion.audit_type_id == type_id).order_by(AuditTypeVersion.number.desc())


def design(row: AuditTypeVersion) -> Design:
    return design_of(row.course, row.content)


def changes_from_previous(row: AuditTypeVersion) -> TypeChanges:
    before = numbered(row.audit_type_id, row.number - 1) if row.number and row.number > 1 else None
    return differences(design(before) if before else None, design(row))


def draft_of(type_id: int) -> AuditTypeVersion | None:
    return db.session.scalars(select(AuditTypeVersion).options(joinedload(AuditTypeVersion.updated_by))
                              .where(AuditTypeVersion.audit_type_id == type_id,
                                     AuditTypeVersion.state == "draft")).first()


def draft_changes(row: AuditTypeVersion) -> TypeChanges:
    """The draft against the newest published version: what publishing it would change."""
    base = latest(row.audit_type_id)
    return differences(design(base) if base else None, design(row))


def changes_since(type_id: int, seen: int | None) -> list[Event]:
    """The type's history entries after `seen`: what another editor did since a form was opened."""
    return list(db.session.scalars(select(Event).options(*EVENT_ROW).where(
        Event.id > (seen or 0), Event.field == type_field(type_id), Event.audit_id.is_(None),
        Event.action.in_(DRAFT_ENTRIES)).order_by(Event.id)))


def newest_entry() -> int:
    return db.session.scalar(select(func.max(Event.id))) or 0


def startable() -> list[tuple[AuditType, AuditTypeVersion]]:
    """The types an audit can be started of now (not built in, not retired, published), by name."""
    types = list(db.session.scalars(select(AuditType).where(AuditType.built_in.is_(False),
                                                            AuditType.retired_at.is_(None)).order_by(AuditType.name)))
    newest = latest_of([t.id for t in types])
    return [(t, newest[t.id]) for t in types if t.id in newest]


# The files: the three ready types


def ensure_shipped(actor: Actor) -> None:
    """The built-in type and the three ready types, stored if missing (as migrations 0028 and 0028b
    store them in a new database): for a database emptied since, as the tests' and the demo's are."""
    names = set(db.session.scalars(select(AuditType.name)))
    now = clock.now()
    if MONTHLY not in names:
        db.session.add(AuditType(name=MONTHLY, purpose=MONTHLY_PURPOSE, built_in=True, created_at=now))
    for found in type_files.shipped():
        if found.name in names:
            continue
        kind = AuditType(name=found.name, purpose=found.purpose, created_at=now, created_by_id=actor.id)
        db.session.add(kind)
        db.session.flush()
        db.session.add(AuditTypeVersion(audit_type_id=kind.id, state="published", number=1, course=found.course,
                                        content=found.to_content(), note=SHIPPED_NOTE, published_on=clock.today(),
                                        published_at=now, created_at=now, updated_at=now))
        record(_who(actor), history.AUDIT_TYPE_LOADED, field=type_field(kind.id), after=found.name)
    db.session.flush()


# Writing


def _name_taken(name: str, type_id: int | None) -> bool:
    return (db.session.scalar(select(func.count(AuditType.id)).where(
        func.lower(AuditType.name) == name.lower(), AuditType.id != (type_id or 0))) or 0) > 0


def _check_name(name: str, type_id: int | None) -> dict[str, str]:
    name = " ".join(name.split())
    if not name:
        return {"name": "Enter the name of the audit type"}
    if len(name) > MAX_NAME:
        return {"name": f"The name must be {MAX_NAME} characters or fewer"}
    if HTML.search(name):
        return {"name": "The name must be plain text: remove the HTML (the part starting with <)"}
    if _name_taken(name, type_id):
        return {"name": f"There is already an audit type called {name}: choose another name"}
    return {}


def create(actor: Actor, name: str, purpose: str, course: str) -> AuditType:
    """A new type with its first draft (nothing to answer yet: the draft's page adds it)."""
    require(can_edit_audit_types(actor), EDITORS)
    name, purpose = " ".join((name or "").split()), (purpose or "").strip()
    found = _check_name(name, None)
    if course not in COURSES:
        found["course"] = "Choose how an audit of this type runs"
    found |= {k: v for k, v in problems(Design(course if course in COURSES else BLIND_DUAL, name, purpose,
                                                    domains=("voice",))).items() if k == "purpose"}
    if found:
        raise Invalid(found)
    now = clock.now()
    kind = AuditType(name=name, purpose=purpose, created_at=now, created_by_id=actor.id)
    db.session.add(kind)
    db.session.flush()
    db.session.add(AuditTypeVersion(audit_type_id=kind.id, state="draft", course=course,
                                    content=Design(course, name, purpose).to_content(), created_at=now,
                                    created_by_id=actor.id, updated_at=now, updated_by_id=actor.id))
    db.session.flush()
    record(_who(actor), history.AUDIT_TYPE_CREATED, field=type_field(kind.id), after=f"{name} ({COURSES[course]})")
    return kind


def start_draft(actor: Actor, kind: AuditType) -> AuditTypeVersion:
    """The type's one draft: the one already started, or a copy of its newest version. Two editors
    starting at the same moment meet the unique index; the second is run again (transactions.py)."""
    require(can_edit_audit_types(actor), EDITORS)
    if kind.built_in:
        raise RuleError("The monthly random audit is built in: change it through the grade descriptors")
    found = draft_of(kind.id)
    if found:
        return found
    base, now = latest(kind.id), clock.now()
    content = base.content if base else Design(BLIND_DUAL, kind.name, kind.purpose or "").to_content()
    row = AuditTypeVersion(audit_type_id=kind.id, state="draft", course=base.course if base else BLIND_DUAL,
                           content=content, created_at=now, created_by_id=actor.id, updated_at=now,
                           updated_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(_who(actor), history.AUDIT_TYPE_DRAFT_STARTED, field=type_field(kind.id),
           after=f"From version {base.number}" if base else "New")
    return row


def numbered_again(found: Design) -> Design:
    """The questions numbered by their position (after some were removed or moved)."""
    return replace(found, questions=tuple(replace(q, number=n) for n, q in enumerate(found.questions, 1)))


def save_draft(actor: Actor, row: AuditTypeVersion, wanted: Design, expected_version: int | None = None) -> bool:
    """The whole draft at once (settings, domains, questions). All or nothing: every problem is named
    at its field, so a draft as stored is always one that could be published. False: nothing changed."""
    require(can_edit_audit_types(actor), EDITORS)
    if row.state != "draft":
        raise RuleError("Only a draft can be changed: a published version never changes")
    check_version(row.version, expected_version, "This draft")
    wanted = numbered_again(replace(wanted, name=" ".join(wanted.name.split()), purpose=wanted.purpose.strip()))
    found = problems(wanted) | _check_name(wanted.name, row.audit_type_id)
    if found:
        raise Invalid(found)
    before = design(row)
    changes = differences(before, wanted)
    if not changes and before.name == wanted.name:
        return False
    claim_version(row, "version", "This draft")
    words = changes.words() + ([f"Name: {wanted.name} (was {before.name})"] if before.name != wanted.name else [])
    record(_who(actor), history.AUDIT_TYPE_DRAFT_CHANGED, field=type_field(row.audit_type_id),
           after="; ".join(words)[:4000])
    row.course, row.content = wanted.course, wanted.to_content()
    row.updated_at, row.updated_by_id = clock.now(), actor.id
    db.session.flush()
    return True


def publish(actor: Actor, kind: AuditType, row: AuditTypeVersion, note: str,
            expected_version: int | None = None) -> AuditTypeVersion:
    """The draft becomes the type's next version, dated today, with the note of what changed;
    audits already started keep their own version."""
    require(can_edit_audit_types(actor), EDITORS)
    if row.state != "draft":
        raise RuleError("This version is already published: published versions never change")
    check_version(row.version, expected_version, "This draft")
    note = version_note(note)
    wanted = design(row)
    found = problems(wanted) | _check_name(wanted.name, kind.id)
    if found:
        raise RuleError("The draft cannot be published yet: " + "; ".join(found.values()))
    base = latest(kind.id)
    if base is not None and not differences(design(base), wanted) and design(base).name == wanted.name:
        raise RuleError(f"Nothing has changed since version {base.number}: change the draft first, or discard it")
    claim_version(row, "version", "This draft")
    now = clock.now()
    row.state, row.number, row.note = "published", (base.number if base and base.number else 0) + 1, note
    row.published_on, row.published_at, row.published_by_id = clock.today(), now, actor.id
    row.updated_at, row.updated_by_id = now, actor.id
    kind.name, kind.purpose = wanted.name, wanted.purpose
    db.session.flush()
    record(_who(actor), history.AUDIT_TYPE_PUBLISHED, field=type_field(kind.id),
           after=f"{wanted.name} version {row.number}: {note}")
    return row


def discard(actor: Actor, row: AuditTypeVersion, expected_version: int | None = None) -> None:
    require(can_edit_audit_types(actor), EDITORS)
    if row.state != "draft":
        raise RuleError("A published version is never deleted")
    check_version(row.version, expected_version, "This draft")
    claim_version(row, "version", "This draft")
    db.session.delete(row)
    record(_who(actor), history.AUDIT_TYPE_DRAFT_DISCARDED, field=type_field(row.audit_type_id))
    db.session.flush()


def retire(actor: Actor, kind: AuditType, expected_version: int | None = None) -> None:
    """No new audit of the type starts from now; audits already started, and every version, stay."""
    require(can_edit_audit_types(actor), EDITORS)
    if kind.built_in:
        raise RuleError("The monthly random audit is built in and is never retired")
    if kind.retired_at:
        raise RuleError("This audit type is already retired")
    check_version(kind.version, expected_version, "This audit type")
    claim_version(kind, "version", "This audit type")
    kind.retired_at, kind.retired_by_id = clock.now(), actor.id
    record(_who(actor), history.AUDIT_TYPE_RETIRED, field=type_field(kind.id), after=kind.name)
    db.session.flush()


def import_type(actor: Actor, found: Design, note: str) -> AuditTypeVersion | None:
    """A type's file (read_type_file) published as the next version of the type of its name (a new
    type if there is none). None when it is that type's newest version already."""
    require(can_edit_audit_types(actor), EDITORS)
    kind = db.session.scalars(select(AuditType).where(func.lower(AuditType.name) == found.name.lower())).first()
    if kind is not None and kind.built_in:
        raise RuleError("The monthly random audit is built in: it is not imported")
    now = clock.now()
    if kind is None:
        kind = AuditType(name=found.name, purpose=found.purpose, created_at=now, created_by_id=actor.id)
        db.session.add(kind)
        db.session.flush()
        record(_who(actor), history.AUDIT_TYPE_CREATED, field=type_field(kind.id), after=found.name)
    base = latest(kind.id)
    if base is not None and not differences(design(base), found):
        return None
    row = AuditTypeVersion(audit_type_id=kind.id, state="published", number=(base.number or 0) + 1 if base else 1,
                           course=found.course, content=numbered_again(found).to_content(),
                           note=(note or "").strip()[:MAX_NOTE] or "Imported from an audit type file",
                           published_on=clock.today(), published_at=now, published_by_id=actor.id,
                           created_at=now, created_by_id=actor.id, updated_at=now, updated_by_id=actor.id)
    db.session.add(row)
    kind.purpose = found.purpose
    db.session.flush()
    record(_who(actor), history.AUDIT_TYPE_IMPORTED, field=type_field(kind.id), after=f"Version {row.number}")
    return row


OWN_NOTE = "Made for the targeted audit of the same name"


def own_type(actor: Actor, found: Design) -> AuditTypeVersion:
    """A type made for one targeted audit from its own domains and questions, published as its
    version 1 (named by the audit's theme; "(2)" and on when that name is taken)."""
    base, n = found.name[:100], 1
    name = base
    while _name_taken(name, None):
        n += 1
        name = f"{base} ({n})"
    now = clock.now()
    kind = AuditType(name=name, purpose=found.purpose, created_at=now, created_by_id=actor.id)
    db.session.add(kind)
    db.session.flush()
    record(_who(actor), history.AUDIT_TYPE_CREATED, field=type_field(kind.id), after=f"{name}: {OWN_NOTE.lower()}")
    return _published_now(actor, kind, replace(found, name=name), 1, OWN_NOTE)


def _published_now(actor: Actor, kind: AuditType, found: Design, number: int, note: str) -> AuditTypeVersion:
    now = clock.now()
    row = AuditTypeVersion(audit_type=kind, audit_type_id=kind.id, state="published", number=number,
                           course=found.course, content=numbered_again(found).to_content(), note=note,
                           published_on=clock.today(), published_at=now, published_by_id=actor.id, created_at=now,
                           created_by_id=actor.id, updated_at=now, updated_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(_who(actor), history.AUDIT_TYPE_PUBLISHED, field=type_field(kind.id), after=f"Version {number}: {note}")
    return row


def made_for(cycle: Cycle) -> bool:
    """Whether the cycle's type was made for it alone (start's own domains and questions), so
    changing them, before any audit is saved, may publish the type's next version."""
    version = cycle.type_version
    if version is None:
        return False
    first = numbered(version.audit_type_id, 1)
    others = db.session.scalar(
        select(func.count(Cycle.id)).join(AuditTypeVersion, AuditTypeVersion.id == Cycle.type_version_id)
        .where(AuditTypeVersion.audit_type_id == version.audit_type_id, Cycle.id != cycle.id))
    return first is not None and first.note == OWN_NOTE and not others


def next_own_version(actor: Actor, version: AuditTypeVersion, found: Design) -> AuditTypeVersion:
    kind = db.session.get(AuditType, version.audit_type_id)
    assert kind is not None
    newest = latest(kind.id)
    return _published_now(actor, kind, replace(found, name=kind.name), (newest.number or 0) + 1 if newest else 1,
                          "Changed before any audit of it was saved")
