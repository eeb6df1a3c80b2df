"""Builders shared by the tests, for a sampled month."""

from sqlalchemy import select

from auditapp.extensions import db
from auditapp.loading import AUDIT_IN_FULL
from auditapp.models import Audit, Event
from auditapp.sampling import draw_sample, open_cycle


def sample_month(actor, month: str = "2026-11", seed: int = 7, per_team: int = 1) -> list[Audit]:
    cycle = open_cycle(actor, month)
    audits = draw_sample(actor, cycle, seed=seed, per_team=per_team)
    db.session.commit()
    return [reload(audit) for audit in audits]


def fresh() -> None:
    """End the test's read transaction, so it sees what the requests committed since."""
    db.session.rollback()


def reload(audit: Audit) -> Audit:
    fresh()
    return db.session.get(Audit, audit.id, options=AUDIT_IN_FULL, populate_existing=True)


def events(audit: Audit) -> list[Event]:
    fresh()
    return list(db.session.scalars(select(Event).where(Event.audit_id == audit.id).order_by(Event.id)))
