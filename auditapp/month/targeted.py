"""Targeted (thematic) audits: besides the monthly random sample, the QA lead audits hand-picked
cases on one theme. Each is an audit of a type (issue 24): a published type chosen from the list,
or a type made for it from its own domains and questions. It keeps the type version it was
started with. Reported apart from the random sample (its own summary and workbook)."""

from sqlalchemy import Select, and_, func, or_, select

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.framework import audit_types
from auditapp.framework.type_content import Design, Question, canonical, questions_of
from auditapp.grading import DOMAINS
from auditapp.history import record
from auditapp.models import Audit, AuditType, AuditTypeVersion, Case, Cycle, Review, ReviewAnswer, User
from auditapp.models.loading import CASE_ROW
from auditapp.models.sets import BLIND_DUAL
from auditapp.month.allocation import Pool, allocate
from auditapp.months import month_label, month_of
from auditapp.permissions import Actor, can_manage, require


def start(actor: Actor, title: str, domains: list[str], questions: str) -> Cycle:
    """A targeted audit of its own domains and questions (free text, required): a type is made for
    it, named by its theme, with them as its published version 1, so it too is an audit of a type."""
    require(can_manage(actor), "Only the QA lead can start a targeted audit")
    cycle = Cycle(kind="targeted", month=month_of(clock.today()), opened_by_id=actor.id,
                  opened_at=clock.now(), per_team=0, lookback_months=0)
    _set_design(cycle, title, domains, questions)
    _pin(cycle, audit_types.own_type(actor, _own_design(cycle)))
    db.session.add(cycle)
    db.session.flush()
    record(actor, history.TARGETED_STARTED, field=cycle.title, after=_design(cycle))
    return cycle


def start_of_type(actor: Actor, title: str, version: AuditTypeVersion | None) -> Cycle:
    """A targeted audit of a published type (its newest version, pinned from now on) over cases
    the QA lead chooses next."""
    require(can_manage(actor), "Only the QA lead can start a targeted audit")
    title = " ".join((title or "").split())
    if not title:
        raise RuleError("Enter the theme of the targeted audit", "title")
    if version is None or version.state != "published":
        raise RuleError("Choose the type of audit", "audit_type")
    kind = db.session.get(AuditType, version.audit_type_id)
    if kind is None or kind.built_in or kind.retired_at:
        raise RuleError("That audit type is retired: no new audit of it can start", "audit_type")
    cycle = Cycle(kind="targeted", month=month_of(clock.today()), opened_by_id=actor.id,
                  opened_at=clock.now(), per_team=0, lookback_months=0, title=title[:120])
    _pin(cycle, version)
    db.session.add(cycle)
    db.session.flush()
    record(actor, history.TARGETED_STARTED, field=cycle.title, after=f"{kind.name} version {version.number}: "
           + _design(cycle))
    return cycle


def _own_design(cycle: Cycle) -> Design:
    return Design(BLIND_DUAL, cycle.title or "", domains=tuple(cycle.domain_keys), family_contact=True,
                  questions=tuple(Question(n, "text", text) for n, text in enumerate(cycle.extra_questions, 1)))


def _pin(cycle: Cycle, version: AuditTypeVersion) -> None:
    """The cycle follows this version: its course and domains copied, so the rules need not load it."""
    found = audit_types.design(version)
    cycle.type_version, cycle.type_version_id, cycle.course = version, version.id, version.course
    cycle.domains = None if len(found.domains) == len(DOMAINS) else ",".join(found.domains)
    # A copy of the questions' wording, for reading at a glance; the version holds them: questions(cycle).
    cycle.questions = "\n".join(" ".join(q.text.split()) for q in found.questions) or None


def questions(cycle: Cycle) -> tuple[Question, ...]:
    """What an audit of this cycle asks besides its domains: its type version's questions (loaded
    with the cycle), or the free-text questions of one never given a type."""
    if cycle.type_version_id is not None:
        return questions_of(cycle)
    return tuple(Question(n, "text", text) for n, text in enumerate(cycle.extra_questions, 1))


def _set_design(cycle: Cycle, title: str, domains: list[str], questions: str) -> None:
    """Its theme, the domains it judges (None: all six) and its own questions, one a line."""
    title = " ".join((title or "").split())
    if not title:
        raise RuleError("Enter the theme of the targeted audit", "title")
    chosen = [key for key in DOMAINS if key in (domains or [])]
    if not chosen:
        raise RuleError("Choose at least one domain to judge", "domains")
    cycle.title = title[:120]
    cycle.domains = None if len(chosen) == len(DOMAINS) else ",".join(chosen)
    cycle.questions = "\n".join(q.strip() for q in (questions or "").splitlines() if q.strip()) or None


def _design(cycle: Cycle) -> str:
    return f"{len(cycle.domain_keys)} domains, {len(questions(cycle))} questions of its own"


class AlreadyAudited(RuleError):
    """Some chosen cases are already being audited elsewhere: refused unless the QA lead confirms."""


def audited_elsewhere(cycle: Cycle, case_ids: list[int]) -> dict[int, str]:
    """Cases already in this month's random sample or in another open targeted audit, with where."""
    rows = db.session.execute(
        select(Audit.case_id, Cycle.kind, Cycle.month, Cycle.title).join(Cycle, Cycle.id == Audit.cycle_id)
        .where(Audit.case_id.in_(case_ids), Audit.withdrawn_at.is_(None), Cycle.cancelled_at.is_(None),
               Cycle.id != cycle.id,
               or_(and_(Cycle.kind == "random", Cycle.month == cycle.month),
                   and_(Cycle.kind == "targeted", Audit.signed_off_at.is_(None)))))
    return {case_id: (f"the {month_label(month)} random sample" if kind == "random"
                      else f"the open targeted audit {title}") for case_id, kind, month, title in rows}


