"""An audit type version's design as plain values: the one place its JSON content is read and
written, checked, and turned into the questions an audit asks.

Answers are kept in ReviewAnswer(review_id, number, answer): `number` is the question's position
from 1, and `answer` a canonical string by kind (see `canonical`)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from auditapp.framework.notes import HTML
from auditapp.grading import DOMAINS, GRADE_KEYS
from auditapp.models import Audit, Cycle
from auditapp.models.sets import BLIND_DUAL, COURSES, QUESTION_KINDS, YES_NO_NA

MAX_NAME = 120
MAX_PURPOSE = 2000
MAX_QUESTION = 500
MAX_HINT = 1000
MAX_DESCRIPTOR = 300
MAX_QUESTIONS = 60
MAX_ANSWER = 3000


@dataclass(frozen=True)
class Question:
    number: int  # its position from 1: the ReviewAnswer.number of its answers
    kind: str  # a key of QUESTION_KINDS
    text: str
    hint: str = ""
    required: bool = True
    descriptors: dict[str, str] = field(default_factory=dict)  # grade key -> short descriptor (grades only)


@dataclass(frozen=True)
class Design:
    """A version's content with its course: what an audit of it asks and how it runs."""

    course: str
    name: str = ""  # the type's name as this version has it (the type takes it when it is published)
    purpose: str = ""
    family_contact: bool = False
    consent_first: bool = False
    domains: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()

    def to_content(self) -> dict[str, Any]:
        return {"name": self.name, "purpose": self.purpose, "family_contact": self.family_contact,
                "consent_first": self.consent_first, "domains": list(self.domains),
                "questions": [{"kind": q.kind, "text": q.text, "hint": q.hint, "required": q.required,
                               **({"descriptors": dict(q.descriptors)} if q.kind == "grade" else {})}
                              for q in self.questions]}


def design_of(course: str, content: dict[str, Any]) -> Design:
    questions = tuple(
        Question(n, str(q.get("kind", "text")), str(q.get("text", "")), str(q.get("hint") or ""),
                 bool(q.get("required", True)), {k: str(v) for k, v in (q.get("descriptors") or {}).items()})
        for n, q in enumerate(content.get("questions") or [], 1))
    return Design(course, str(content.get("name") or ""), str(content.get("purpose") or ""),
                  bool(content.get("family_contact")),
                  bool(content.get("consent_first")),
                  tuple(k for k in DOMAINS if k in (content.get("domains") or [])), questions)


def cycle_design(cycle: Cycle) -> Design | None:
    """The design an audit of this cycle follows: its pinned type version's (which must be loaded
    with the cycle: loading.CYCLE_WITH_TYPE), or None for the monthly random sample."""
    if cycle.type_version_id is None:
        return None
    version = cycle.type_version
    assert version is not None
    return design_of(version.course, version.content)


def awaits_consent(audit: Audit) -> bool:
    """The audit's type asks the family's consent before anything else is recorded, and none is
    recorded yet: until it is, the audit form asks it and nothing else about the audit is saved."""
    design = cycle_design(audit.cycle)
    return bool(design and design.consent_first and audit.consent is None)


def questions_of(cycle: Cycle) -> tuple[Question, ...]:
    design = cycle_design(cycle)
    return design.questions if design else ()


def problems(design: Design) -> dict[str, str]:
    """What stops a design being saved (drafts) or published, by field; empty when it may be."""
    found: dict[str, str] = {}

    def plain(key: str, value: str, called: str, limit: int) -> None:
        if HTML.search(value):
            found[key] = f"{called} must be plain text, without HTML"
        elif len(value) > limit:
            found[key] = f"{called} must be {limit} characters or fewer"

    if not design.name.strip():
        found["name"] = "Enter the name of the audit type"
    plain("name", design.name, "The name", MAX_NAME)
    plain("purpose", design.purpose, "The purpose", MAX_PURPOSE)
    if design.course not in COURSES:
        found["course"] = "Choose how an audit of this type runs"
    if not design.domains and not design.questions:
        found["questions"] = "Choose at least one domain or add at least one question: there is nothing to answer"
    elif design.course == BLIND_DUAL and not design.domains:
        # Moderation settles the two auditors' domain grades: with none, there is nothing to moderate.
        found["domains"] = "A blind dual audit grades at least one domain: choose one, or a single audit"
    if len(design.questions) > MAX_QUESTIONS:
        found["questions"] = f"An audit type can have up to {MAX_QUESTIONS} questions"
    for q in design.questions:
        key = f"question_{q.number}"
        if q.kind not in QUESTION_KINDS:
            found[f"{key}_kind"] = f"Choose the kind of answer question {q.number} takes"
        if not q.text.strip():
            found[f"{key}_text"] = f"Enter the text of question {q.number}"
        plain(f"{key}_text", q.text, f"Question {q.number}", MAX_QUESTION)
        plain(f"{key}_hint", q.hint, f"The hint of question {q.number}", MAX_HINT)
        if q.kind == "grade":
            for grade_key in GRADE_KEYS:
                text = q.descriptors.get(grade_key, "")
                if not text.strip():
                    found[f"{key}_{grade_key}"] = (f"Enter question {q.number}'s short descriptor for "
                                                   f"{grade_key.replace('_', ' ')}")
                plain(f"{key}_{grade_key}", text, f"Question {q.number}'s descriptor", MAX_DESCRIPTOR)
    return found


def canonical(question: Question, typed: str) -> tuple[str | None, str | None]:
    """(the answer as stored, or None for no answer; a problem naming the question, or None).
    Grades: a grade key of grading.GRADE_KEYS; yes / no: "yes", "no", "not applicable"; a number:
    a plain decimal ("12", "2.5"); a date: ISO ("2026-11-30"); text: as typed, trimmed."""
    typed = (typed or "").strip()
    if not typed:
        return None, None
    called = f"question {question.number}"
    if question.kind == "grade":
        return (typed, None) if typed in GRADE_KEYS else (None, f"Choose a grade for {called}")
    if question.kind == "yes no":
        return (typed, None) if typed in YES_NO_NA else (None, f"Choose yes, no or not applicable for {called}")
    if question.kind == "number":
        try:
            number = Decimal(typed.replace(",", ""))
        except InvalidOperation:
            return None, f"Enter a number for {called}, like 3 or 2.5"
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            return None, f"Enter a number for {called}, like 3 or 2.5"
        return format(number.normalize(), "f"), None
    if question.kind == "date":
        try:
            return date.fromisoformat(typed).isoformat(), None
        except ValueError:
            return None, f"Enter a real date for {called}"
    if len(typed) > MAX_ANSWER:
        return None, f"The answer to {called} must be {MAX_ANSWER} characters or fewer"
    return typed, None


def percent_met(questions: tuple[Question, ...], answers: dict[int, str | None]) -> float | None:
    """The share of yes / no items answered yes, not counting "not applicable" (None if none count)."""
    counted = [answers.get(q.number) for q in questions
               if q.kind == "yes no" and answers.get(q.number) in ("yes", "no")]
    return sum(1 for a in counted if a == "yes") / len(counted) if counted else None
