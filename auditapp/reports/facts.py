"""The monthly figures' raw material, read as columns (never as object graphs).

`load_facts` gives one plain row per sampled case in four statements, whatever the number of audits.
`trend_counts` gives the 12-month trend from grouped counts: grades per month and judgement, and
A-against-B pairs per month and judgement, so no month's audits are loaded one by one.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import aliased

from auditapp import clock
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models import (
    CASE_TYPES,
    Audit,
    Case,
    Concern,
    Cycle,
    ModeratedGrade,
    Review,
    ReviewGrade,
    Team,
    User,
    auditors,
    is_late,
    is_overdue,
    status_of,
)
from auditapp.models.sets import WITHDRAWAL_REASONS, case_type_key
from auditapp.reports.stats import Pair

# The three people of an audit, aliased once for every request: an alias made per call costs
# SQLAlchemy its column proxies again each time (a tenth of a month's recomputing, measured).
AUDITOR_A, AUDITOR_B, MODERATOR = aliased(User), aliased(User), aliased(User)

EQUALITY = {"age_band": "Age band", "gender": "Gender", "ethnicity": "Ethnicity", "disability": "Disability"}


class AuditFacts(NamedTuple):
    """One sampled case's figures as plain values: grades keyed by judgement (domains and "overall").
    A named tuple, not a frozen dataclass: as unchangeable, and made in a quarter of the time (a
    frozen dataclass sets each of its 24 fields through object.__setattr__; 3.5 ms of a 12-month
    summary's 1,200 facts, measured), and read back from the shared store faster."""

    reference: str
    month: str
    team: str
    case_type: str
    auditor_a: str
    auditor_b: str
    moderator: str
    status: str
    a: dict[str, int | None]  # only once both auditors have submitted
    b: dict[str, int | None]
    moderated: dict[str, int | None]  # only once signed off
    allocated: datetime
    submitted_a: datetime | None
    submitted_b: datetime | None
    signed_off: datetime | None
    withdrawal_reason: str | None
    overdue: bool
    late_roles: frozenset[str]  # "A"/"B": auditors past their due date without submitting
    open_concerns: int
    equality: dict[str, str]
    key_issues: dict[str, str | None]  # "A"/"B" -> the moderator's yes / partly / no, once signed off
    # Finished after the due date: what a past month's "overdue 0" would otherwise hide.
    submitted_late: frozenset[str] = frozenset()
    signed_off_late: bool = False
    audit_id: int = 0  # for the drill-down from a figure to the audits behind it

    @property
    def withdrawn(self) -> bool:
        return self.status == "Withdrawn"


def narrowed_to(query: Select, team: str | None, case_type: str | None, joined: bool = False) -> Select:
    """The query (which must already join Audit) narrowed to one team and one case type (its label),
    joining the audit's case and team only when a filter needs them, or when `joined` (the caller
    reads their columns). Every audit has a case and every case a team (NOT NULL foreign keys), so
    the joins drop no audit; unfiltered they only cost (PostgreSQL joined every team to every
    audit in the family figures, and read the 12 months' actions through the case and team)."""
    if joined or team or case_type:
        query = query.join(Case, Case.id == Audit.case_id)
    if joined or team:
        query = query.join(Team, Team.id == Case.team_id)
    if team:
        query = query.where(Team.name == team)
    if case_type:
        query = query.where(Case.case_type == case_type_key(case_type))
    return query


@dataclass(frozen=True)
class Scope:
    """Which audits a summary covers: months, and optionally one team and one case type (its label)."""

    months: tuple[str, ...]
    team: str | None = None
    case_type: str | None = None
    cycle_id: int | None = None  # one targeted audit, instead of the months' random samples

    def where(self, query: Select) -> Select:
        """The query (which must already join Audit) narrowed to this scope."""
        query = query.join(Cycle, Cycle.id == Audit.cycle_id).where(Cycle.cancelled_at.is_(None))
        if self.cycle_id:
            query = query.where(Cycle.id == self.cycle_id)
        else:
            query = query.where(Cycle.month.in_(self.months), Cycle.kind == "random")
        return narrowed_to(query, self.team, self.case_type)

    def audit_ids(self) -> Select:
        return self.where(select(Audit.id))

    def conditions(self) -> list[ColumnElement[bool]]:
        """`where`'s conditions, for a query that already joins Audit's cycle, case and team: put on
        the query's own joins, PostgreSQL starts from the month's cycles and their audits by index,
        where `Audit.id IN (the scope's ids)` had it join every audit to every case first (60 ms
        for a month of 100 audits on the large county)."""
        found: list[ColumnElement[bool]] = [Cycle.cancelled_at.is_(None)]
        if self.cycle_id:
            found.append(Cycle.id == self.cycle_id)
        else:
            found += [Cycle.month.in_(self.months), Cycle.kind == "random"]
        if self.team:
            found.append(Team.name == self.team)
        if self.case_type:
            found.append(Case.case_type == case_type_key(self.case_type))
        return found


@dataclass
class Judgements:
    """The two auditors' and the moderator's grades for a set of audits, read in two statements,
    and the blind-review rule applied once for every report and export that shows them."""

    reviews: dict[int, dict[str, tuple]]  # audit -> role -> (submitted at, overall grade)
    grades: dict[tuple[int, str], dict[str, int | None]]  # (audit, role) -> domain -> grade
    moderated: dict[int, dict[str, int | None]]  # audit -> judgement -> grade

    @classmethod
    def of(cls, ids) -> "Judgements":
        """`ids`: audit ids, as a list or a select of them. Two statements: each review with its
        domains' grades as columns (one row a review, not one a grade: a sixth of the rows to turn
        into Python), and each audit's moderated grades the same way."""
        judged = cls(defaultdict(dict), defaultdict(dict), defaultdict(dict))
        domain_grades = [func.max(case((ReviewGrade.domain == key, ReviewGrade.grade))) for key in DOMAINS]
        for audit_id, role, submitted_at, overall, *grades in db.session.execute(
                select(Review.audit_id, Review.role, Review.submitted_at, Review.overall_grade, *domain_grades)
                .outerjoin(ReviewGrade, ReviewGrade.review_id == Review.id).where(Review.audit_id.in_(ids))
                .group_by(Review.id, Review.audit_id, Review.role, Review.submitted_at, Review.overall_grade)):
            judged.reviews[audit_id][role] = (submitted_at, overall)
            judged.grades[audit_id, role] = dict(zip(DOMAINS, grades))
        moderated = [func.max(case((ModeratedGrade.domain == key, ModeratedGrade.grade))) for key in JUDGEMENTS]
        for audit_id, *grades in db.session.execute(
                select(ModeratedGrade.audit_id, *moderated).where(ModeratedGrade.audit_id.in_(ids))
                .group_by(ModeratedGrade.audit_id)):
            judged.moderated[audit_id] = dict(zip(JUDGEMENTS, grades))
        return judged

    def submitted(self, audit_id: int) -> set[str]:
        return {role for role, (at, _) in self.reviews.get(audit_id, {}).items() if at}

    def given(self, audit_id: int, role: str, submitted: set[str] | None = None) -> dict[str, int | None]:
        """One auditor's grades by judgement: none at all until both auditors have submitted.
        `submitted`: the audit's submitted roles, when the caller has them already."""
        if len(self.submitted(audit_id) if submitted is None else submitted) < 2:
            return dict.fromkeys(JUDGEMENTS)
        # Merged onto every key set to None (in order), not a comprehension of look-ups: made for
        # each of a 12-month summary's 2,400 reviews.
        return {**_NO_DOMAIN_GRADES, **self.grades.get((audit_id, role), {}),
                "overall": self.reviews[audit_id][role][1]}

    def final(self, audit_id: int, signed_off: bool) -> dict[str, int | None]:
        """The moderated grades by judgement, once signed off."""
        return {**_NO_GRADES, **self.moderated.get(audit_id, {})} if signed_off else dict(_NO_GRADES)


_NO_DOMAIN_GRADES: dict[str, int | None] = dict.fromkeys(DOMAINS)
_NO_GRADES: dict[str, int | None] = dict.fromkeys(JUDGEMENTS)
_NO_ROLES: frozenset[str] = frozenset()


def load_facts(scope: Scope, today: date) -> list[AuditFacts]:
    """Every sampled case in scope, by month then audit."""
    auditor_a, auditor_b, moderator = AUDITOR_A, AUDITOR_B, MODERATOR
    rows = db.session.execute(
        select(Audit.id, Cycle.month, Case.reference, Team.name, Case.case_type,
               auditor_a.name, auditor_b.name, moderator.name,
               Audit.allocated_at, Audit.auditor_due, Audit.moderation_due, Audit.withdrawn_at,
               Audit.withdrawal_requested_at, Audit.withdrawal_reason, Audit.signed_off_at,
               Audit.key_issues_a, Audit.key_issues_b, Cycle.course, Audit.consent, Audit.returned_at,
               *(getattr(Case, attr) for attr in EQUALITY))
        .join(Cycle, Cycle.id == Audit.cycle_id).join(Case, Case.id == Audit.case_id)
        .join(Team, Team.id == Case.team_id)
        .join(auditor_a, auditor_a.id == Audit.auditor_a_id).join(auditor_b, auditor_b.id == Audit.auditor_b_id)
        .join(moderator, moderator.id == Audit.moderator_id)
        .where(*scope.conditions())
        .order_by(Cycle.month, Audit.id)
    ).all()
    ids = scope.audit_ids()
    judged = Judgements.of(ids)
    concerns = dict(db.session.execute(
        select(Concern.audit_id, func.count()).where(Concern.audit_id.in_(ids), Concern.acknowledged_at.is_(None))
        .group_by(Concern.audit_id)).all())

    # A case's equality answers and a moderation's key-issue answers repeat across hundreds of
    # audits: one dict for each set of values, shared by the (frozen) facts, rather than a new dict
    # for each of 1,200 audits (fewer objects made, and fewer for the garbage collector to walk).
    equalities: dict[tuple, dict[str, str]] = {}
    key_answers: dict[tuple, dict[str, str | None]] = {}
    facts = []
    for (audit_id, month, reference, team, case_type, name_a, name_b, name_m, allocated, auditor_due,
         moderation_due, withdrawn_at, requested_at, reason, signed_off, key_a, key_b, course, consent, returned,
         *equality) in rows:
        values = tuple(equality)
        if (shared := equalities.get(values)) is None:
            shared = equalities[values] = {attr: value or "Not recorded" for attr, value in zip(EQUALITY, values)}
        answers = (key_a, key_b) if signed_off else (None, None)
        if (key_issues := key_answers.get(answers)) is None:
            key_issues = key_answers[answers] = {"A": answers[0], "B": answers[1]}
        own = judged.reviews.get(audit_id, {})
        submitted = judged.submitted(audit_id)
        live = withdrawn_at is None and signed_off is None
        facts.append(AuditFacts(
            reference=reference, month=month, team=team, case_type=CASE_TYPES[case_type],
            auditor_a=name_a, auditor_b=name_b, moderator=name_m,
            status=status_of(withdrawn_at, requested_at, signed_off, len(own), len(submitted), course, consent,
                             returned),
            a=judged.given(audit_id, "A", submitted), b=judged.given(audit_id, "B", submitted),
            moderated=judged.final(audit_id, signed_off is not None),
            allocated=allocated, submitted_a=own.get("A", (None,))[0], submitted_b=own.get("B", (None,))[0],
            signed_off=signed_off,
            withdrawal_reason=WITHDRAWAL_REASONS.get(reason) if withdrawn_at else None,
            overdue=is_overdue(live, auditor_due, moderation_due, submitted, today, course),
            late_roles=(frozenset(r for r in auditors(course) if is_late(live, auditor_due, r in submitted, today))
                        if live else _NO_ROLES),
            open_concerns=concerns.get(audit_id, 0),
            equality=shared,
            key_issues=key_issues,
            submitted_late=frozenset(r for r, (at, *_) in own.items() if at and clock.uk_date(at) > auditor_due),
            signed_off_late=bool(signed_off and moderation_due and clock.uk_date(signed_off) > moderation_due),
            audit_id=audit_id,
        ))
    return facts


@dataclass
class MonthCounts:
    """A month's moderated grades and A-against-B pairs per judgement, as counts."""

    grades: dict[str, Counter[int]]  # judgement -> grade -> audits
    pairs: dict[str, Counter[Pair]]  # judgement -> (A, B) -> audits
    sampled: int = 0  # audits in the sample, not withdrawn
    unfinished: int = 0  # of those, not yet signed off: the month is still in progress
    imported: int = 0  # of those, imported from the council's records of past audits


def trend_counts(scope: Scope) -> dict[str, MonthCounts]:
    """Per month in scope: grouped counts, in three statements whatever the number of audits."""
    counts = {month: MonthCounts({k: Counter() for k in JUDGEMENTS}, {k: Counter() for k in JUDGEMENTS})
              for month in scope.months}
    graded = scope.where(
        select(Cycle.month, ModeratedGrade.domain, ModeratedGrade.grade, func.count())
        .select_from(ModeratedGrade).join(Audit, Audit.id == ModeratedGrade.audit_id)
        .where(Audit.signed_off_at.is_not(None), ModeratedGrade.grade.is_not(None))
    ).group_by(Cycle.month, ModeratedGrade.domain, ModeratedGrade.grade)
    for month, domain, grade, n in db.session.execute(graded):
        counts[month].grades[domain][grade] += n

    # Pairs only where both auditors have submitted (blind review), as in the month's own figures:
    # each submitted review with its grades as columns, paired here. Joining A's grades to B's by
    # domain in SQL took PostgreSQL 65 ms for the large county's 12 months; this is one pivot.
    # Grouped by (audit, role), unique, in the order the indexes walk them (cycle, audit, role),
    # not by the review's id: SQLite then read every review ever in id order (13.9 ms of CPU for
    # the large county), and, grouped by audit and role, still sorted them again (12.7 ms): 9.6 ms.
    domain_grades = [func.max(case((ReviewGrade.domain == key, ReviewGrade.grade))) for key in DOMAINS]
    submitted = scope.where(
        select(Cycle.month, Audit.id, Review.role, Review.overall_grade, *domain_grades)
        .select_from(Audit).join(Review, Review.audit_id == Audit.id)
        .outerjoin(ReviewGrade, ReviewGrade.review_id == Review.id)
        .where(Review.submitted_at.is_not(None))
    ).group_by(Audit.id, Review.role, Cycle.month, Review.overall_grade)
    reviews: dict[int, dict[str, tuple]] = defaultdict(dict)
    for month, audit_id, role, overall, *grades in db.session.execute(submitted):
        reviews[audit_id][role] = (month, overall, grades)
    for both in reviews.values():
        if "A" not in both or "B" not in both:
            continue
        (month, overall_a, grades_a), (_, overall_b, grades_b) = both["A"], both["B"]
        pairs = counts[month].pairs
        for key, a, b in zip(("overall", *DOMAINS), (overall_a, *grades_a), (overall_b, *grades_b)):
            if a is not None and b is not None:
                pairs[key][a, b] += 1
    progress = scope.where(
        select(Cycle.month, func.count(), func.count(Audit.id).filter(Audit.signed_off_at.is_(None)),
               func.count(Audit.imported_at))
        .select_from(Audit).where(Audit.withdrawn_at.is_(None))
    ).group_by(Cycle.month)
    for month, sampled, unfinished, imported in db.session.execute(progress):
        counts[month].sampled, counts[month].unfinished, counts[month].imported = sampled, unfinished, imported
    return counts


def imported_months(months: list[str] | tuple[str, ...]) -> list[str]:
    """Which of these months include audits imported from the council's records (graded before
    auditapp): the dashboard and the workbook say so beside their figures."""
    return sorted(db.session.scalars(
        select(Cycle.month).join(Audit, Audit.cycle_id == Cycle.id)
        .where(Cycle.month.in_(list(months)), Cycle.kind == "random", Cycle.cancelled_at.is_(None),
               Audit.imported_at.is_not(None)).group_by(Cycle.month)))


def counts_from_facts(facts: list[AuditFacts], months: tuple[str, ...]) -> dict[str, MonthCounts]:
    """What trend_counts() reads from the database, from the facts already loaded for the same months
    and filters (the 12-month view loads them anyway): the same counts without four more statements.
    The facts hold an auditor's grades only once both have submitted, and the moderated grades only
    once signed off, as trend_counts() counts them."""
    counts = {month: MonthCounts({k: Counter() for k in JUDGEMENTS}, {k: Counter() for k in JUDGEMENTS})
              for month in months}
    by_month: dict[str, list[AuditFacts]] = {}
    for f in facts:
        by_month.setdefault(f.month, []).append(f)
    for month, of_month in by_month.items():
        if (counted := counts.get(month)) is None:
            continue
        moderated, a, b = [f.moderated for f in of_month], [f.a for f in of_month], [f.b for f in of_month]
        for key in JUDGEMENTS:
            grades = Counter(map(itemgetter(key), moderated))
            grades.pop(None, None)
            counted.grades[key] = grades
            counted.pairs[key] = grade_pairs(a, b, key)
        live = [f for f in of_month if not f.withdrawn]
        counted.sampled, counted.unfinished = len(live), sum(1 for f in live if f.signed_off is None)
    return counts


def grade_pairs(firsts: list[dict[str, int | None]], seconds: list[dict[str, int | None]],
                *keys: str) -> Counter[Pair]:
    """How many audits have each (first, second) pair of grades, both given, for these judgements
    together: a tally of at most 16 pairs from two lists of grades by judgement (audits' `a`, `b`
    or `moderated`, in the same order), counted in C (zip, itemgetter, Counter) rather than by a
    Python loop over every audit; made for each judgement, role and team of a summary."""
    counted = Counter(chain.from_iterable(zip(map(itemgetter(key), firsts), map(itemgetter(key), seconds))
                                          for key in keys))
    return Counter({pair: n for pair, n in counted.items() if None not in pair})
