"""The period before, as the board's first page reads it (measures.values): five shares and what
each is of, counted by the database in three statements, not built from a per-audit fact for
every audit of the period (on the large county the 12 months before were 1,200 facts, half of the
12-month dashboard's recomputing). The figures are those measures.values() gives for the whole
summary of that period; tests/test_recompute.py compares the two under every filter."""

from sqlalchemy import Select, case, exists, func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.grading import Grade
from auditapp.models import Audit, Cycle, FamilyFeedback, ModeratedGrade, Review
from auditapp.months import in_live_cycle
from auditapp.reports import stats
from auditapp.reports.facts import Scope, narrowed_to
from auditapp.reports.follow_up import reaudits_only
from auditapp.reports.measures import Value

GOOD_OR_BETTER = (int(Grade.OUTSTANDING), int(Grade.GOOD))


def _scoped(query: Select, scope: Scope) -> Select:
    """The conditions of load_facts(), so the same audits are counted. Not its inner joins to the
    case, team and three people unless a filter needs them: each is a NOT NULL foreign key, so
    they drop no audit, and they cost PostgreSQL a hash of every person for nothing."""
    return scope.where(query)


def _signed_off(scope: Scope) -> tuple[Value, Value, Value]:
    """Good or better and Inadequate overall, and signed off on time, from one row per signed-off
    audit. The facts hold a moderated grade once signed off (withdrawn or not, as
    summary.grade_counts counts them); on time means no review submitted after the auditors' due
    date and the sign-off by the moderation due date, both as UK dates (the latest review decides)."""
    latest_review = (select(func.max(Review.submitted_at)).where(Review.audit_id == Audit.id)
                     .correlate(Audit).scalar_subquery())
    overall = (select(func.max(ModeratedGrade.grade))
               .where(ModeratedGrade.audit_id == Audit.id, ModeratedGrade.domain == "overall")
               .correlate(Audit).scalar_subquery())
    rows = db.session.execute(_scoped(
        select(Audit.withdrawn_at.is_(None), Audit.signed_off_at, Audit.auditor_due, Audit.moderation_due,
               latest_review, overall).select_from(Audit), scope)
        .where(Audit.signed_off_at.is_not(None))).all()
    grades = [grade for *_, grade in rows if grade is not None]
    good = sum(1 for grade in grades if grade in GOOD_OR_BETTER)
    inadequate = sum(1 for grade in grades if grade == Grade.INADEQUATE)
    signed = [row for row in rows if row[0]]
    on_time = sum(1 for _, signed_off, auditor_due, moderation_due, latest, _ in signed
                  if not (latest and clock.uk_date(latest) > auditor_due)
                  and not (moderation_due and clock.uk_date(signed_off) > moderation_due))
    return (Value(stats.share(good, len(grades)), len(grades)),
            Value(stats.share(inadequate, len(grades)), len(grades)),
            Value(on_time / len(signed) if signed else None, len(signed)))


def _family_feedback(scope: Scope) -> Value:
    """family_figures()'s feedback rate: of the audits not withdrawn whose two auditors have both
    submitted (family work is blind before that), those whose family gave feedback."""
    # Both reviews submitted, asked of each audit in scope along the review's audit index (grouping
    # every review in the database first costs more than the period's own reads).
    submitted = (select(func.count()).where(Review.audit_id == Audit.id, Review.submitted_at.is_not(None))
                 .correlate(Audit).scalar_subquery() == 2)
    gave = exists().where(FamilyFeedback.audit_id == Audit.id, FamilyFeedback.outcome == "gave_feedback")
    # The case and team joined only for a filter (NOT NULL foreign keys: they drop no audit). With
    # them, PostgreSQL, which cannot tell how many audits have both reviews in, joined every team
    # to every audit (49,200 rows thrown away for the large county's 12 months).
    query = narrowed_to(select(func.count(), func.count(case((gave, 1)))).select_from(Audit)
                        .join(Cycle, Cycle.id == Audit.cycle_id)
                        .where(Cycle.month.in_(scope.months), Cycle.kind == "random", Audit.withdrawn_at.is_(None),
                               in_live_cycle(), submitted), scope.team, scope.case_type)
    counted, gave_feedback = db.session.execute(query).one()
    return Value(gave_feedback / counted if counted else None, counted)


def before_values(months: tuple[str, ...], team: str | None = None, case_type: str | None = None) -> dict[str, Value]:
    """Each board measure's share for these months (the period before), as measures.values() would
    give it for their whole summary."""
    scope = Scope(months, team, case_type)
    good, inadequate, on_time = _signed_off(scope)
    reaudits = reaudits_only(months, team, case_type).reaudits
    done = sum(1 for r in reaudits if r.after)
    return {"good_overall": good, "inadequate_overall": inadequate, "on_time": on_time,
            "reaudited": Value(done / len(reaudits) if reaudits else None, len(reaudits)),
            "family_feedback": _family_feedback(scope)}
