"""Grade descriptors as versions kept in the database.

The QA lead and the practice leads they name edit one draft (nobody else sees it), then publish it
as a new version, dated, with a note of what changed. A published version never changes. Every
audit records the version it was graded against (`recorded`, the same string audits have always
held), fixed when the auditor first saves, so an audit opened before a new version keeps its own.
The files in grade_descriptors/ are version 1: the service reads them (loaded at start-up) until
the first draft or import stores them here, so nothing is written to the database by a page read.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.framework.changes import DomainChanges, differences
from auditapp.framework.notes import HTML, MAX_NOTE, version_note
from auditapp.grading import DOMAINS, GRADE_KEYS, MAX_INDICATORS, Descriptor, descriptors_version
from auditapp.grading import published_text as published_by_domain
from auditapp.history import record
from auditapp.models import DescriptorSet, Event, User
from auditapp.models.loading import EVENT_ROW
from auditapp.permissions import Actor, can_edit_descriptors, require

MAX_INDICATOR = 600
FROM_FILES = "Loaded from the service's descriptor files"
# Text is plain (notes.HTML): a tag-like "<b" or "</" is refused rather than stored (pages escape it
# anyway, but a council's document control would get markup back in its files).
BULLET = re.compile(r"^\s*(?:[-*\u2022]\s+)?")
DRAFT_ENTRIES = (history.DESCRIPTORS_DRAFT_STARTED, history.DESCRIPTORS_DRAFT_CHANGED,
                 history.DESCRIPTORS_DRAFT_DISCARDED, history.DESCRIPTORS_PUBLISHED)


@dataclass(frozen=True)
class Version:
    """A published version as pages read it: plain values, never an ORM object."""

    number: int
    recorded: str
    published_on: date | None
    note: str
    published_by: str  # "" for the files loaded as version 1
    descriptors: dict[str, Descriptor]
    stored: bool = True  # False: the files, not yet stored (nothing drafted or imported yet)

    @property
    def published_words(self) -> str:
        return "published " + self.published_on.strftime("%-d %B %Y") if self.published_on else "not dated"


def to_descriptors(content: dict, published: date | None) -> dict[str, Descriptor]:
    return {key: Descriptor(key, name, str(content[key]["version"]),
                            {grade: list(content[key]["grades"].get(grade_key, []))
                             for grade_key, grade in GRADE_KEYS.items()}, published)
            for key, name in DOMAINS.items() if key in content}


def to_content(descriptors: dict[str, Descriptor]) -> dict:
    return {key: {"version": d.version,
                  "grades": {grade_key: list(d.indicators.get(grade, [])) for grade_key, grade in GRADE_KEYS.items()}}
            for key, d in descriptors.items()}


def files_version() -> Version:
    """The files read at start-up (GRADE_DESCRIPTORS_DIR): version 1 of a database with none stored."""
    files: dict[str, Descriptor] = current_app.config["DESCRIPTORS"]
    published = max((d.published for d in files.values() if d.published), default=None)
    return Version(1, descriptors_version(files), published, FROM_FILES, "", files, stored=False)


def _version(row: DescriptorSet) -> Version:
    assert row.number is not None and row.recorded is not None  # published rows have both
    return Version(row.number, row.recorded, row.published_on, row.note or "",
                   row.published_by.name if row.published_by else "",
                   to_descriptors(row.content, row.published_on))


def _published() -> Select:
    return (select(DescriptorSet).options(joinedload(DescriptorSet.published_by))
            .where(DescriptorSet.state == "published"))


def current() -> Version:
    """The newest published version: what an audit opened now is graded against. One statement."""
    row = db.session.scalars(_published().order_by(DescriptorSet.number.desc()).limit(1)).first()
    return _version(row) if row else files_version()


def numbered(number: int) -> Version | None:
    row = db.session.scalars(_published().where(DescriptorSet.number == number)).first()
    if row:
        return _version(row)
    if number == 1 and not _any_stored():
        return files_version()
    return None


def for_recorded(recorded: str | None) -> Version | None:
    """The version an audit recorded, if it is one the service knows."""
    if not recorded:
        return None
    row = db.session.scalars(_published().where(DescriptorSet.recorded == recorded)).first()
    if row:
        return _version(row)
    files = files_version()
    return files if files.recorded == recorded else None


def graded_against(recorded: str | None) -> Version:
    """What a form shows: the version its audit recorded, or the current one for one not yet saved."""
    return for_recorded(recorded) or current()


def published_text(recorded: str | None) -> str:
    """A recorded version as people know it: "published 22 November 2026"."""
    if not recorded:
        return ""
    found = for_recorded(recorded)
    # A version the service never stored (files replaced before this one): dated by its domains.
    return found.published_words if found else published_by_domain(recorded, current_app.config["DESCRIPTORS"])


def published_versions() -> list[Version]:
    """Every published version, newest first (the files as version 1 until anything is stored)."""
    stored = [_version(row) for row in db.session.scalars(versions_newest_first())]
    return stored or [files_version()]


def versions_newest_first() -> Select:
    return _published().order_by(DescriptorSet.number.desc())


def _any_stored() -> bool:
    return (db.session.scalar(select(func.count(DescriptorSet.id)).where(DescriptorSet.state == "published")) or 0) > 0


def previous(version: Version) -> Version | None:
    return numbered(version.number - 1) if version.number > 1 else None


def changes_from_previous(version: Version) -> list[DomainChanges]:
    before = previous(version)
    return differences(before.descriptors, version.descriptors) if before else []


# Writing


def _who(actor: Actor) -> User | None:
    """The history names a person, or nobody for the command line (SYSTEM)."""
    return actor if isinstance(actor, User) else None


def ensure_first(actor: Actor) -> None:
    """Store the files as version 1 before anything else is stored, so the history of versions
    starts where the audits' records do."""
    if _any_stored():
        return
    files = files_version()
    now = clock.now()
    # Never dated after the day it is stored (the demo stores it in its past): versions stay in date order.
    on = min(files.published_on, clock.today()) if files.published_on else clock.today()
    db.session.add(DescriptorSet(state="published", number=1, recorded=files.recorded,
                                 content=to_content(files.descriptors), note=FROM_FILES,
                                 published_on=on, published_at=now, created_at=now,
                                 created_by_id=actor.id, updated_at=now, updated_by_id=actor.id))
    db.session.flush()
    record(_who(actor), history.DESCRIPTORS_LOADED, field="Version 1", after=files.recorded)


