"""The bench's own audits of a type (issue 24): 2,000 finished supervision-record audits over the
12 months to this one on the large county, for the type's summary page.

Written in bulk, as `seed-demo --scale large` writes its months, rather than through the rule
functions (which would take minutes), writing what those functions write for a single audit with
review that the senior manager agreed: a targeted audit of the type per month pinned to its
version, each audit allocated (A the case's manager, B a manager of another team, the moderator a
senior manager), auditor B's review submitted with its answers, signed off by the moderator."""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, insert, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.models import Audit, AuditType, Case, Cycle, Review, ReviewAnswer, User
from auditapp.months import month_of, month_start, months_before
from auditapp.permissions import SYSTEM

TYPE_NAME = "Supervision-record audit"
AUDITS = 2000
MONTHS = 12
GRADES = ["outstanding", "good", "good", "good", "requires_improvement", "requires_improvement", "inadequate"]


def seed_typed(count: int = AUDITS) -> int:
    """The audits, `count` of them spread over the 12 months to this one; the type's id."""
    rng = random.Random(24)
    audit_types.ensure_shipped(SYSTEM)
    kind = db.session.scalars(select(AuditType).where(AuditType.name == TYPE_NAME)).one()
    version = audit_types.latest(kind.id)
    assert version is not None
    this_month = month_of(clock.today())
    months = [months_before(this_month, back) for back in range(MONTHS - 1, -1, -1)]
    cases = db.session.execute(select(Case.id, Case.team_id, Case.manager_id).order_by(Case.id)
                               .offset(7).limit(count)).all()
    auditors = db.session.execute(select(User.id, User.team_id).where(User.is_auditor, User.active)).all()
    seniors = list(db.session.scalars(select(User.id).where(User.is_senior_manager, User.active)))
    next_id = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1
               for model in (Cycle, Audit, Review, ReviewAnswer)}

    def take(model) -> int:
        next_id[model] += 1
        return next_id[model] - 1

    cycles, audits, reviews, answers = [], [], [], []
    cycle_of = {}
    for month in months:
        opened = datetime.combine(month_start(month), time(9))
        cycle_of[month] = (take(Cycle), opened)
        cycles.append({"id": cycle_of[month][0], "kind": "targeted", "month": month, "opened_at": opened,
                       "sampled_at": opened, "per_team": 0, "lookback_months": 0, "title": f"{TYPE_NAME}s",
                       "type_version_id": version.id, "course": version.course, "domains": "",
                       "questions": "\n".join(q["text"] for q in version.content["questions"])})
    now = clock.now()
    for index, (case_id, team_id, manager_id) in enumerate(cases):
        month = months[index * len(months) // len(cases)]
        cycle_id, opened = cycle_of[month]
        # This month's audits are finished by now (an hour ago at the latest), the others a fortnight in.
        done = min(opened + timedelta(days=14), now - timedelta(hours=1))
        auditor_b = rng.choice([a for a, team in auditors if team != team_id])
        moderator = rng.choice(seniors)
        audit_id, review_id = take(Audit), take(Review)
        audits.append({"id": audit_id, "cycle_id": cycle_id, "case_id": case_id, "auditor_a_id": manager_id,
                       "auditor_b_id": auditor_b, "moderator_id": moderator, "allocated_at": opened,
                       "auditor_due": (opened + timedelta(days=14)).date(), "signed_off_at": done,
                       "signed_off_by_id": moderator})
        reviews.append({"id": review_id, "audit_id": audit_id, "role": "B", "updated_at": done, "submitted_at": done,
                        "working_well": "The records are easy to follow.", "safeguarding_concern": "no"})
        for number in range(1, 6):
            answers.append({"id": take(ReviewAnswer), "review_id": review_id, "number": number,
                            "answer": rng.choice(GRADES)})
        answers.append({"id": take(ReviewAnswer), "review_id": review_id, "number": 6,
                        "answer": "Record the reasons for each decision."})
    for model, rows in ((Cycle, cycles), (Audit, audits), (Review, reviews), (ReviewAnswer, answers)):
        db.session.execute(insert(model), rows)
    if db.engine.dialect.name == "postgresql":  # the id sequences must move past the ids written here
        for model in (Cycle, Audit, Review, ReviewAnswer):
            sequence = func.pg_get_serial_sequence(f'"{model.__tablename__}"', "id")
            db.session.execute(select(func.setval(sequence, select(func.max(model.id)).scalar_subquery())))
    db.session.commit()
    return kind.id
