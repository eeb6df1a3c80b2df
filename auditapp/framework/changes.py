"""What changed between two versions of the grade descriptors: indicators added, removed and
changed, domain by domain and grade by grade (for the version page, the publish page and the
conflict page of a draft)."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from auditapp.grading import DOMAINS, GRADES_BEST_FIRST, Descriptor, Grade


@dataclass(frozen=True)
class GradeChanges:
    grade: Grade
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)  # (before, after)


@dataclass(frozen=True)
class DomainChanges:
    key: str
    name: str
    grades: list[GradeChanges]


def grade_changes(grade: Grade, before: list[str], after: list[str]) -> GradeChanges | None:
    """Lines matched in order: a line replaced in place is "changed" (its wording revised), an
    extra one "added", a missing one "removed"; None when the two lists are the same."""
    if before == after:
        return None
    found = GradeChanges(grade)
    for op, b1, b2, a1, a2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "insert":
            found.added.extend(after[a1:a2])
        elif op == "delete":
            found.removed.extend(before[b1:b2])
        elif op == "replace":
            pairs = min(b2 - b1, a2 - a1)
            found.changed.extend(zip(before[b1:b1 + pairs], after[a1:a1 + pairs], strict=True))
            found.removed.extend(before[b1 + pairs:b2])
            found.added.extend(after[a1 + pairs:a2])
    return found


def differences(before: dict[str, Descriptor], after: dict[str, Descriptor]) -> list[DomainChanges]:
    """Every domain with a change, in the service's order of domains and grades (best first)."""
    found = []
    for key, name in DOMAINS.items():
        grades = [changes for grade in GRADES_BEST_FIRST
                  if (changes := grade_changes(grade, _lines(before, key, grade), _lines(after, key, grade)))]
        if grades:
            found.append(DomainChanges(key, name, grades))
    return found


def _lines(descriptors: dict[str, Descriptor], key: str, grade: Grade) -> list[str]:
    descriptor = descriptors.get(key)
    return list(descriptor.indicators.get(grade, [])) if descriptor else []
