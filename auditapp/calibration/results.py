"""Each figure of calibration has its home here: a participant's grades against the agreed ones,
the group's spread, the domains furthest from the panel, and an auditor's record over time beside
their live-audit figures. None of it is counted in the monthly or agreement figures."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from auditapp.calibration.exercises import judgements_of
from auditapp.extensions import db
from auditapp.grading import DOMAINS, GRADES_BEST_FIRST, OVERALL, Grade, crosses_good_line
from auditapp.models import (
    AgreedGrade,
    Audit,
    CalibrationExercise,
    CalibrationGrade,
    CalibrationSubmission,
    ModeratedGrade,
    Review,
    ReviewGrade,
    User,
)
from auditapp.models.loading import EXERCISE_IN_FULL, SUBMISSION_ROW
from auditapp.months import month_start
from auditapp.rounding import MIN_N

EXACT, ONE_AWAY, FURTHER = "Exact", "One grade away", "Further"


def closeness(distance: int) -> str:
    return EXACT if distance == 0 else ONE_AWAY if distance == 1 else FURTHER


@dataclass
class Mark:
    """One participant's grade for one judgement beside the agreed grade."""

    judgement: str
    grade: int
    agreed: int

    @property
    def distance(self) -> int:
        return abs(self.grade - self.agreed)

    @property
    def closeness(self) -> str:
        return closeness(self.distance)

    @property
    def crossed_good_line(self) -> bool:
        return crosses_good_line(self.grade, self.agreed)


@dataclass
class ParticipantResult:
    user: User
    marks: list[Mark]

    @property
    def domain_marks(self) -> list[Mark]:
        return [m for m in self.marks if m.judgement != OVERALL]

    @property
    def distance(self) -> int:
        """Grade steps from the panel, added up over the domains: their distance overall."""
        return sum(m.distance for m in self.domain_marks)

    @property
    def exact(self) -> int:
        return sum(m.distance == 0 for m in self.domain_marks)

    @property
    def crossed(self) -> int:
        return sum(m.crossed_good_line for m in self.domain_marks)


@dataclass
class Spread:
    """How many chose each grade for one judgement (best first), against the agreed grade."""

    judgement: str
    name: str
    agreed: int
    counts: dict[int, int]
    mean_distance: float | None

    @property
    def n(self) -> int:
        return sum(self.counts.values())


@dataclass
class Results:
    exercise: CalibrationExercise
    participants: list[ParticipantResult]
    spreads: list[Spread]
    invited: int
    furthest: list[Spread] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return len(self.participants)

    @property
    def too_few_to_show(self) -> bool:
        """A spread of fewer than five could name who chose what: shown to the QA lead and senior managers only."""
        return self.submitted < MIN_N

    def result_of(self, user_id: int) -> ParticipantResult | None:
        return next((p for p in self.participants if p.user.id == user_id), None)


def submitted_of(exercise_ids: list[int]) -> list[CalibrationSubmission]:
    if not exercise_ids:
        return []
    # The grades joined in the same statement (not a second one): the workbook reads this beside a
    # month's figures, and every statement of its request counts.
    return list(db.session.scalars(select(CalibrationSubmission)
                                   .options(joinedload(CalibrationSubmission.user),
                                            joinedload(CalibrationSubmission.grades))
                                   .where(CalibrationSubmission.exercise_id.in_(exercise_ids),
                                          CalibrationSubmission.submitted_at.is_not(None))
                                   .order_by(CalibrationSubmission.id)).unique())


def results(exercise: CalibrationExercise, submissions: list[CalibrationSubmission] | None = None) -> Results:
    """The results of a closed exercise (the exercise loaded with loading.EXERCISE_IN_FULL)."""
    if submissions is None:
        submissions = submitted_of([exercise.id])
    judged = judgements_of(exercise)
    agreed = {key: row.grade for key in judged if (row := exercise.agreed_for(key)) and row.grade}
    people = []
    for submission in submissions:
        marks = [Mark(key, grade, agreed[key]) for key in judged
                 if key in agreed and (grade := submission.judgement(key)) is not None]
        people.append(ParticipantResult(submission.user, marks))
    people.sort(key=lambda p: (p.distance, p.user.name))
    spreads = []
    for key, name in judged.items():
        if key not in agreed:
            continue
        chosen = Counter(g for s in submissions if (g := s.judgement(key)) is not None)
        distances = [abs(g - agreed[key]) * count for g, count in chosen.items()]
        n = sum(chosen.values())
        spreads.append(Spread(key, name, agreed[key], {int(g): chosen.get(int(g), 0) for g in GRADES_BEST_FIRST},
                              sum(distances) / n if n else None))
    found = Results(exercise, people, spreads, len(exercise.member_ids("participant")))
    domains = [s for s in spreads if s.judgement != OVERALL and s.mean_distance is not None]
    furthest = max((s.mean_distance or 0 for s in domains), default=0)
    found.furthest = [s for s in domains if furthest > 0 and s.mean_distance == furthest]
    return found


