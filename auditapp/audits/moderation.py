"""Moderation: A and B compared, the final grade set with a rationale, sign-off and reopening."""

from dataclasses import dataclass, field

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, NotAllowed, RuleError
from auditapp.extensions import db
from auditapp.findings import actions
from auditapp.framework import descriptors
from auditapp.grading import JUDGEMENTS, crosses_good_line, grade_label
from auditapp.history import record
from auditapp.models import Audit, ModeratedGrade, User
from auditapp.models.sets import KEY_ISSUES
from auditapp.month import reaudits
from auditapp.permissions import can_moderate, can_reopen, require


@dataclass
class Comparison:
    key: str
    name: str
    grade_a: int
    grade_b: int

    @property
    def steps_apart(self) -> int:
        return abs(self.grade_a - self.grade_b)

    @property
    def crosses_good_line(self) -> bool:
        return crosses_good_line(self.grade_a, self.grade_b)


def _said(attr: str, value: str | None) -> str | None:
    # Key issues are stored as yes/partly/no; the history says them as people read them.
    return KEY_ISSUES.get(value or "") if attr.startswith("key_issues") else value


def compare(audit: Audit) -> list[Comparison]:
    """A beside B for each domain and overall; only once both are submitted."""
    a, b = audit.review("A"), audit.review("B")
    if a is None or b is None:
        return []
    judged = set(audit.cycle.domain_keys) | {"overall"}  # a targeted audit may judge fewer domains
    pairs = [(key, name, a.grade_value(key), b.grade_value(key)) for key, name in JUDGEMENTS.items() if key in judged]
    # A submitted audit grades every domain it judges, so a pair missing a grade is never shown.
    return [Comparison(key, name, grade_a, grade_b) for key, name, grade_a, grade_b in pairs
            if grade_a is not None and grade_b is not None]


def needs_rationale(grade_a: int, grade_b: int, final: int | None) -> bool:
    """A rationale is owed wherever A and B disagree or the final grade differs from either."""
    return not (grade_a == grade_b == final)


@dataclass
class ModerationEntry:
    grades: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(JUDGEMENTS))
    rationales: dict[str, str] = field(default_factory=lambda: dict.fromkeys(JUDGEMENTS, ""))
    key_issues_a: str | None = None
    key_issues_b: str | None = None
    feedback_a: str = ""
    feedback_b: str = ""


def entry_from_audit(audit: Audit) -> ModerationEntry:
    entry = ModerationEntry(
        key_issues_a=audit.key_issues_a, key_issues_b=audit.key_issues_b,
        feedback_a=audit.feedback_a or "", feedback_b=audit.feedback_b or "",
    )
    for row in audit.moderated_grades:
        entry.grades[row.domain] = row.grade
        entry.rationales[row.domain] = row.rationale or ""
    return entry


def problems(audit: Audit, entry: ModerationEntry) -> dict[str, str]:
    """What sign-off needs, keyed by form field, in the order of the form."""
    found = {}
    for row in compare(audit):
        final = entry.grades[row.key]
        if final is None:
            found[f"{row.key}_grade"] = f"Select the moderated grade for {row.name.lower()}"
        if needs_rationale(row.grade_a, row.grade_b, final) and not entry.rationales[row.key].strip():
            found[f"{row.key}_rationale"] = (
                f"Enter the rationale for {row.name.lower()}: the auditors' grades differ "
                "or the moderated grade differs from theirs"
            )
    for role in ("a", "b"):
        # Whether each audit found the key issues is how missed deficits come to light.
        if getattr(entry, f"key_issues_{role}") not in KEY_ISSUES:
            found[f"key_issues_{role}"] = f"Select whether auditor {role.upper()} identified the key issues"
        if not getattr(entry, f"feedback_{role}").strip():
            found[f"feedback_{role}"] = f"Enter feedback for auditor {role.upper()}"
    return found


MODERATION_ACTIONS = {history.MODERATED_GRADE_SAVED, history.RATIONALE_SAVED, history.MODERATION_SAVED}


def moderated_against(audit: Audit) -> str:
    """The version a moderation is graded against: the one already recorded, else the one the
    auditors graded against (A's, then B's), so all three judge by the same words."""
    reviewed = [r.descriptor_version for r in (audit.review("A"), audit.review("B")) if r and r.descriptor_version]
    return audit.descriptor_version or (reviewed[0] if reviewed else descriptors.current().recorded)


