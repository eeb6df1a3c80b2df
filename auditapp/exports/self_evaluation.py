"""The year's evidence for Ofsted's self-evaluation (issue 26), arranged by its three questions:
what do we know about the quality and impact of social work practice; how do we know it; what are
our plans to maintain or improve it. Every figure is the dashboard's for the financial year (to
date), with last year's beside it; the examples quote only moderators' rationales and auditors'
"working well" and "needs to change", anonymised (anonymise.py); people are named by role only."""

from datetime import date

from sqlalchemy import select

from auditapp.calibration import results as calibration_results
from auditapp.exports import sections
from auditapp.exports.anonymise import anonymise, ordinary_words
from auditapp.exports.documents import Document
from auditapp.extensions import db
from auditapp.grading import JUDGEMENTS, grade_label
from auditapp.learning.evidence import priorities_in
from auditapp.learning.responses import you_said_we_did
from auditapp.models import Audit, Case, Cycle, ModeratedGrade, Review, Team, User
from auditapp.months import month_label
from auditapp.reports.commentary import words_for
from auditapp.reports.periods import Period
from auditapp.reports.summary import summarise
from auditapp.rounding import percent_text

EXAMPLES_EACH_WAY = 3  # the strongest and the weakest signed-off audits of the year: six examples at most

QUESTIONS = ("1. What do we know about the quality and impact of social work practice?",
             "2. How do we know it?",
             "3. What are our plans to maintain or improve it?")


def _examples(months: tuple[str, ...]) -> list[tuple[int, str, int]]:
    """(audit id, case reference, moderated overall grade): the best and the worst signed-off audits of
    the months. Two statements with a LIMIT each, so a county's year costs what a small council's does."""
    base = (select(Audit.id, Case.reference, ModeratedGrade.grade)
            .join(Case, Case.id == Audit.case_id).join(Cycle, Cycle.id == Audit.cycle_id)
            .join(ModeratedGrade, (ModeratedGrade.audit_id == Audit.id) & (ModeratedGrade.domain == "overall"))
            .where(Cycle.month.in_(months), Cycle.cancelled_at.is_(None), Audit.signed_off_at.is_not(None),
                   Audit.withdrawn_at.is_(None),
                   ModeratedGrade.grade.is_not(None)))
    best = db.session.execute(base.order_by(ModeratedGrade.grade.desc(), Audit.id).limit(EXAMPLES_EACH_WAY)).all()
    worst = db.session.execute(base.order_by(ModeratedGrade.grade, Audit.id).limit(EXAMPLES_EACH_WAY)).all()
    chosen: dict[int, tuple[int, str, int]] = {}
    for audit_id, reference, grade in [*best, *worst]:
        chosen.setdefault(audit_id, (audit_id, reference, grade or 0))  # never None: the query says so
    return list(chosen.values())