def draft() -> DescriptorSet | None:
    return db.session.scalars(select(DescriptorSet).options(joinedload(DescriptorSet.updated_by))
                              .where(DescriptorSet.state == "draft")).first()


def start_draft(actor: Actor) -> DescriptorSet:
    """The one draft: the one already started, or a new one copied from the current version. Two
    editors starting at the same moment meet the unique draft slot, and the second is run again
    (transactions.py) and finds the first one's draft."""
    require(can_edit_descriptors(actor), "Only the QA lead and practice leads edit the grade descriptors")
    found = draft()
    if found:
        return found
    ensure_first(actor)
    base, now = current(), clock.now()
    row = DescriptorSet(state="draft", draft_slot=1, content=to_content(base.descriptors), created_at=now,
                        created_by_id=actor.id, updated_at=now, updated_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(_who(actor), history.DESCRIPTORS_DRAFT_STARTED, field="Draft", after=f"From version {base.number}")
    return row


def indicator_lines(text: str | None) -> list[str]:
    """One indicator a line; blank lines and a leading bullet ("- ", "• ") are dropped."""
    return [BULLET.sub("", line).strip() for line in (text or "").splitlines() if BULLET.sub("", line).strip()]


def _problem(lines: list[str], where: str) -> str | None:
    if not lines:
        return f"Enter at least one indicator for {where}: a grade without indicators cannot be judged"
    if len(lines) > MAX_INDICATORS:
        return f"{where} has {len(lines)} indicators: enter {MAX_INDICATORS} or fewer"
    long = next((n for n, line in enumerate(lines, 1) if len(line) > MAX_INDICATOR), None)
    if long:
        return f"Indicator {long} for {where} must be {MAX_INDICATOR} characters or fewer"
    broken = next((n for n, line in enumerate(lines, 1) if "\n" in line or "\r" in line), None)
    if broken:  # only from a file: the form splits lines into indicators
        return f"Indicator {broken} for {where} must be on one line"
    tagged = next((n for n, line in enumerate(lines, 1) if HTML.search(line)), None)
    if tagged:
        return f"Indicator {tagged} for {where} must be plain text: remove the HTML (the part starting with <)"
    return None


def save_domain(actor: Actor, row: DescriptorSet, key: str, texts: dict[str, str],
                expected_version: int | None = None) -> bool:
    """One domain's indicators for each grade (grade key -> text, one indicator a line). All or
    nothing: every grade's problem is named at its field. False when nothing changed."""
    require(can_edit_descriptors(actor), "Only the QA lead and practice leads edit the grade descriptors")
    if row.state != "draft" or key not in DOMAINS:
        raise RuleError("Only a draft can be changed: a published version never changes")
    check_version(row.version, expected_version, "This draft")
    wanted = {grade_key: indicator_lines(texts.get(grade_key)) for grade_key in GRADE_KEYS}
    problems = {grade_key: problem for grade_key, lines in wanted.items()
                if (problem := _problem(lines, f"{GRADE_KEYS[grade_key].label} ({DOMAINS[key].lower()})"))}
    if problems:
        raise Invalid(problems)
    before = row.content[key]["grades"]
    changed = [grade_key for grade_key in GRADE_KEYS if before.get(grade_key, []) != wanted[grade_key]]
    if not changed:
        return False
    claim_version(row, "version", "This draft")
    for grade_key in changed:
        record(_who(actor), history.DESCRIPTORS_DRAFT_CHANGED, field=f"{DOMAINS[key]}: {GRADE_KEYS[grade_key].label}",
               before="\n".join(before.get(grade_key, [])), after="\n".join(wanted[grade_key]))
    # A new dictionary rather than a change inside the old one: JSON columns notice assignment only.
    row.content = {**row.content, key: {**row.content[key], "grades": wanted}}
    row.updated_at, row.updated_by_id = clock.now(), actor.id
    db.session.flush()
    return True


def draft_changes(row: DescriptorSet) -> list[DomainChanges]:
    """The draft against the current version: what publishing it would change."""
    return differences(current().descriptors, to_descriptors(row.content, None))


def changes_since(seen: int | None) -> list[Event]:
    """The draft's history entries after `seen`: what another editor changed since a form was opened."""
    return list(db.session.scalars(select(Event).options(*EVENT_ROW)
                                   .where(Event.id > (seen or 0), Event.audit_id.is_(None),
                                          Event.action.in_(DRAFT_ENTRIES)).order_by(Event.id)))


def newest_entry() -> int:
    return db.session.scalar(select(func.max(Event.id))) or 0


def _check_whole(content: dict) -> None:
    """Refuse a set that would leave any grade of any domain without indicators (the draft is
    checked domain by domain as it is saved; this holds for an import and for what is stored)."""
    for key, name in DOMAINS.items():
        for grade_key, grade in GRADE_KEYS.items():
            problem = _problem(content.get(key, {}).get("grades", {}).get(grade_key, []),
                               f"{grade.label} ({name.lower()})")
            if problem:
                raise RuleError(problem)


def publish(actor: Actor, row: DescriptorSet, note: str, expected_version: int | None = None) -> DescriptorSet:
    """The draft becomes the next version, dated today, with the note of what changed. Each changed
    domain's version moves on, so the string audits record names exactly what they read."""
    require(can_edit_descriptors(actor), "Only the QA lead and practice leads publish the grade descriptors")
    if row.state != "draft":
        raise RuleError("This version is already published: published versions never change")
    check_version(row.version, expected_version, "This draft")
    note = version_note(note)
    _check_whole(row.content)
    ensure_first(actor)
    base = current()
    if not differences(base.descriptors, to_descriptors(row.content, None)):
        raise RuleError(f"Nothing has changed since version {base.number}: change an indicator first, "
                        "or discard the draft")
    claim_version(row, "version", "This draft")
    number, today = base.number + 1, clock.today()
    content = {key: {**part, "version": part["version"] if part["grades"] == to_content(base.descriptors)
               .get(key, {}).get("grades") else f"{today.year}.{number}"} for key, part in row.content.items()}
    _store_published(actor, row, number, content, note, today)
    record(_who(actor), history.DESCRIPTORS_PUBLISHED, field=f"Version {number}", after=note)
    return row


def _store_published(actor: Actor, row: DescriptorSet, number: int, content: dict, note: str, on: date) -> None:
    recorded = descriptors_version(to_descriptors(content, on))
    # Not flushed first: an imported row is new and already "published", and the database refuses
    # any change to a published row (migration 0029), so it must be written once, whole.
    with db.session.no_autoflush:
        taken = db.session.scalar(select(DescriptorSet.number).where(DescriptorSet.recorded == recorded))
    if taken:
        raise RuleError(f"Version {taken} already records these domain versions ({recorded}): "
                        "raise the version of each changed domain")
    now = clock.now()
    row.state, row.number, row.draft_slot, row.recorded, row.content = "published", number, None, recorded, content
    row.note, row.published_on, row.published_at, row.published_by_id = note, on, now, actor.id
    row.updated_at, row.updated_by_id = now, actor.id
    db.session.flush()


def discard(actor: Actor, row: DescriptorSet, expected_version: int | None = None) -> None:
    """A draft nobody has published goes; published versions are never deleted."""
    require(can_edit_descriptors(actor), "Only the QA lead and practice leads edit the grade descriptors")
    if row.state != "draft":
        raise RuleError("A published version is never deleted")
    check_version(row.version, expected_version, "This draft")
    claim_version(row, "version", "This draft")
    changed = len(draft_changes(row))
    db.session.delete(row)
    record(_who(actor), history.DESCRIPTORS_DRAFT_DISCARDED, field="Draft", before=f"{changed} domains changed")
    db.session.flush()


def import_descriptors(actor: Actor, descriptors: dict[str, Descriptor], note: str) -> Version | None:
    """Descriptor files (read and checked by grading.load_descriptors) published as the next
    version, keeping the files' own domain versions and date, so a council's document control and
    the service name them alike. None when they are the current version already. An open draft
    stays a draft: whoever publishes it sees its changes against this version."""
    require(can_edit_descriptors(actor), "Only the QA lead and practice leads import the grade descriptors")
    content = to_content(descriptors)
    _check_whole(content)
    ensure_first(actor)
    base = current()
    if not differences(base.descriptors, descriptors):
        return None
    on = max((d.published for d in descriptors.values() if d.published), default=None) or clock.today()
    now = clock.now()
    row = DescriptorSet(state="published", content=content, created_at=now, created_by_id=actor.id,
                        updated_at=now, updated_by_id=actor.id)
    db.session.add(row)
    note = (note or "").strip()[:MAX_NOTE] or "Imported from descriptor files"
    _store_published(actor, row, base.number + 1, content, note, on)
    record(_who(actor), history.DESCRIPTORS_IMPORTED, field=f"Version {base.number + 1}", after=note)
    return numbered(base.number + 1)
