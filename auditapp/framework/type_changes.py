"""What changed between two versions of an audit type: its settings, the domains it grades, and
its questions added, removed and changed (for the version page, the publish page and the history)."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from auditapp.framework.type_content import Design, Question
from auditapp.grading import DOMAINS, GRADE_KEYS
from auditapp.models.sets import COURSES, QUESTION_KINDS


@dataclass(frozen=True)
class QuestionChange:
    number: int  # its position in the newer version (the older one's for a removed question)
    text: str
    how: str  # "added", "removed" or "changed"
    details: list[str] = field(default_factory=list)  # what changed, in words, for a changed one


@dataclass(frozen=True)
class TypeChanges:
    settings: list[str] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.settings or self.questions)

    def words(self) -> list[str]:
        return self.settings + [f"Question {q.number} {q.how}: {q.text}" +
                                (f" ({'; '.join(q.details)})" if q.details else "") for q in self.questions]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _question_details(before: Question, after: Question) -> list[str]:
    found = []
    if before.text != after.text:
        found.append(f"wording was ‘{before.text}’")
    if before.kind != after.kind:
        found.append(f"answer was {QUESTION_KINDS[before.kind].lower()}, now {QUESTION_KINDS[after.kind].lower()}")
    if before.hint != after.hint:
        found.append("hint changed")
    if before.required != after.required:
        found.append("now required" if after.required else "now optional")
    if after.kind == "grade" and before.descriptors != after.descriptors:
        changed = [grade.label.lower() for key, grade in GRADE_KEYS.items()
                   if before.descriptors.get(key) != after.descriptors.get(key)]
        found.append("short descriptors changed for " + ", ".join(changed))
    return found


def _key(q: Question) -> tuple:
    return (q.kind, q.text, q.hint, q.required, tuple(sorted(q.descriptors.items())))


def differences(before: Design | None, after: Design) -> TypeChanges:
    """Everything that differs; all of `after` as added when there is no earlier version."""
    if before is None:
        return TypeChanges(["First version"], [QuestionChange(q.number, q.text, "added") for q in after.questions])
    settings = []
    if before.purpose != after.purpose:
        settings.append("Purpose changed")
    if before.course != after.course:
        settings.append(f"How it runs: was {COURSES[before.course].lower()}, now {COURSES[after.course].lower()}")
    if before.family_contact != after.family_contact:
        settings.append(f"Family contact applies: now {_yes(after.family_contact)}")
    if before.consent_first != after.consent_first:
        settings.append(f"The family's consent first: now {_yes(after.consent_first)}")
    added = [DOMAINS[k] for k in after.domains if k not in before.domains]
    removed = [DOMAINS[k] for k in before.domains if k not in after.domains]
    if added:
        settings.append("Domains graded now include " + ", ".join(added))
    if removed:
        settings.append("Domains no longer graded: " + ", ".join(removed))
    questions: list[QuestionChange] = []
    old, new = list(before.questions), list(after.questions)
    matcher = SequenceMatcher(a=[q.text for q in old], b=[q.text for q in new], autojunk=False)
    for op, b1, b2, a1, a2 in matcher.get_opcodes():
        if op == "equal":
            for o, n in zip(old[b1:b2], new[a1:a2]):
                if _key(o) != _key(n) or o.number != n.number:
                    details = _question_details(o, n) + ([f"was question {o.number}"] if o.number != n.number else [])
                    questions.append(QuestionChange(n.number, n.text, "changed", details))
            continue
        pairs = min(b2 - b1, a2 - a1) if op == "replace" else 0
        for o, n in zip(old[b1:b1 + pairs], new[a1:a1 + pairs]):
            questions.append(QuestionChange(n.number, n.text, "changed", _question_details(o, n)))
        questions += [QuestionChange(o.number, o.text, "removed") for o in old[b1 + pairs:b2]]
        questions += [QuestionChange(n.number, n.text, "added") for n in new[a1 + pairs:a2]]
    return TypeChanges(settings, sorted(questions, key=lambda q: (q.number, q.how != "removed")))
