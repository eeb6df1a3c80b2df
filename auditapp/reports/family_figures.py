"""The family feedback of a period's audits (one month, a quarter, the year to date or 12 months)
for the summary, the dashboard, the workbook and the documents: who was reached, what they said,
and the rates, counted only for audits both auditors have submitted (so nothing of one auditor's
work shows before the other's is in). The same statements whatever the period's length (its months
as an IN list). Plain values, so they can be remembered."""

from dataclasses import dataclass, field

from sqlalchemy import Row, func, select

from auditapp.extensions import db
from auditapp.models import Audit, Case, Cycle, FamilyAnswer, FamilyContact, FamilyFeedback, Review, Team
from auditapp.models.families import OUTCOMES, QUESTIONS, RATINGS, RESPONDENTS
from auditapp.months import in_live_cycle
from auditapp.reports.facts import narrowed_to


@dataclass
class FamilyRow:
    reference: str
    team: str
    attempts: int
    outcome: str
    answers: dict[str, dict[str, str | None]]  # respondent -> question -> rating label / words


@dataclass
class FamilyFigures:
    sampled: int = 0  # audits in the sample (not withdrawn)
    counted: int = 0  # of those, both auditors submitted: the ones whose family work can be shown
    contacted: int = 0
    gave_feedback: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    # respondent -> question -> (average rating, n)
    averages: dict[str, dict[str, tuple[float | None, int]]] = field(default_factory=dict)
    rows: list[FamilyRow] = field(default_factory=list)

    @property
    def contact_rate(self) -> float | None:
        return self.contacted / self.counted if self.counted else None

    @property
    def feedback_rate(self) -> float | None:
        return self.gave_feedback / self.counted if self.counted else None


def family_figures(months: tuple[str, ...], team: str | None = None, case_type: str | None = None,
                   listed: bool = True) -> FamilyFigures:
    """`listed`: with a row for each audit (its case, team and the families' words), which only the
    workbook shows; the pages show the counts and average ratings, read without the rows' columns."""
    # Both reviews submitted, asked of each audit in scope along the review's audit index (grouping
    # every review in the database first costs more than the period's own reads).
    submitted = (select(func.count()).where(Review.audit_id == Audit.id, Review.submitted_at.is_not(None))
                 .correlate(Audit).scalar_subquery() == 2)
    # The audits in scope, joining the case and team only for a filter or a listed row (every audit
    # has a case and every case a team, NOT NULL foreign keys, so the joins drop no audit); with
    # them, PostgreSQL joined every team to every audit (its estimate of the audits with both
    # reviews in is a handful), 49,200 rows thrown away for the large county's 12 months.
    ids = narrowed_to(select(Audit.id).join(Cycle, Cycle.id == Audit.cycle_id)
                      .where(Cycle.month.in_(months), Cycle.kind == "random", Audit.withdrawn_at.is_(None),
                             in_live_cycle()), team, case_type, joined=listed)
    # Whether both auditors have submitted, the contact attempts and the outcome (one an audit) are
    # columns of the same statement, and the answers are read for the shown audits as a subquery: a
    # list of the period's ids sent back as bound values cost SQLAlchemy and the database more than
    # the records themselves (1,200 ids a statement for 12 months on the large county, three times).
    attempts_of = (select(func.count()).where(FamilyContact.audit_id == Audit.id).correlate(Audit)
                   .scalar_subquery())
    outcome_of = select(FamilyFeedback.outcome).where(FamilyFeedback.audit_id == Audit.id).correlate(Audit)
    audits = ids.add_columns(submitted, attempts_of, outcome_of.scalar_subquery())
    if listed:
        audits = audits.add_columns(Case.reference, Team.name).order_by(Case.reference)
    everyone = db.session.execute(audits).all()
    shown = {row[0]: row for row in everyone if row[1]}
    figures = FamilyFigures(sampled=len(everyone), counted=len(shown))
    for _, _, attempts, outcome, *_listing in shown.values():
        figures.contacted += attempts > 0
        figures.gave_feedback += outcome == "gave_feedback"
        if outcome:
            figures.outcomes[OUTCOMES[outcome]] = figures.outcomes.get(OUTCOMES[outcome], 0) + 1
    of_shown = FamilyAnswer.audit_id.in_(ids.where(submitted))
    # The average ratings, each respondent's sum and count of ratings given, counted by the database
    # for the pages and the workbook alike: one row a respondent, not one an answer.
    figures.averages = {who: {q: (None, 0) for q in QUESTIONS} for who in RESPONDENTS}
    columns = [getattr(FamilyAnswer, q) for q in QUESTIONS]
    totals = [part for column in columns
              for part in (func.sum(column).filter(column > 0), func.count().filter(column > 0))]
    for who, *summed in db.session.execute(select(FamilyAnswer.respondent, *totals).where(of_shown)
                                           .group_by(FamilyAnswer.respondent)):
        figures.averages[who] = {q: (total / n if n else None, n)
                                 for q, total, n in zip(QUESTIONS, summed[::2], summed[1::2])}
    if not listed:
        return figures
    # The workbook's rows: each audit's case, team and what its family said, in words.
    answered = [FamilyAnswer.audit_id, FamilyAnswer.respondent, FamilyAnswer.change_words, *columns,
                *(getattr(FamilyAnswer, f"{q}_words") for q in QUESTIONS)]
    answers: dict[int, dict[str, Row]] = {}
    for answer in db.session.execute(select(*answered).where(of_shown).order_by(FamilyAnswer.id)):
        answers.setdefault(answer[0], {})[answer[1]] = answer
    for audit_id, (_, _, attempts, outcome, reference, team_name) in shown.items():
        said: dict[str, dict[str, str | None]] = {}
        for who, answer in answers.get(audit_id, {}).items():
            said[who] = {"change": answer.change_words}
            for q in QUESTIONS:
                said[who][q] = RATINGS.get(getattr(answer, q))
                said[who][f"{q}_words"] = getattr(answer, f"{q}_words")
        figures.rows.append(FamilyRow(reference, team_name, attempts, OUTCOMES.get(outcome or "", "Not recorded"),
                                      said))
    return figures
