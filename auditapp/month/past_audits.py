"""The audits a council did before auditapp, imported so that trends, agreement, re-audits and
the sample's look-back count them exactly as they count audits done here: each becomes an audit
of a month's random sample, with auditor A's and B's submitted reviews and the moderated grades,
signed off, and marked imported (no evidence text, no descriptor version).

All or nothing; importing the same file again changes nothing (an audit is matched by month and
case). Written in bulk: five years of a county's audits are 6,000 rows and 126,000 grades."""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import IO, Any, cast

from flask import current_app
from sqlalchemy import Table, insert, select

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.grading import JUDGEMENTS, OVERALL, Grade
from auditapp.history import record
from auditapp.history_chain import seal_rows
from auditapp.imports.past_audits import PastAuditRow, read_past_audits
from auditapp.imports.table import MAX_PROBLEMS_SHOWN, ImportFailed
from auditapp.models import Audit, Case, Cycle, Event, ModeratedGrade, Reaudit, Review, ReviewGrade, User
from auditapp.months import month_label, month_of, month_start, months_before
from auditapp.permissions import Actor, can_manage, require
from auditapp.workdays import add_working_days

CHUNK = 2000
# Inserted through their tables (Core executemany), not the ORM's bulk insert, which walks each of
# the 180,000 rows' dictionaries again: 0.3 s of the 6,000-audit import.
AUDIT, REVIEW, EVENT, REVIEW_GRADE, MODERATED_GRADE, REAUDIT = (
    cast(Table, model.__table__) for model in (Audit, Review, Event, ReviewGrade, ModeratedGrade, Reaudit))


def import_past_audits(actor: Actor, stream: IO[bytes], filename: str) -> tuple[int, int]:
    """Returns (imported, already there). ImportFailed leaves everything untouched."""
    require(can_manage(cast(User, actor)), "Only the QA lead can import past audits")  # cast: the command line may
    cases = {reference.upper(): case_id for reference, case_id in db.session.execute(select(Case.reference, Case.id))}
    people: dict[str, int] = {}
    names: dict[str, list[int]] = defaultdict(list)
    for user_id, email, name in db.session.execute(select(User.id, User.email, User.name)):
        people[email.lower()] = user_id
        names[" ".join(name.split()).lower()].append(user_id)
    # A name finds a person only when no one else has it; otherwise the email must be used.
    people.update({name: ids[0] for name, ids in names.items() if len(ids) == 1 and name not in people})
    rows = read_past_audits(stream, filename, cases, people, month_of(clock.today()))

    months = sorted({row.month for row in rows})
    cycles, problems = _cycles(months)
    done = {(month, case_id) for month, case_id in db.session.execute(
        select(Cycle.month, Audit.case_id).join(Cycle, Cycle.id == Audit.cycle_id)
        .where(Cycle.month.in_(months), Cycle.kind == "random", Cycle.cancelled_at.is_(None),
               Audit.withdrawn_at.is_(None)))}
    new = [row for row in rows if (row.month, row.case_id) not in done]
    for row in rows:
        if row.month in problems and len(problems[row.month]) < MAX_PROBLEMS_SHOWN:
            problems[row.month].append(row.number)
    if problems:
        lines = [f"Row {number}: {month_label(month)} was sampled in auditapp: past audits are imported only for "
                 "months it was not used" for month, numbers in problems.items() for number in numbers]
        raise ImportFailed(sorted(lines, key=lambda line: int(line.split(":")[0][4:])))
    if new:
        _write(actor, new, cycles)
    record(cast(User, actor), history.PAST_AUDITS_IMPORTED, field=filename,
           after=f"{len(new)} imported, {len(rows) - len(new)} already imported")
    db.session.flush()
    return len(new), len(rows) - len(new)