def closed_exercises(today: date, since: date | None = None, until: date | None = None) -> list[CalibrationExercise]:
    """Exercises whose closing date has passed, newest first; closing between `since` and `until` if given."""
    query = (select(CalibrationExercise).options(*EXERCISE_IN_FULL)
             .where(CalibrationExercise.opened_at.is_not(None), CalibrationExercise.closes_on < today)
             .order_by(CalibrationExercise.closes_on.desc(), CalibrationExercise.id.desc()))
    if since:
        query = query.where(CalibrationExercise.closes_on >= since)
    if until:
        query = query.where(CalibrationExercise.closes_on <= until)
    return list(db.session.scalars(query))


@dataclass
class ExerciseLine:
    """One exercise in an auditor's record."""

    exercise: CalibrationExercise
    result: ParticipantResult


@dataclass
class LiveFigures:
    """How moderation treated this auditor's grades in signed-off live audits."""

    grades: int = 0
    changed: int = 0
    raised: int = 0
    lowered: int = 0
    steps: int = 0
    key_issues: Counter = field(default_factory=Counter)

    @property
    def changed_share(self) -> float | None:
        return self.changed / self.grades if self.grades else None

    @property
    def mean_steps(self) -> float | None:
        return self.steps / self.changed if self.changed else None


def live_figures(user_id: int, since: datetime | None = None) -> LiveFigures:
    """The auditor's domain grades (as A or B) in signed-off audits against the moderated grade: two
    grouped statements whatever the number of audits."""
    moderated = (select(ReviewGrade.grade.label("own"), ModeratedGrade.grade.label("final"))
                 .join(Review, Review.id == ReviewGrade.review_id)
                 .join(Audit, Audit.id == Review.audit_id)
                 .join(ModeratedGrade, (ModeratedGrade.audit_id == Audit.id)
                       & (ModeratedGrade.domain == ReviewGrade.domain))
                 .where(Audit.signed_off_at.is_not(None), ReviewGrade.grade.is_not(None),
                        ((Review.role == "A") & (Audit.auditor_a_id == user_id))
                        | ((Review.role == "B") & (Audit.auditor_b_id == user_id))))
    if since is not None:
        moderated = moderated.where(Audit.signed_off_at >= since)
    pairs = moderated.subquery()
    figures = LiveFigures()
    for own, final, count in db.session.execute(
            select(pairs.c.own, pairs.c.final, func.count()).group_by(pairs.c.own, pairs.c.final)):
        figures.grades += count
        if own != final:
            figures.changed += count
            figures.steps += abs(own - final) * count
            figures.raised += count if final > own else 0
            figures.lowered += count if final < own else 0
    for role, column in (("A", Audit.key_issues_a), ("B", Audit.key_issues_b)):
        own = Audit.auditor_a_id if role == "A" else Audit.auditor_b_id
        query = select(column, func.count()).where(own == user_id, Audit.signed_off_at.is_not(None),
                                                   column.is_not(None)).group_by(column)
        if since is not None:
            query = query.where(Audit.signed_off_at >= since)
        for answer, count in db.session.execute(query):
            figures.key_issues[answer] += count
    return figures


def record_over_time(user: User, today: date) -> list[ExerciseLine]:
    """Every closed exercise this person submitted to, newest first."""
    submissions = list(db.session.scalars(select(CalibrationSubmission).options(*SUBMISSION_ROW)
                                          .where(CalibrationSubmission.user_id == user.id,
                                                 CalibrationSubmission.submitted_at.is_not(None))))
    by_exercise = {s.exercise_id: s for s in submissions}
    exercises = list(db.session.scalars(select(CalibrationExercise).options(*EXERCISE_IN_FULL)
                                        .where(CalibrationExercise.id.in_(by_exercise),
                                               CalibrationExercise.closes_on < today)
                                        .order_by(CalibrationExercise.closes_on.desc())))
    lines = []
    for exercise in exercises:
        result = results(exercise, [by_exercise[exercise.id]]).participants
        if result:
            lines.append(ExerciseLine(exercise, result[0]))
    return lines


def three_months_before(today: date) -> datetime:
    return datetime.combine(today - timedelta(days=91), datetime.min.time())


