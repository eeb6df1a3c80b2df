"""The family feedback of a period's audits (one month, a quarter, the year to date or 12 months)
for the summary, the dashboard, the workbook and the documents: who was reached, what they said,
and the rates, counted only for audits both auditors have submitted (so nothing of one auditor's
work shows before the other's is in). The same statements whatever the period's length (its months
as an IN list). Plain values, so they can be remembered."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.models import Audit, Case, Cycle, FamilyAnswer, FamilyContact, FamilyFeedback, Review, Team
from auditapp.models.families import OUTCOMES, QUESTIONS, RATINGS, RESPONDENTS
from auditapp.models.sets import case_type_key
from auditapp.months import in_live_cycle


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


def family_figures(months: tuple[str, ...], team: str | None = None, case_type: str | None = None) -> FamilyFigures:
    submitted = (select(Review.audit_id).where(Review.submitted_at.is_not(None)).group_by(Review.audit_id)
                 .having(func.count() == 2))
    audits = (select(Audit.id, Case.reference, Team.name).join(Cycle, Cycle.id == Audit.cycle_id)
              .join(Case, Case.id == Audit.case_id).join(Team, Team.id == Case.team_id)
              .where(Cycle.month.in_(months), Cycle.kind == "random", Audit.withdrawn_at.is_(None),
                     in_live_cycle()))
    if team:
        audits = audits.where(Team.name == team)
    if case_type:
        audits = audits.where(Case.case_type == case_type_key(case_type))
    everyone = db.session.execute(audits.order_by(Case.reference)).all()
    both_in = set(db.session.scalars(submitted.where(Review.audit_id.in_([r.id for r in everyone]))))
    shown = {row.id: row for row in everyone if row.id in both_in}
    figures = FamilyFigures(sampled=len(everyone), counted=len(shown))
    ids = list(shown)  # (the same statements when there are none: a page's count does not depend on its data)
    attempts = dict(db.session.execute(select(FamilyContact.audit_id, func.count()).where(
        FamilyContact.audit_id.in_(ids)).group_by(FamilyContact.audit_id)).all())
    outcomes = dict(db.session.execute(select(FamilyFeedback.audit_id, FamilyFeedback.outcome)
                                       .where(FamilyFeedback.audit_id.in_(ids))).all())
    answers: dict[int, dict[str, FamilyAnswer]] = {}
    for answer in db.session.scalars(select(FamilyAnswer).where(FamilyAnswer.audit_id.in_(ids))):
        answers.setdefault(answer.audit_id, {})[answer.respondent] = answer
    ratings: dict[str, dict[str, list[int]]] = {r: {q: [] for q in QUESTIONS} for r in RESPONDENTS}
    for audit_id, row in shown.items():
        outcome = outcomes.get(audit_id)
        figures.contacted += attempts.get(audit_id, 0) > 0
        figures.gave_feedback += outcome == "gave_feedback"
        if outcome:
            figures.outcomes[OUTCOMES[outcome]] = figures.outcomes.get(OUTCOMES[outcome], 0) + 1
        said: dict[str, dict[str, str | None]] = {}
        for who, answer in answers.get(audit_id, {}).items():
            said[who] = {"change": answer.change_words}
            for q in QUESTIONS:
                rating = getattr(answer, q)
                if rating:
                    ratings[who][q].append(rating)
                said[who][q] = RATINGS.get(rating)
                said[who][f"{q}_words"] = getattr(answer, f"{q}_words")
        figures.rows.append(FamilyRow(row.reference, row.name, attempts.get(audit_id, 0),
                                      OUTCOMES.get(outcome or "", "Not recorded"), said))
    figures.averages = {who: {q: (sum(v) / len(v) if v else None, len(v)) for q, v in by_q.items()}
                        for who, by_q in ratings.items()}
    return figures