def add_cases(actor: Actor, cycle: Cycle, references: list[str], confirmed: bool = False) -> list[Audit]:
    """All or nothing: every reference must be a case on the register, not already in this audit.
    A case already in this month's sample or another open targeted audit is audited twice over
    only when the QA lead says so (`confirmed`)."""
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
    elsewhere = audited_elsewhere(cycle, [found[ref.upper()].id for _, ref in wanted])
    twice = [f"{ref} is already in {elsewhere[found[ref.upper()].id]}" for _, ref in wanted
             if found[ref.upper()].id in elsewhere]
    if twice and not confirmed:
        raise AlreadyAudited("Nothing was added. " + "; ".join(twice[:20]) +
                             ". Remove them, or confirm that they should be audited again here.", "references")
    pool = Pool.for_cycle(cycle)
    audits = [allocate(actor, cycle, found[ref.upper()], pool=pool) for _, ref in wanted]
    cycle.sampled_at = cycle.sampled_at or clock.now()
    record(actor, history.cases_added(cycle.title or ""), after=", ".join(ref for _, ref in wanted)
           + (f" (audited elsewhere too, confirmed: {'; '.join(twice)})" if twice else ""))
    return audits


def started(cycle: Cycle) -> bool:
    """An auditor has saved something on one of its audits: its domains and questions are fixed."""
    return db.session.execute(select(func.count(Review.id)).join(Audit, Audit.id == Review.audit_id)
                              .where(Audit.cycle_id == cycle.id)).scalar_one() > 0


def change(actor: User, cycle: Cycle, title: str, domains: list[str], questions: str,
           expected_version: int | None = None) -> None:
    """Its theme, domains and questions, until the first audit is saved (after that, auditors have graded
    against them, and changing them would make their audits incomparable)."""
    require(can_manage(actor), "Only the QA lead can change a targeted audit")
    if started(cycle):
        raise RuleError("Its domains and questions can no longer change: an auditor has saved an audit on it")
    check_version(cycle.version, expected_version, "This targeted audit")
    before = _design(cycle)
    if cycle.type_version is not None and not audit_types.made_for(cycle):
        raise RuleError(f"This audit follows the audit type {cycle.type_version.audit_type.name}: its domains and "
                        "questions change only by publishing a new version of the type", "domains")
    _set_design(cycle, title, domains, questions)
    if cycle.type_version is not None:
        # Its own type: a published version never changes, so the change is the type's next version.
        _pin(cycle, audit_types.next_own_version(actor, cycle.type_version, _own_design(cycle)))
    claim_version(cycle, "version", "This targeted audit")
    record(actor, history.TARGETED_CHANGED, field=cycle.title, before=before, after=_design(cycle))
    db.session.flush()


def answers_of(review) -> dict[int, str]:
    if review is None or review.id is None:
        return {}
    return {a.number: a.answer or "" for a in db.session.scalars(select(ReviewAnswer).where(
        ReviewAnswer.review_id == review.id))}


def field_of(question: Question) -> str:
    """The form field an answer's problem is shown at (a date's first box, as GOV.UK does)."""
    return f"extra_{question.number}_day" if question.kind == "date" else f"extra_{question.number}"


def answer_problems(audit: Audit, answers: dict[int, str], submitting: bool) -> dict[str, str]:
    """Answers that are not of their question's kind (any save), and required ones missing (submitting)."""
    found = {}
    for question in questions(audit.cycle):
        value, problem = canonical(question, answers.get(question.number) or "")
        if problem:
            found[field_of(question)] = problem[0].upper() + problem[1:]
        elif submitting and value is None and question.required:
            found[field_of(question)] = f"Answer question {question.number}: {question.text}"
    return found


def missing_answers(audit: Audit, answers: dict[int, str]) -> dict[str, str]:
    """What a submission still needs: every required question answered, each as its kind asks."""
    return answer_problems(audit, answers, submitting=True)


def save_answers(actor: User, audit: Audit, role: str, review, answers: dict[int, str]) -> None:
    """The auditor's answers to the audit's own questions, each stored in its canonical form
    (type_content.canonical), saved with their review (in the same transaction, just after
    save_review, which has checked the audit was theirs to change)."""
    require(audit.role_of(actor) == role and audit.is_live, "This audit is not yours to change")
    asked = {q.number: q for q in questions(audit.cycle)}
    wrong = answer_problems(audit, answers, submitting=False)
    if wrong:
        raise Invalid(wrong)
    saved = {a.number: a for a in db.session.scalars(select(ReviewAnswer).where(ReviewAnswer.review_id == review.id))}
    for number in range(1, len(asked) + 1):
        text = canonical(asked[number], answers.get(number) or "")[0] or ""
        row = saved.get(number) or ReviewAnswer(review_id=review.id, number=number)
        if (row.answer or "") != text:
            record(actor, history.VALUE_SAVED, audit, field=f"Question {number}", review_role=role, before=row.answer,
                   after=text or None)
        row.answer = text or None
        db.session.add(row)
    db.session.flush()


def targeted_audits() -> Select:
    return select(Cycle).where(Cycle.kind == "targeted").order_by(Cycle.opened_at.desc(), Cycle.id.desc())
