"""A type's summary (issue 24): the figures of the finished audits of one audit type over a period,
computed once here for the page and the workbook.

Blind review holds as in the monthly summary: nothing from an audit still in progress is read, only
its count. An audit counts once finished (signed off, not withdrawn, its cycle not cancelled, the
family's consent not refused); the answers that count are the final ones of the contract
(framework/type_answers.final_answers: auditor B's, submitted). Audits ended because the family
refused consent are counted apart and enter no figure's denominator.

Questions are matched by their position within a version (ReviewAnswer.number), and across versions
by identical wording and kind: a reworded question is a new row. Domain grades are the moderated
grades of a blind dual audit, and auditor B's own of a single audit (with or without review)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from statistics import median
from typing import NamedTuple

from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.framework.type_answers import final_answers
from auditapp.framework.type_content import Design, Question, design_of
from auditapp.grading import DOMAINS, GRADE_KEYS, GRADES_BEST_FIRST, OVERALL
from auditapp.models import CASE_TYPES, Audit, AuditType, AuditTypeVersion, Case, Cycle, Team
from auditapp.models.sets import BLIND_DUAL, case_type_key
from auditapp.remembered import remembered
from auditapp.reports import stats
from auditapp.reports.facts import Judgements
from auditapp.reports.periods import Period
from auditapp.reports.summary import GradeCounts
from auditapp.rounding import MIN_N, TOO_FEW

REFUSED = "refused"


@dataclass(frozen=True)
class TypeScope:
    """Which audits of a type a summary covers: the months they were started in, one version or all,
    and optionally one team and one case type (its label)."""

    type_id: int
    period: Period
    version: int | None = None  # a published version's number; None: every version
    team: str | None = None
    case_type: str | None = None


@dataclass
class QuestionFigures:
    """One question's figures over the finished audits that ask it."""

    key: str  # "q1", "q2" … in the order shown
    kind: str  # a key of sets.QUESTION_KINDS
    text: str
    versions: tuple[int, ...]  # the numbers of the versions that ask it (so worded, of this kind)
    asked: int = 0  # finished audits whose version asks it
    answered: int = 0
    grades: GradeCounts | None = None  # a grade question's counts
    yes: int = 0
    no: int = 0
    not_applicable: int = 0
    numbers: list[Decimal] = field(default_factory=list)

    @property
    def met_n(self) -> int:
        """What % met is out of: yes and no ("not applicable" left out)."""
        return self.yes + self.no

    @property
    def pct_met(self) -> float | None:
        return stats.share(self.yes, self.met_n)

    @property
    def judged(self) -> bool:
        """Enough answers for a median and range (the small-number rule of every figure)."""
        return self.answered >= MIN_N

    @property
    def median(self) -> Decimal | None:
        return Decimal(median(self.numbers)) if self.numbers and self.judged else None

    @property
    def lowest(self) -> Decimal | None:
        return min(self.numbers) if self.numbers and self.judged else None

    @property
    def highest(self) -> Decimal | None:
        return max(self.numbers) if self.numbers and self.judged else None


@dataclass(frozen=True)
class TypedAudit:
    """One finished audit of the type, as its list and the workbook's Audits sheet show it."""

    audit_id: int
    reference: str
    team: str
    case_type: str
    month: str  # the month it was started in
    version: int
    allocated: datetime
    finished: datetime
    answers: dict[str, str]  # question key -> canonical answer
    pct_met: float | None  # of its own yes / no items


@dataclass
class TypeSummary:
    type_id: int
    name: str
    period_words: str
    version_words: str  # "every version (1 and 2)", "version 2"
    started: int = 0  # audits of the type started in the period, not withdrawn
    finished: int = 0
    in_progress: int = 0
    consent_refused: int = 0  # ended: consent refused (counted apart, in no figure)
    withdrawn: int = 0
    questions: list[QuestionFigures] = field(default_factory=list)
    domains: dict[str, GradeCounts] = field(default_factory=dict)  # judgement -> counts (with overall)
    audits: list[TypedAudit] = field(default_factory=list)  # the finished ones, by month then audit
    matched_across_versions: bool = False

    def of_kind(self, kind: str) -> list[QuestionFigures]:
        return [q for q in self.questions if q.kind == kind]

    @property
    def all_items(self) -> QuestionFigures:
        """Every yes / no item pooled: yes ÷ (yes + no) over all of them."""
        pooled = QuestionFigures("all", "yes no", "All items", ())
        for q in self.of_kind("yes no"):
            pooled.yes, pooled.no = pooled.yes + q.yes, pooled.no + q.no
            pooled.not_applicable += q.not_applicable
        return pooled