def _cycles(months: list[str]) -> tuple[dict[str, int | None], dict[str, list[int]]]:
    """Each month's imported sample (None: to be made), and the months sampled live, refused."""
    found: dict[str, int | None] = dict.fromkeys(months)
    live: dict[str, list[int]] = {}
    for cycle_id, month, imported in db.session.execute(
            select(Cycle.id, Cycle.month, Cycle.imported_at).where(
                Cycle.month.in_(months), Cycle.kind == "random", Cycle.cancelled_at.is_(None))):
        if imported is None:
            live[month] = []
        else:
            found[month] = cycle_id
    return found, live


def _noon(day: date) -> datetime:
    """Midday in the UK on that day, as UTC: a date with no time falls on its own day wherever read."""
    return clock.start_of_uk_day(day) + timedelta(hours=12)


def _write(actor: Actor, rows: list[PastAuditRow], cycles: dict[str, int | None]) -> None:
    now = clock.now()
    config = current_app.config
    to_make = [month for month, cycle_id in cycles.items() if cycle_id is None and any(r.month == month for r in rows)]
    if to_make:
        made = db.session.execute(insert(Cycle).returning(Cycle.id, Cycle.month, sort_by_parameter_order=True), [
            {"month": month, "seed": None, "per_team": 0, "lookback_months": config["SAMPLE_LOOKBACK_MONTHS"],
             "opened_by_id": actor.id, "opened_at": now, "sampled_at": now, "kind": "random", "imported_at": now}
            for month in to_make]).all()
        cycles.update({month: cycle_id for cycle_id, month in made})

    audits: list[dict[str, Any]] = []
    due = _due_dates(rows)
    for row in rows:
        allocated = row.dates.get("allocated on") or month_start(row.month)
        submitted = {role: row.dates.get(f"{role.lower()} submitted on") or allocated for role in "AB"}
        second = max(submitted.values())
        signed_off = row.dates.get("signed off on") or second
        audits.append({
            "cycle_id": cycles[row.month], "case_id": row.case_id, "auditor_a_id": row.auditor_a_id,
            "auditor_b_id": row.auditor_b_id, "moderator_id": row.moderator_id, "allocated_at": _noon(allocated),
            "auditor_due": due(allocated, config["AUDITOR_DUE_WORKING_DAYS"]),
            "moderation_due": due(second, config["MODERATION_DUE_WORKING_DAYS"]),
            "signed_off_at": _noon(signed_off), "signed_off_by_id": row.moderator_id,
            "key_issues_a": row.key_issues.get("A"), "key_issues_b": row.key_issues.get("B"),
            "imported_at": now, "descriptor_version": None,
            "_submitted": submitted,
        })
    # Inserted without RETURNING, then their ids read back by what identifies them: on SQLite,
    # RETURNING in the order given meant one INSERT per row (18,000 statements for 6,000 audits).
    for start in range(0, len(audits), CHUNK):
        db.session.execute(insert(AUDIT), [{k: v for k, v in audit.items() if not k.startswith("_")}
                                           for audit in audits[start:start + CHUNK]])
    made_ids = {(cycle_id, case_id): audit_id for audit_id, cycle_id, case_id in db.session.execute(
        select(Audit.id, Audit.cycle_id, Audit.case_id).where(
            Audit.cycle_id.in_({audit["cycle_id"] for audit in audits}), Audit.imported_at == now))}
    ids = [made_ids[audit["cycle_id"], audit["case_id"]] for audit in audits]

    reviews: list[dict[str, Any]] = [{"audit_id": audit_id, "role": role, "overall_grade": row.grades[role][OVERALL],
                "updated_at": _noon(audit["_submitted"][role]), "submitted_at": _noon(audit["_submitted"][role]),
                "descriptor_version": None, "version": 1}
               for audit_id, row, audit in zip(ids, rows, audits) for role in "AB"]
    for start in range(0, len(reviews), CHUNK):
        db.session.execute(insert(REVIEW), reviews[start:start + CHUNK])
    ours = set(ids)  # another transaction's audits may have ids in between, on PostgreSQL
    review_of = {(audit_id, role): review_id for review_id, audit_id, role in db.session.execute(
        select(Review.id, Review.audit_id, Review.role).where(Review.audit_id.between(min(ids), max(ids))))
        if audit_id in ours}
    review_ids = [review_of[review["audit_id"], review["role"]] for review in reviews]
    grades = [{"review_id": review_id, "domain": domain, "grade": rows[n // 2].grades[review["role"]][domain]}
              for n, (review_id, review) in enumerate(zip(review_ids, reviews))
              for domain in JUDGEMENTS if domain != OVERALL]
    moderated = [{"audit_id": audit_id, "domain": judgement, "grade": row.grades["M"][judgement]}
                 for audit_id, row in zip(ids, rows) for judgement in JUDGEMENTS]
    for table, values in ((REVIEW_GRADE, grades), (MODERATED_GRADE, moderated)):
        for start in range(0, len(values), CHUNK * 5):
            db.session.execute(insert(table), values[start:start + CHUNK * 5])
    entries = [{"at": now, "user_id": actor.id, "audit_id": audit_id, "action": history.AUDIT_IMPORTED,
                "field": month_label(row.month), "after": _grades_text(row)} for audit_id, row in zip(ids, rows)]
    _insert_entries(entries)
    _schedule_reaudits(actor, list(zip(ids, rows)))


def _insert_entries(entries: list[dict[str, Any]]) -> None:
    """History entries in bulk, sealed into the chain in the order they are inserted (one
    statement a chunk, not an object flushed per entry)."""
    for start in range(0, len(seal_rows(db.session(), entries)), CHUNK):
        db.session.execute(insert(EVENT), entries[start:start + CHUNK])


def _due_dates(rows: list[PastAuditRow]) -> Callable[[date, int], date]:
    """add_working_days, worked out once per day: 6,000 audits fall on about 60 first days of a month."""
    known: dict[tuple[date, int], date] = {}

    def due(day: date, days: int) -> date:
        if (day, days) not in known:
            known[day, days] = add_working_days(day, days)
        return known[day, days]
    return due


def _grades_text(row: PastAuditRow) -> str:
    return "; ".join(f"{who} overall {Grade(row.grades[role][OVERALL]).label}"
                     for role, who in (("A", "auditor A"), ("B", "auditor B"), ("M", "moderated")))


def _schedule_reaudits(actor: Actor, imported: list[tuple[int, PastAuditRow]]) -> None:
    """An audit moderated Inadequate overall is re-audited REAUDIT_AFTER_MONTHS later, as at a live
    sign-off. A later audit of the same case (imported or live) is taken as that re-audit; with
    none, the re-audit waits for the next sample, like one whose month was missed."""
    inadequate = [(audit_id, row) for audit_id, row in imported if row.grades["M"][OVERALL] == Grade.INADEQUATE]
    if not inadequate:
        return
    case_ids = {row.case_id for _, row in inadequate}
    later: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for case_id, month, audit_id in db.session.execute(
            select(Audit.case_id, Cycle.month, Audit.id).join(Cycle, Cycle.id == Audit.cycle_id)
            .where(Audit.case_id.in_(case_ids), Cycle.cancelled_at.is_(None), Audit.withdrawn_at.is_(None))
            .order_by(Cycle.month, Audit.id)):
        later[case_id].append((month, audit_id))
    taken = set(db.session.scalars(select(Reaudit.audit_id).where(Reaudit.audit_id.is_not(None))))
    after = current_app.config["REAUDIT_AFTER_MONTHS"]
    now = clock.now()
    reaudits: list[dict[str, Any]] = []
    for audit_id, row in inadequate:
        second = next((other for month, other in later[row.case_id] if month > row.month and other not in taken), None)
        if second is not None:
            taken.add(second)
        reaudits.append({"first_audit_id": audit_id, "due_month": months_before(row.month, -after),
                         "scheduled_at": now, "audit_id": second, "note": None})
    for start in range(0, len(reaudits), CHUNK):
        db.session.execute(insert(REAUDIT), reaudits[start:start + CHUNK])
    _insert_entries([{"at": now, "user_id": actor.id, "audit_id": reaudit["first_audit_id"],
                      "action": history.REAUDIT_SCHEDULED, "after": reaudit["due_month"]} for reaudit in reaudits])