def save_moderation(actor: User, audit: Audit, entry: ModerationEntry, expected_version: int | None = None) -> None:
    if not can_moderate(actor, audit):
        raise NotAllowed("Only the allocated moderator can moderate, once both audits are in")
    check_version(audit.moderation_version, expected_version, "This moderation")
    claim_version(audit, "moderation_version", "This moderation")
    # The moderator grades against one version from their first save to sign-off, as auditors do.
    audit.descriptor_version = moderated_against(audit)
    for key, name in JUDGEMENTS.items():
        row = audit.moderated_grade(key)
        if row is None:
            row = ModeratedGrade(domain=key)
            audit.moderated_grades.append(row)
        final, rationale = entry.grades[key], entry.rationales[key].strip() or None
        if row.grade != final:
            record(actor, history.MODERATED_GRADE_SAVED, audit, field=name,
                   before=grade_label(row.grade), after=grade_label(final))
        if (row.rationale or None) != rationale:
            record(actor, history.RATIONALE_SAVED, audit, field=name, before=row.rationale, after=rationale)
        row.grade, row.rationale = final, rationale
    for attr, label in (("key_issues_a", history.KEY_ISSUES_OF["A"]),
                        ("key_issues_b", history.KEY_ISSUES_OF["B"]),
                        ("feedback_a", history.FEEDBACK_TO["A"]),
                        ("feedback_b", history.FEEDBACK_TO["B"])):
        value = getattr(entry, attr)
        value = value.strip() or None if isinstance(value, str) else value
        if getattr(audit, attr) != value:
            record(actor, history.MODERATION_SAVED, audit, field=label, before=_said(attr, getattr(audit, attr)),
                   after=_said(attr, value))
            setattr(audit, attr, value)
    db.session.flush()


def blockers(audit: Audit) -> list[str]:
    """What stops sign-off outside the moderation form itself: an open safeguarding concern, and
    proposed actions not yet confirmed or removed."""
    found = []
    if audit.open_concerns:
        found.append("This audit cannot be signed off while an immediate safeguarding concern is open: "
                     "record the response to it first")
    undecided = actions.undecided(audit)
    if undecided:
        found.append(f"Confirm or remove the {undecided} proposed "
                     f"{'action' if undecided == 1 else 'actions'} listed under Actions to decide before signing off")
    return found


@dataclass
class StillNeeded:
    """What stops a sign-off: answers the form still needs (by field), and what must happen
    elsewhere first (a concern answered, proposed actions decided)."""

    answers: dict[str, str] = field(default_factory=dict)
    elsewhere: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.answers or self.elsewhere)


def still_needed(audit: Audit, entry: ModerationEntry) -> StillNeeded:
    return StillNeeded(problems(audit, entry), blockers(audit))


def save_for_sign_off(actor: User, audit: Audit, entry: ModerationEntry, expected_version: int | None,
                      *, sign: bool) -> StillNeeded:
    """The moderator asked to sign off (or, with `sign` false, to check before signing off). The
    moderation is saved either way, so a refused sign-off loses nothing typed; it is signed off
    only when nothing is still needed. Returns what is still needed (empty when it was not)."""
    save_moderation(actor, audit, entry, expected_version)
    needed = still_needed(audit, entry)
    if sign and not needed:
        _sign(actor, audit, entry)
    return needed


def sign_off(actor: User, audit: Audit, entry: ModerationEntry, expected_version: int | None = None) -> None:
    """All or nothing (the check page's one step, the demo): refused with what is still needed."""
    needed = save_for_sign_off(actor, audit, entry, expected_version, sign=True)
    if needed.answers:
        raise Invalid(needed.answers)
    if needed.elsewhere:
        raise RuleError(needed.elsewhere[0])


def _sign(actor: User, audit: Audit, entry: ModerationEntry) -> None:
    audit.signed_off_at = clock.now()
    audit.signed_off_by_id = actor.id
    record(actor, history.SIGNED_OFF, audit, after=grade_label(entry.grades["overall"]))
    reaudits.schedule_if_inadequate(actor, audit, entry.grades["overall"])
    db.session.flush()


def reopen(actor: User, audit: Audit, reason: str) -> None:
    require(can_reopen(actor), "Only the QA lead can reopen a signed-off audit")
    if audit.signed_off_at is None:
        raise RuleError("This audit is not signed off")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Enter the reason for reopening the audit", "reason")
    record(actor, history.REOPENED, audit, before=f"signed off {clock.day_text(audit.signed_off_at)}", after=reason)
    audit.signed_off_at = None
    audit.signed_off_by_id = None
    reaudits.cancel_on_reopen(actor, audit)
    db.session.flush()
