"""Targeted (thematic) audits: besides the monthly random sample, the QA lead audits hand-picked
cases on one theme, with the same two auditors and moderation, optionally fewer domains and
questions of its own. Reported apart from the random sample (its own summary and workbook)."""

from sqlalchemy import Select, func, select

from . import clock
from .allocation import Pool, allocate
from .errors import RuleError
from .extensions import db
from .grading import DOMAINS
from .history import record
from .loading import CASE_ROW
from .models import Audit, Case, Cycle, ReviewAnswer, User
from .permissions import can_manage, require
from .sampling import month_of


def start(actor: User, title: str, domains: list[str], questions: str) -> Cycle:
    require(can_manage(actor), "Only the QA lead can start a targeted audit")
    title = " ".join((title or "").split())
    if not title:
        raise RuleError("Enter the theme of the targeted audit", "title")
    chosen = [key for key in DOMAINS if key in (domains or [])]
    if not chosen:
        raise RuleError("Choose at least one domain to judge", "domains")
    cycle = Cycle(kind="targeted", title=title[:120], month=month_of(clock.today()), opened_by_id=actor.id,
                  opened_at=clock.now(), per_team=0, lookback_months=0,
                  domains=None if len(chosen) == len(DOMAINS) else ",".join(chosen),
                  questions="\n".join(q.strip() for q in (questions or "").splitlines() if q.strip()) or None)
    db.session.add(cycle)
    db.session.flush()
    record(actor, "Targeted audit started", field=title, after=f"{len(chosen)} domains, "
           f"{len(cycle.extra_questions)} questions of its own")
    return cycle


def add_cases(actor: User, cycle: Cycle, references: list[str]) -> list[Audit]:
    """All or nothing: every reference must be a case on the register, not already in this audit."""
    require(can_manage(actor), "Only the QA lead can choose the cases")
    if not cycle.is_targeted or cycle.cancelled_at:
        raise RuleError("Cases are added by hand only to a targeted audit")
    wanted = [(line, ref.strip()) for line, ref in enumerate(references, 1) if ref.strip()]
    if not wanted:
        raise RuleError("Choose or enter at least one case reference", "references")
    found = {c.reference.upper(): c for c in db.session.scalars(
        select(Case).options(*CASE_ROW).where(func.upper(Case.reference).in_([r.upper() for _, r in wanted])))}
    already = {ref.upper() for ref in db.session.scalars(
        select(Case.reference).join(Audit, Audit.case_id == Case.id).where(Audit.cycle_id == cycle.id))}
    problems, seen = [], set()
    for line, ref in wanted:
        if ref.upper() not in found:
            problems.append(f"Line {line}: {ref} is not on the case register")
        elif ref.upper() in already or ref.upper() in seen:
            problems.append(f"Line {line}: {ref} is already in this targeted audit")
        seen.add(ref.upper())
    if problems:
        raise RuleError("Nothing was added. " + "; ".join(problems[:20]) +
                        (f"; and {len(problems) - 20} more" if len(problems) > 20 else ""), "references")
    pool = Pool.for_cycle(cycle)
    audits = [allocate(actor, cycle, found[ref.upper()], pool=pool) for _, ref in wanted]
    cycle.sampled_at = cycle.sampled_at or clock.now()
    record(actor, f"Cases added to the targeted audit {cycle.title}", after=", ".join(ref for _, ref in wanted))
    return audits


def answers_of(review) -> dict[int, str]:
    if review is None or review.id is None:
        return {}
    return {a.number: a.answer or "" for a in db.session.scalars(select(ReviewAnswer).where(
        ReviewAnswer.review_id == review.id))}


def missing_answers(audit: Audit, answers: dict[int, str]) -> dict[str, str]:
    """What a submission still needs: every question of the targeted audit answered."""
    return {f"extra_{n}": f"Answer question {n}: {q}" for n, q in enumerate(audit.cycle.extra_questions, 1)
            if not (answers.get(n) or "").strip()}


def save_answers(actor: User, audit: Audit, role: str, review, answers: dict[int, str]) -> None:
    """The auditor's answers to the targeted audit's own questions, saved with their review (in
    the same transaction, just after save_review, which has checked the audit was theirs to change)."""
    require(audit.role_of(actor) == role and audit.is_live, "This audit is not yours to change")
    questions = audit.cycle.extra_questions
    saved = {a.number: a for a in db.session.scalars(select(ReviewAnswer).where(ReviewAnswer.review_id == review.id))}
    for number, question in enumerate(questions, 1):
        text = (answers.get(number) or "").strip()
        row = saved.get(number) or ReviewAnswer(review_id=review.id, number=number)
        if (row.answer or "") != text:
            record(actor, "Value saved", audit, field=f"Question {number}", review_role=role, before=row.answer,
                   after=text or None)
        row.answer = text or None
        db.session.add(row)
    db.session.flush()


def targeted_audits() -> Select:
    return select(Cycle).where(Cycle.kind == "targeted").order_by(Cycle.opened_at.desc(), Cycle.id.desc())