def published_versions(type_id: int) -> list[AuditTypeVersion]:
    """The type's published versions, oldest first (one statement)."""
    return list(db.session.scalars(select(AuditTypeVersion).where(
        AuditTypeVersion.audit_type_id == type_id, AuditTypeVersion.state == "published")
        .order_by(AuditTypeVersion.number)))


def _question_rows(designs: dict[int, Design], chosen: int | None) -> tuple[list[QuestionFigures],
                                                                            dict[tuple[int, int], QuestionFigures]]:
    """The rows shown, and (version number, question number) -> its row. One version: by position.
    Every version: the newest version's questions first, then older ones no newer version asks in
    those words; identical text and kind make one row."""
    rows: list[QuestionFigures] = []
    where: dict[tuple[int, int], QuestionFigures] = {}
    by_words: dict[tuple[str, str], QuestionFigures] = {}
    for number in sorted(designs, reverse=True):
        if chosen is not None and number != chosen:
            continue
        for q in designs[number].questions:
            words = (q.kind, " ".join(q.text.split()).casefold())
            row = by_words.get(words)
            if row is None:
                row = QuestionFigures(f"q{len(rows) + 1}", q.kind, q.text, ())
                by_words[words] = row
                rows.append(row)
            row.versions = tuple(sorted({*row.versions, number}))
            where[number, q.number] = row
    return rows, where


def _count(row: QuestionFigures, question: Question, answer: str | None) -> None:
    row.asked += 1
    if answer is None:
        return
    row.answered += 1
    if question.kind == "grade" and answer in GRADE_KEYS:
        assert row.grades is not None
        row.grades.counts[int(GRADE_KEYS[answer])] += 1
        row.grades.n += 1
    elif question.kind == "yes no":
        if answer == "yes":
            row.yes += 1
        elif answer == "no":
            row.no += 1
        else:
            row.not_applicable += 1
    elif question.kind == "number":
        try:
            row.numbers.append(Decimal(answer))
        except InvalidOperation:  # never stored so (type_content.canonical), but a figure must not fail on it
            row.answered -= 1


def _empty_counts() -> GradeCounts:
    return GradeCounts({int(g): 0 for g in GRADES_BEST_FIRST}, 0)


class _Finished(NamedTuple):
    audit_id: int
    month: str
    version_id: int
    reference: str
    team: str
    case_type: str  # its label
    allocated: datetime
    signed_off: datetime