def _words_of(audit_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Per audit, the free text the self-evaluation may quote: (what it is, the words)."""
    found: dict[int, list[tuple[str, str]]] = {i: [] for i in audit_ids}
    rows = db.session.execute(select(Review.audit_id, Review.role, Review.working_well, Review.needs_to_change)
                              .where(Review.audit_id.in_(audit_ids), Review.submitted_at.is_not(None))
                              .order_by(Review.audit_id, Review.role))
    for audit_id, role, well, change in rows:
        if well:
            found[audit_id].append((f"Auditor {role}: what is working well", well))
        if change:
            found[audit_id].append((f"Auditor {role}: what needs to change", change))
    rationales = db.session.execute(select(ModeratedGrade.audit_id, ModeratedGrade.domain, ModeratedGrade.rationale)
                                    .where(ModeratedGrade.audit_id.in_(audit_ids),
                                           ModeratedGrade.rationale.is_not(None))
                                    .order_by(ModeratedGrade.audit_id, ModeratedGrade.domain))
    for audit_id, domain, rationale in rationales:
        if rationale and rationale.strip():
            found[audit_id].append((f"Moderator's rationale, {JUDGEMENTS.get(domain, domain)}", rationale))
    return found


def _name_parts() -> frozenset[str]:
    return frozenset(part.lower() for name in db.session.scalars(select(User.name)) for part in name.split()
                     if len(part) > 1)


def _kept_words() -> frozenset[str]:
    """Ordinary words, with the service's own team names and framework words (never a person's)."""
    own = {word.lower() for name in db.session.scalars(select(Team.name)) for word in name.split()}
    own |= {word.lower() for name in JUDGEMENTS.values() for word in name.split()}
    return ordinary_words() | own


def examples(doc: Document, months: tuple[str, ...]) -> None:
    chosen = _examples(months)
    if not chosen:
        doc.para("No audit has been signed off this year yet, so there are no examples.")
        return
    labels = {reference: f"Case {number}" for number, (_, reference, _) in enumerate(chosen, start=1)}
    names, kept = _name_parts(), _kept_words()
    words = _words_of([audit_id for audit_id, _, _ in chosen])
    for audit_id, reference, grade in chosen:
        doc.heading(f"{labels[reference]}: {grade_label(grade)} overall", 3)
        for what, text in words[audit_id]:
            doc.para(f"{what}: {anonymise(text, labels, names, kept)}")


def self_evaluation_document(span: Period, today: date, marking: str, draft: bool = False) -> Document:
    summary = summarise(span.end, today, period=span.count, kind=span.kind)
    before_span = span.before
    before = summarise(before_span.end, today, with_trend=False, period=before_span.count, with_board=False,
                       kind=before_span.kind)
    doc = Document("Self-evaluation evidence: case audits", summary.period_words, marking, draft=draft)
    doc.para("The case audit service's evidence for the annual self-evaluation, arranged by Ofsted's three "
             "questions. Figures count signed-off audits only; any group of fewer than 5 is shown as "
             "\"Too few to judge\". Cases are numbered, not named, and names are removed from quoted words.")

    doc.heading(QUESTIONS[0])
    sections.board_table(doc, summary)
    sections.domain_table(doc, summary, before)
    doc.para(f"The period before is {sections.within(summary.before_words)}.")
    sections.team_table(doc, summary)
    doc.table("The trend: Good or better overall, month by month", ["Month", "Good or better overall"],
              [[month_label(p.month) + (" (in progress)" if p.in_progress else ""),
                percent_text(p.pct_good["overall"], p.n["overall"])] for p in summary.trend])

    doc.heading(QUESTIONS[1])
    h = summary.headline
    doc.para(f"Each month a random sample of cases is audited by the case-responsible manager and an independent "
             "manager, blind to each other, then moderated by a senior manager. "
             f"In {sections.within(summary.period_words)}: {h.sampled} audits sampled, {h.moderated} moderated "
             "and signed off.")
    lines = [line for line in calibration_results.trend(span.end, today)
             if span.start <= f"{line.closes_on:%Y-%m}" <= span.end]
    sections.consistency(doc, summary, lines)
    doc.heading("What families and practitioners told us", 2)
    answered = you_said_we_did(span.start, span.end)
    sections.families(doc, summary, answered, quotes=False)
    doc.para(f"You said, we did: {len(answered)} {'change' if len(answered) == 1 else 'changes'} made in response "
             "to families and practitioners this year.")
    doc.heading("Examples from the audits", 2)
    examples(doc, span.months)

    doc.heading(QUESTIONS[2])
    names, kept = _name_parts(), _kept_words()

    def clean(text: str) -> str:
        return anonymise(text, {}, names, kept)

    sections.follow_up(doc, summary)
    sections.priorities(doc, priorities_in(span.start, span.end), with_owner=False, clean=clean)
    doc.heading("What we are doing about it, month by month", 2)
    written = False
    for month in span.months:
        words = words_for(month)
        if words and words.doing:
            written = True
            doc.para(f"{month_label(month)}: {clean(words.doing)}")
    if not written:
        doc.para("No monthly commentary has been written this year yet.")
    return doc