def moderation_changes_by_auditor(since: datetime) -> dict[int, tuple[int, int]]:
    """Auditor -> (domain grades in audits signed off since, how many moderation changed): one grouped
    statement for everyone, for the due rule."""
    auditor = case((Review.role == "A", Audit.auditor_a_id), else_=Audit.auditor_b_id)
    changed = func.sum(case((ReviewGrade.grade != ModeratedGrade.grade, 1), else_=0))
    rows = db.session.execute(
        select(auditor, func.count(), changed)
        .select_from(ReviewGrade).join(Review, Review.id == ReviewGrade.review_id)
        .join(Audit, Audit.id == Review.audit_id)
        .join(ModeratedGrade, (ModeratedGrade.audit_id == Audit.id) & (ModeratedGrade.domain == ReviewGrade.domain))
        .where(Audit.signed_off_at >= since, ReviewGrade.grade.is_not(None), ModeratedGrade.grade.is_not(None))
        .group_by(auditor))
    return {user_id: (int(n), int(moved or 0)) for user_id, n, moved in rows}


def closed_in_month(month: str, today: date) -> list[Results]:
    """The results of the exercises whose closing date fell in the month and has passed: the workbook's sheet."""
    first = month_start(month)
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    exercises = closed_exercises(today, since=first, until=last)
    submissions = submitted_of([e.id for e in exercises])
    return [results(e, [s for s in submissions if s.exercise_id == e.id]) for e in reversed(exercises)]


@dataclass
class TrendLine:
    """One closed exercise on the agreement page: how close the group came, never a name."""

    title: str
    closes_on: date
    submitted: int = 0
    marks: int = 0
    exact: int = 0
    crossed: int = 0
    distance_by_domain: dict[str, float] = field(default_factory=dict)

    @property
    def exact_share(self) -> float | None:
        return self.exact / self.marks if self.marks else None

    @property
    def crossed_share(self) -> float | None:
        return self.crossed / self.marks if self.marks else None

    @property
    def furthest(self) -> list[str]:
        worst = max(self.distance_by_domain.values(), default=0)
        return [DOMAINS[k] for k, d in self.distance_by_domain.items() if worst > 0 and d == worst]


def trend(month: str, today: date, count: int = 12) -> list[TrendLine]:
    """The last `count` exercises closed by the end of the month, oldest first: the group's closeness
    per exercise, apart from (and never counted in) the agreement figures. Two statements, the
    second counted in SQL, since the agreement page is the reports' busiest."""
    first = month_start(month)
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    rows = db.session.execute(
        select(CalibrationExercise.id, CalibrationExercise.title, CalibrationExercise.closes_on)
        .where(CalibrationExercise.opened_at.is_not(None), CalibrationExercise.closes_on < today,
               CalibrationExercise.closes_on <= last)
        .order_by(CalibrationExercise.closes_on.desc(), CalibrationExercise.id.desc()).limit(count)).all()
    lines = {exercise_id: TrendLine(title, closes_on) for exercise_id, title, closes_on in reversed(rows)}
    if not lines:
        return []
    own, agreed = CalibrationGrade.grade, AgreedGrade.grade
    good = int(Grade.GOOD)
    crossed = case((((own >= good) & (agreed < good)) | ((own < good) & (agreed >= good)), 1), else_=0)
    distance = case((own > agreed, own - agreed), else_=agreed - own)
    for exercise_id, domain, people, marks, exact, over_line, steps in db.session.execute(
            select(CalibrationSubmission.exercise_id, CalibrationGrade.domain,
                   func.count(func.distinct(CalibrationSubmission.id)), func.count(),
                   func.sum(case((own == agreed, 1), else_=0)), func.sum(crossed), func.sum(distance))
            .join(CalibrationGrade, CalibrationGrade.submission_id == CalibrationSubmission.id)
            .join(AgreedGrade, (AgreedGrade.exercise_id == CalibrationSubmission.exercise_id)
                  & (AgreedGrade.judgement == CalibrationGrade.domain))
            .where(CalibrationSubmission.exercise_id.in_(lines), CalibrationSubmission.submitted_at.is_not(None),
                   own.is_not(None), agreed.is_not(None))
            .group_by(CalibrationSubmission.exercise_id, CalibrationGrade.domain)):
        line = lines[exercise_id]
        line.submitted = max(line.submitted, int(people))
        line.marks += int(marks)
        line.exact += int(exact or 0)
        line.crossed += int(over_line or 0)
        line.distance_by_domain[domain] = int(steps or 0) / int(marks)
    return list(lines.values())