def summarise_type(scope: TypeScope) -> TypeSummary:
    """The type's figures: about six statements, whatever the number of audits."""
    kind = db.session.get(AuditType, scope.type_id)
    assert kind is not None
    versions = published_versions(scope.type_id)
    designs = {v.number: design_of(v.course, v.content) for v in versions if v.number is not None}
    courses: dict[int, tuple[int, str]] = {v.id: (v.number, v.course) for v in versions if v.number is not None}
    summary = TypeSummary(kind.id, kind.name, scope.period.words, _version_words(designs, scope.version),
                          matched_across_versions=scope.version is None and len(designs) > 1)
    rows, where = _question_rows(designs, scope.version)
    for row in rows:
        if row.kind == "grade":
            row.grades = _empty_counts()
    summary.questions = rows

    query = (select(Audit.id, Cycle.month, Cycle.type_version_id, Case.reference, Team.name, Case.case_type,
                    Audit.allocated_at, Audit.signed_off_at, Audit.withdrawn_at, Audit.consent)
             .join(Cycle, Cycle.id == Audit.cycle_id).join(Case, Case.id == Audit.case_id)
             .join(Team, Team.id == Case.team_id)
             .where(Cycle.type_version_id.in_(list(courses)), Cycle.cancelled_at.is_(None),
                    Cycle.month.in_(scope.period.months)))
    if scope.version is not None:
        query = query.where(Cycle.type_version_id.in_([i for i, (n, _) in courses.items() if n == scope.version]))
    if scope.team:
        query = query.where(Team.name == scope.team)
    if scope.case_type:
        query = query.where(Case.case_type == case_type_key(scope.case_type))
    finished: list[_Finished] = []
    for found in db.session.execute(query.order_by(Cycle.month, Audit.id)) if courses else ():
        audit_id, month, version_id, reference, team, case_type, allocated, signed_off, withdrawn, consent = found
        if withdrawn is not None:
            summary.withdrawn += 1
            continue
        summary.started += 1
        if signed_off is None:
            summary.in_progress += 1
        elif consent == REFUSED:
            summary.consent_refused += 1
        elif version_id is not None:  # always (the statement joins on it); said for the type checker
            finished.append(_Finished(audit_id, month, version_id, reference, team, CASE_TYPES[case_type],
                                      allocated, signed_off))
    summary.finished = len(finished)

    answers = final_answers([f.audit_id for f in finished])
    for f in finished:
        number, _ = courses[f.version_id]
        given = answers.get(f.audit_id, {})
        keyed: dict[str, str] = {}
        for q in designs[number].questions:
            answer = given.get(q.number)
            _count(where[number, q.number], q, answer)
            if answer is not None:
                keyed[where[number, q.number].key] = answer
        met = [keyed.get(where[number, q.number].key) for q in designs[number].questions if q.kind == "yes no"]
        counted = [a for a in met if a in ("yes", "no")]
        summary.audits.append(TypedAudit(f.audit_id, f.reference, f.team, f.case_type, f.month, number, f.allocated,
                                         f.signed_off, keyed, stats.share(counted.count("yes"), len(counted))))
    summary.domains = _domain_counts(finished, courses, designs, scope.version)
    return summary


def _domain_counts(finished: list[_Finished], courses: dict[int, tuple[int, str]], designs: dict[int, Design],
                   chosen: int | None) -> dict[str, GradeCounts]:
    """Each domain the type grades, and overall: the moderated grades of a blind dual audit, auditor
    B's own of a single one (the final grades of the contract), as the monthly domain table counts them."""
    graded = [key for key in DOMAINS if any(key in d.domains for n, d in designs.items() if chosen in (None, n))]
    if not graded:
        return {}
    counts = {key: _empty_counts() for key in (*graded, OVERALL)}
    if not finished:
        return counts
    judged = Judgements.of([f.audit_id for f in finished])
    for f in finished:
        audit_id = f.audit_id
        number, course = courses[f.version_id]
        if course == BLIND_DUAL:
            grades = judged.final(audit_id, True)
        else:
            own = judged.grades.get((audit_id, "B"), {})
            grades = {**own, OVERALL: judged.reviews.get(audit_id, {}).get("B", (None, None))[1]}
        for key in (*designs[number].domains, OVERALL):
            grade = grades.get(key)
            if grade is not None and key in counts:
                counts[key].counts[int(grade)] += 1
                counts[key].n += 1
    return counts


def _version_words(designs: dict[int, Design], chosen: int | None) -> str:
    if chosen is not None:
        return f"version {chosen}"
    numbers = sorted(designs)
    if len(numbers) == 1:
        return "version 1, its only version" if numbers == [1] else f"version {numbers[0]}"
    return "every version (" + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]})"


def cached_type_summary(scope: TypeScope, today: date) -> TypeSummary:
    """summarise_type(), remembered until the figures' version moves (finishing an audit moves it)."""
    return remembered("type summary", (scope, today), lambda: summarise_type(scope))


def months_with_audits(type_id: int) -> tuple[str | None, str | None]:
    """The first and last months an audit of the type was started in (one statement)."""
    first, last = db.session.execute(
        select(func.min(Cycle.month), func.max(Cycle.month))
        .join(AuditTypeVersion, AuditTypeVersion.id == Cycle.type_version_id)
        .where(AuditTypeVersion.audit_type_id == type_id, Cycle.cancelled_at.is_(None))).one()
    return first, last


def number_text(value: Decimal | None) -> str:
    """A median or bound as people read it: "12", "2.5" (no trailing zeros)."""
    if value is None:
        return TOO_FEW
    return format(value.quantize(Decimal("0.01")).normalize(), "f")
