"""The demonstration data: the sample export's people and cases, a year of moderated months
before this one (the twelve months to last month), and this month part-way, whatever today is.
The year reads as a council's would: practice improving with a dip, the worry "fathers and male
carers" rising until a practice priority's training and falling after it, an Inadequate audit
re-audited three months later now and then, older actions mostly verified and the newest still
open or overdue, and family feedback every month (year.py says how each month differs).

Built only through the service's own rule functions, with the clock set back, so the demo obeys
every rule the real service does (independence, blind review, rationale, locking).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from auditapp import clock
from auditapp.audits import families
from auditapp.audits.concerns import acknowledge_concern
from auditapp.audits.moderation import ModerationEntry, needs_rationale, sign_off
from auditapp.audits.reviewing import DomainEntry, ReviewEntry, save_review
from auditapp.demo import board, calibration, extras, findings, framework, learning, types, wording, year
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.imports.users import read_people
from auditapp.models import Audit, User
from auditapp.month.register import import_cases
from auditapp.month.sampling import draw_sample, open_cycle, request_withdrawal
from auditapp.months import month_label, month_of, month_start, months_before
from auditapp.permissions import SYSTEM
from auditapp.security.people import apply_people, save_user, set_password, team_named
from auditapp.workdays import add_working_days

HERE = Path(__file__).parent
PASSWORD = "demo-password-2026"
LEADERSHIP_READER = ("Lena Ford", "lena.ford@council.example.org")
PAST_MONTHS = year.MONTHS
# A month's demo work runs over this many days from the month's opening: auditors in the first
# fortnight, moderation and follow-up after.
MONTH_SPAN = timedelta(days=18)


@dataclass(frozen=True)
class Timeline:
    """When a month's demo work happened. A past month's work falls on its nominal days; this
    month's is squeezed into the time that has passed, so nothing is dated after now, even on the
    1st (when the month was opened the day before, as a QA lead may)."""

    opened: datetime
    until: datetime | None = None

    @classmethod
    def of(cls, month: str, now: datetime | None = None) -> "Timeline":
        """A past month's timeline, or this month's when given the moment it is now."""
        opened = _at(add_working_days(month_start(month) - timedelta(days=1), 1), 9)
        if now is None:
            return cls(opened)
        return cls(min(opened, now - timedelta(days=1)), now - timedelta(hours=1))

    @property
    def start(self) -> date:
        return self.opened.date()

    def at(self, days: float, hour: int = 10) -> datetime:
        nominal = datetime.combine(self.start + timedelta(days=days), time(hour))
        if self.until is None:
            return nominal
        squeeze = min(1.0, (self.until - self.opened) / MONTH_SPAN)
        return min(self.opened + (nominal - self.opened) * squeeze, self.until)


def seed_demo() -> str:
    if db.session.scalar(select(func.count(User.id))):
        return "The database already has people in it: demo data not loaded"
    rng = random.Random(2026)
    now = clock.now()
    current_month = month_of(clock.today())
    past_months = [months_before(current_month, n) for n in range(PAST_MONTHS, 0, -1)]
    with clock.frozen_at(_at(month_start(past_months[0]) - timedelta(days=12), 9)):
        _people()
        with (HERE / "case-list.csv").open("rb") as stream:
            import_cases(SYSTEM, stream, "case-list.csv")
        findings.load_themes()
    for number, month in enumerate(past_months):
        if month == past_months[-1]:
            # A revised version of the descriptors, published last month, an hour before it opened.
            with clock.frozen_at(Timeline.of(month).opened - timedelta(hours=1)):
                framework.revised_descriptors()
        _month(rng, month, Timeline.of(month), complete=True, shape=year.shape(number))
    _month(rng, current_month, Timeline.of(current_month, now), complete=False, shape=year.shape(PAST_MONTHS))
    today = clock.today()
    extras.targeted_audit(rng, lambda r: _entry(r, {k: r.choice([2, 3, 3, 4]) for k in DOMAINS}))
    types.load_typed_audits(Timeline.of(current_month, now).at)
    extras.manager_away(today)
    board.board_pack(past_months)
    calibration.load(rng, month_start(past_months[0]), month_start(past_months[-1]), today)
    learning.load_learning(past_months[year.PRIORITIES_RAISED], past_months[year.TRAINING], today)
    db.session.commit()
    extras.reminders_sent(today)
    db.session.commit()
    return f"Demo loaded: {len(past_months)} moderated months and {month_label(current_month)} in progress. " \
           f"Every demo account's password is {PASSWORD}"


def _people() -> None:
    with (HERE / "managers.csv").open("rb") as stream:
        apply_people(SYSTEM, read_people(stream, "managers.csv"))
    save_user(SYSTEM, None, name=LEADERSHIP_READER[0], email=LEADERSHIP_READER[1],
              team=team_named("Service leadership", create=True), roles={"is_leadership"})
    for user in db.session.scalars(select(User)):
        set_password(SYSTEM, user, PASSWORD)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _month(rng: random.Random, month: str, when: Timeline, complete: bool, shape: year.MonthShape) -> None:
    with clock.frozen_at(when.opened):
        cycle = open_cycle(SYSTEM, month)
        audits = draw_sample(SYSTEM, cycle, seed=rng.randrange(10**6))
    reaudits = findings.reaudit_ids()
    first_new = next((i for i, audit in enumerate(audits) if audit.id not in reaudits), None)
    for index, audit in enumerate(audits):
        stage = "moderated" if complete else ["moderated", "moderated", "ready", "one", "draft", "none"][index % 6]
        # This month's re-audit (of an Inadequate audit three months ago) is still with its auditors,
        # as one often is: the re-audits of the months before are done, each with its result.
        if not complete and audit.id in reaudits:
            stage = "one"
        _work_on(rng, audit, when, stage, shape, inadequate=complete and shape.inadequate and index == first_new,
                 reaudit=audit.id in reaudits)
    if not complete:
        live = [a for a in audits if not a.reviews]
        if live:
            requester = db.session.scalar(select(User).where(User.is_senior_manager).order_by(User.email))
            assert requester is not None  # managers.csv, loaded first, names senior managers
            with clock.frozen_at(when.at(3)):
                request_withdrawal(requester, live[-1], "court", "Final hearing listed this month.")


def _work_on(rng: random.Random, audit: Audit, when: Timeline, stage: str, shape: year.MonthShape,
             inadequate: bool = False, reaudit: bool = False) -> None:
    if stage == "none":
        return
    # A re-audited case has had three months' work on what the first audit found: usually better.
    quality = {key: min(4, rng.choices([4, 3, 2, 1], weights=shape.weights(key))[0] + (reaudit and rng.random() < 0.6))
               for key in DOMAINS}
    fathers = rng.random() < shape.fathers  # the worry tagged on this audit by whoever saw it
    # Managers grading their own cases tend to be generous; the independent view is nearer the truth.
    entries = {
        "A": _entry(rng, {k: min(4, q + (rng.random() < 0.35)) for k, q in quality.items()}),
        "B": _entry(rng, {k: max(1, min(4, q + rng.choice([0, 0, 0, 0, -1, 1]))) for k, q in quality.items()}),
    }
    # Now and then the independent auditor finds an immediate safeguarding concern.
    concern = rng.random() < {"moderated": 0.06, "ready": 0.3}.get(stage, 0)
    if concern:
        entries["B"].safeguarding_concern = "yes"
        entries["B"].safeguarding_details = wording.CONCERN
    roles = ["A", "B"] if stage in ("moderated", "ready") else ["A"]
    for offset, role in enumerate(roles):
        auditor = audit.auditor(role)
        with clock.frozen_at(when.at(4 + offset * 3 + rng.randrange(3), 14)):
            findings.propose(rng, audit, role, fathers)
            if role == families.contact_role():
                extras.family_contact(rng, audit, when.at(3, 11), audit.id)
            save_review(auditor, audit, role, entries[role], submit=stage != "draft")
    if stage != "moderated":
        return
    moment = when.at(13 + rng.randrange(4), 11)
    with clock.frozen_at(moment):
        for open_concern in audit.open_concerns:
            acknowledge_concern(audit.moderator, open_concern, wording.CONCERN_RESPONSE)
        findings.moderate(rng, audit, fathers)
        entry = _moderation(rng, audit)
        if inadequate:
            entry.grades["overall"], entry.rationales["overall"] = 1, wording.RATIONALE[0]
        sign_off(audit.moderator, audit, entry)
    findings.follow_through(rng, audit, moment, clock.now(), shape.left_open)


def _entry(rng: random.Random, grades: dict[str, int]) -> ReviewEntry:
    entry = ReviewEntry()
    for key, grade in grades.items():
        entry.domains[key] = DomainEntry(grade, rng.choice(wording.EVIDENCE[grade]), rng.choice(wording.IMPACT[grade]))
    entry.overall_grade = round(sum(grades.values()) / len(grades) - 0.1)
    entry.working_well = rng.choice(wording.WORKING_WELL)
    entry.needs_to_change = rng.choice(wording.NEEDS_TO_CHANGE)
    entry.safeguarding_concern = "no"
    return entry


def _moderation(rng: random.Random, audit: Audit) -> ModerationEntry:
    a, b = audit.review("A"), audit.review("B")
    assert a is not None and b is not None  # stage "moderated": both auditors saved their reviews above
    entry = ModerationEntry(key_issues_a=rng.choice(["yes", "yes", "partly"]), key_issues_b="yes",
                            feedback_a=rng.choice(wording.FEEDBACK), feedback_b=rng.choice(wording.FEEDBACK))
    for key in JUDGEMENTS:
        grade_a, grade_b = a.grade_value(key), b.grade_value(key)
        assert grade_a is not None and grade_b is not None  # _entry gave every review a grade for each
        # The moderator usually sides with the independent auditor, sometimes with the manager.
        final = grade_b if rng.random() < 0.8 else grade_a
        entry.grades[key] = final
        if needs_rationale(grade_a, grade_b, final):
            entry.rationales[key] = rng.choice(wording.RATIONALE)
    return entry
