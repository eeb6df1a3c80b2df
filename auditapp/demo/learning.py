"""The demo's learning: three practice priorities (one met, one in progress, one not met), each
with learning activities and what is behind it, and "you said, we did" entries, through the rule
functions. The targets are set from the demo's own figures, so each outcome reads as it should."""

from datetime import date, datetime, timedelta
from math import floor

from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.learning import evidence, priorities, responses
from auditapp.models import Audit, Case, Cycle, FamilyFeedback, PractitionerReply, Priority, Theme, User
from auditapp.months import month_start


def _person(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _latest(raised_at: datetime, today: date, measure: str, judgement: str | None = None,
            theme_id: int | None = None) -> int:
    """The latest finished month's figure (a whole percentage) for a priority not yet raised."""
    draft = Priority(raised_at=raised_at, measure=measure, judgement=judgement, theme_id=theme_id, target=0)
    latest = evidence.evidence(draft, [], evidence.evidence_months(draft, today)).latest
    return floor(latest.judged * 100) if latest and latest.judged is not None else 50


def load_learning(first_month: str, middle_month: str, today: date) -> None:
    qa, helen, ravi = (_person(f"{name}@council.example.org") for name in ("quinn.ashby", "helen.marsh", "ravi.patel"))
    raised_at = datetime.combine(month_start(first_month) + timedelta(days=2), datetime.min.time()).replace(hour=11)
    activity_day = month_start(middle_month) + timedelta(days=9)
    fathers = db.session.scalars(select(Theme).where(Theme.name == "Fathers and male carers")).one()
    # Targets from the demo's own figures: the met one just below its latest month, the others beyond it.
    with clock.frozen_at(raised_at):
        plan = priorities.raise_priority(qa, priorities.PriorityEntry(
            title="Plans say who does what by when",
            why="Quality of plan has the fewest audits graded Good or better, month after month; auditors' "
                "worries name generic plans with no owners or dates.",
            owner_id=helen.id, measure="good", judgement="plan",
            target=min(100, _latest(raised_at, today, "good", "plan") + 10),
            target_by=today + timedelta(days=120),
            review_on=today + timedelta(days=40)))
        oversight = priorities.raise_priority(qa, priorities.PriorityEntry(
            title="Supervision that challenges drift",
            why="Management oversight is graded Requires improvement in most audits; re-audits of Inadequate "
                "cases show drift unseen between reviews.",
            owner_id=ravi.id, measure="good", judgement="oversight",
            target=max(0, _latest(raised_at, today, "good", "oversight") - 5),
            target_by=today - timedelta(days=5),
            review_on=today - timedelta(days=5)))
        dads = priorities.raise_priority(qa, priorities.PriorityEntry(
            title="Fathers seen, heard and assessed",
            why="Fathers and male carers is the worry tagged most often; families said fathers were not asked.",
            owner_id=helen.id, measure="worry", theme_id=fathers.id,
            target=max(1, _latest(raised_at, today, "worry", theme_id=fathers.id) - 5),
            target_by=today - timedelta(days=3), review_on=today - timedelta(days=3)))
    with clock.frozen_at(datetime.combine(activity_day, datetime.min.time()).replace(hour=15)):
        for priority, kind, what, reached, attended in (
                (plan, "briefing", "Briefing for team managers on SMART plans", "All team managers", 22),
                (plan, "guide", "Practice guide: writing a plan the family understands", "Every team", None),
                (oversight, "workshop", "Reflective supervision workshop", "Team managers, Children in Care", 14),
                (oversight, "bulletin", "Learning bulletin: drift and how to spot it", "Every team", None),
                (dads, "training", "Working with fathers and male carers", "Assessment and MASH teams", 31)):
            priorities.add_activity(qa, priority, priorities.ActivityEntry(
                kind, what, clock.today(), reached, attended, "https://intranet.council.example.org/learning"))
        priorities.add_links(qa, plan, priorities.LinkEntry(theme_id=db.session.scalar(
            select(Theme.id).where(Theme.name == "Drift and delay"))))
    _behind(qa, plan)
    close_at = datetime.combine(today - timedelta(days=1), datetime.min.time()).replace(hour=9)
    with clock.frozen_at(min(close_at, clock.now())):
        priorities.close_priority(qa, oversight, "met", "Oversight reached its target in the latest month; the "
                                  "workshop is now part of every new manager's induction.", oversight.version)
        priorities.close_priority(qa, dads, "not_met", "Fewer audits name fathers as a worry since the "
                                  "training, but still too many to meet the target: the training reached "
                                  "assessment teams only. A new priority will follow for children in care.",
                                  dads.version)
    _responses(qa, plan, first_month, today)
    db.session.flush()


def _behind(qa: User, priority: Priority) -> None:
    """Two signed-off audits and a disputed finding behind the plan priority."""
    references = db.session.scalars(select(Case.reference).join(Audit, Audit.case_id == Case.id)
                                    .where(Audit.signed_off_at.is_not(None)).order_by(Audit.id).limit(2)).all()
    for reference in references:
        priorities.add_links(qa, priority, priorities.LinkEntry(reference=reference))


def _responses(qa: User, priority: Priority, month: str, today: date) -> None:
    """From audits of the first demo month, long signed off before the changes made in response."""
    disputed = db.session.scalars(select(Case.reference).join(Audit, Audit.case_id == Case.id)
                                  .join(PractitionerReply, PractitionerReply.audit_id == Audit.id)
                                  .join(Cycle, Cycle.id == Audit.cycle_id)
                                  .where(PractitionerReply.disputes.is_(True), Audit.signed_off_at.is_not(None),
                                         Cycle.month == month)
                                  .order_by(Audit.id).limit(1)).all()
    candidates = db.session.execute(select(Case.reference, Audit.id).join(Audit, Audit.case_id == Case.id)
                               .join(FamilyFeedback, FamilyFeedback.audit_id == Audit.id)
                               .join(Cycle, Cycle.id == Audit.cycle_id)
                               .where(FamilyFeedback.outcome == "gave_feedback", Audit.signed_off_at.is_not(None),
                                      Cycle.month == month)
                               .order_by(Audit.id).limit(10)).all()
    # Only cases whose newest audit with feedback is this one (a re-audited case links its newest).
    heard = [ref for ref, audit_id in candidates if priorities.newest_signed_off_audit(ref, "feedback") == audit_id][:2]
    entries = []
    if heard:
        entries.append(responses.ResponseEntry(
            "family", heard[0], "A parent said they were not told what the plan was until the meeting.",
            "Plans are now shared with families before every review, in plain words.",
            "We were not told what the plan was until the meeting.", True, today - timedelta(days=20), priority.id))
    if len(heard) > 1:
        entries.append(responses.ResponseEntry(
            "family", heard[1], "A young person did not know why workers kept visiting.",
            "Workers explain at the first visit why we are involved, and leave a leaflet written with young "
            "people.", "", False, today - timedelta(days=12), None))
    if disputed:
        entries.append(responses.ResponseEntry(
            "dispute", disputed[0], "A practitioner felt the plan grade ignored the latest review.",
            "Moderators now read the latest review before grading the plan.", "", False,
            today - timedelta(days=6), priority.id))
    for entry in entries:
        responses.record_response(qa, entry)
