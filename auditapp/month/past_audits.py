"""The audits a council did before auditapp, imported so that trends, agreement, re-audits and
the sample's look-back count them exactly as they count audits done here: each becomes an audit
of a month's random sample, with auditor A's and B's submitted reviews and the moderated grades,
signed off, and marked imported (no evidence text, no descriptor version).

All or nothing; importing the same file again changes nothing (an audit is matched by month and
case). Written in bulk: five years of a county's audits are 6,000 rows and 126,000 grades."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import TracebackType
from typing import IO, Any, cast

from flask import current_app
from sqlalchemy import Connection, Table, insert, select

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.grading import JUDGEMENTS, OVERALL, Grade
from auditapp.history import record
from auditapp.history_chain import chain_tip, seal_after, seal_rows
from auditapp.imports.past_audits import PastAuditRow, checked_past_audits
from auditapp.imports.table import MAX_PROBLEMS_SHOWN, ImportFailed
from auditapp.models import Audit, Case, Cycle, Event, ModeratedGrade, Reaudit, Review, ReviewGrade, User
from auditapp.models.bulk import Pipeline, insert_rows, reserve_ids
from auditapp.months import month_label, month_of, month_start, months_before
from auditapp.permissions import Actor, can_manage, require
from auditapp.workdays import add_working_days, is_working_day

# Inserted through their tables (a pipelined INSERT of arrays or Core executemany, models/bulk.py), not the ORM's bulk
# insert, which walks each of the 180,000 rows' dictionaries again: 0.3 s of the 6,000-audit import.
AUDIT, REVIEW, EVENT, REVIEW_GRADE, MODERATED_GRADE, REAUDIT, CYCLE = (
    cast(Table, model.__table__) for model in (Audit, Review, Event, ReviewGrade, ModeratedGrade, Reaudit, Cycle))
DOMAINS = [domain for domain in JUDGEMENTS if domain != OVERALL]  # a review's grades besides its overall one
# Rows checked and then sent while the next are read: 12 batches for 6,000 audits. Smaller than
# 1,000, so that less is left for the server to write once the last row is read.
BATCH = 500
# A row's allocated, submitted (A and B), signed-off dates and its two due dates.
Dated = tuple[date, dict[str, date], date, date, date]


def import_past_audits(actor: Actor, stream: IO[bytes], filename: str) -> tuple[int, int]:
    """Returns (imported, already there). ImportFailed leaves everything untouched.

    On PostgreSQL each batch of checked rows is sent to the server as soon as it is read, without
    waiting (libpq's pipeline mode, models/bulk.py's Pipeline): the server checks the written
    rows' foreign keys and builds their indexes (about 1 s of its time for 6,000 audits) on the
    other core while this thread reads the next batch. A row with a problem stops the writing, and
    everything written is undone with the savepoint taken before it. On SQLite every batch is
    written once the last row is checked. Measured on the large county (loaded machine, three runs
    each, wall ÷ openpyxl's bare read): 2.8-3.4x with one statement waited for at a time; 1.8-2.3x
    with a writing thread; see BENCHMARKS.md for the pipeline's."""
    require(can_manage(cast(User, actor)), "Only the QA lead can import past audits")  # cast: the command line may
    cases = {reference.upper(): case_id for reference, case_id in db.session.execute(select(Case.reference, Case.id))}
    people: dict[str, int] = {}
    names: dict[str, list[int]] = defaultdict(list)
    for user_id, email, name in db.session.execute(select(User.id, User.email, User.name)):
        people[email.lower()] = user_id
        names[" ".join(name.split()).lower()].append(user_id)
    # A name finds a person only when no one else has it; otherwise the email must be used.
    people.update({name: ids[0] for name, ids in names.items() if len(ids) == 1 and name not in people})
    batches = checked_past_audits(stream, filename, cases, people, month_of(clock.today()), BATCH)
    live, cycles, done = _known()
    # PostgreSQL writes batches before the last row is checked: a savepoint undoes them on a refusal.
    # SQLite writes only once every row is checked (pysqlite's savepoint outside a transaction it
    # has begun would commit on release), so a refusal there has written nothing.
    savepoint = db.session.begin_nested() if db.session.connection().dialect.name == "postgresql" else None
    # The session's connection asked for again: that is what emits the SAVEPOINT (SQLAlchemy waits
    # for the next use through the session, and the writing uses the connection directly).
    writer = _Writer(actor, db.session.connection(), cycles)
    try:
        written, again = _write_as_read(writer, batches, live, done)
        _schedule_reaudits(actor, writer.imported)
    except BaseException:
        if savepoint is not None:
            savepoint.rollback()
        raise
    if savepoint is not None:
        savepoint.commit()
    record(cast(User, actor), history.PAST_AUDITS_IMPORTED, field=filename,
           after=f"{written} imported, {again} already imported")
    db.session.flush()
    return written, again


def _known() -> tuple[set[str], dict[str, int | None], set[tuple[str, int]]]:
    """The months sampled live (refused), each month's imported sample (missing: to be made) and
    the audits already imported into them, by (month, case): all read before the file, so that
    nothing but the writing uses the database while it is read."""
    live: set[str] = set()
    cycles: dict[str, int | None] = {}
    for cycle_id, month, imported in db.session.execute(
            select(Cycle.id, Cycle.month, Cycle.imported_at).where(Cycle.kind == "random",
                                                                   Cycle.cancelled_at.is_(None))):
        if imported is None:
            live.add(month)
        else:
            cycles[month] = cycle_id
    done = {(month, case_id) for month, case_id in db.session.execute(
        select(Cycle.month, Audit.case_id).join(Cycle, Cycle.id == Audit.cycle_id)
        .where(Cycle.imported_at.is_not(None), Cycle.kind == "random", Cycle.cancelled_at.is_(None),
               Audit.withdrawn_at.is_(None)))}
    return live, cycles, done


def _write_as_read(writer: "_Writer", batches: Iterator[list[PastAuditRow]], live: set[str],
                   done: set[tuple[str, int]]) -> tuple[int, int]:
    """(written, already there). On PostgreSQL each batch is sent as it is read, the server
    writing it while the next is read; on SQLite (its writes take little time and cannot be sent
    ahead) all of them once the last row is checked."""
    problems: dict[str, list[int]] = {}
    written = seen = 0
    held: list[tuple[list[PastAuditRow], list[Dated]]] = []
    with writer:
        for batch in batches:
            seen += len(batch)
            new = []
            for row in batch:
                if row.month in live:
                    numbers = problems.setdefault(row.month, [])
                    if len(numbers) < MAX_PROBLEMS_SHOWN:
                        numbers.append(row.number)
                elif (row.month, row.case_id) not in done:
                    new.append(row)
            if new and not problems:
                written += len(new)
                if writer.streaming:
                    writer.write(new, writer.dated(new))
                else:
                    held.append((new, writer.dated(new)))
        if problems:
            lines = [f"Row {number}: {month_label(month)} was sampled in auditapp: past audits are imported only "
                     "for months it was not used" for month, numbers in problems.items() for number in numbers]
            raise ImportFailed(sorted(lines, key=lambda line: int(line.split(":")[0][4:])))
    if held:  # SQLite: one write of every batch, as few statements as the rows allow
        writer.write([row for rows, _ in held for row in rows], [day for _, dated in held for day in dated])
    return written, seen - written


@lru_cache(maxsize=4096)  # 6,000 audits fall on a few hundred days, each asked for 6 times (0.1 s of time zones)
def _noon(day: date) -> datetime:
    """Midday in the UK on that day, as UTC: a date with no time falls on its own day wherever read."""
    return clock.start_of_uk_day(day) + timedelta(hours=12)


class _Writer:
    """Writes batches of checked rows, in the order read: their months' samples when new, the
    audits with A's and B's reviews and the moderated grades, each audit's history entry chained
    after the last batch's. On PostgreSQL (`streaming`) inside its `with` block: the rows are
    sent through a pipeline opened at the first batch, once the history's turn is taken, and
    closed (everything sent written, or its error raised) when the block ends."""

    def __init__(self, actor: Actor, connection: Connection, cycles: dict[str, int | None]):
        config = current_app.config
        self.actor_id, self.connection, self.cycles = actor.id, connection, cycles
        self.streaming = connection.dialect.name == "postgresql"
        self.now = clock.now()
        self.lookback = config["SAMPLE_LOOKBACK_MONTHS"]
        self.auditor_days = config["AUDITOR_DUE_WORKING_DAYS"]
        self.moderation_days = config["MODERATION_DUE_WORKING_DAYS"]
        self.due = _due_dates()
        is_working_day(self.now.date())  # the council's closure days read now: not through the pipeline later
        self.tip: str | None = None  # the history chain's newest hash, once this import has its turn
        self.imported: list[tuple[int, PastAuditRow]] = []
        self.pipeline: Pipeline | None = None
        self._stack = ExitStack()

    def __enter__(self) -> "_Writer":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.pipeline = None
        self._stack.__exit__(kind, error, trace)

    def dated(self, rows: list[PastAuditRow]) -> list[Dated]:
        """Each row's dates, from the closure days read when this writer was made."""
        out: list[Dated] = []
        for row in rows:
            allocated = row.dates.get("allocated on") or month_start(row.month)
            submitted = {role: row.dates.get(f"{role.lower()} submitted on") or allocated for role in "AB"}
            second = max(submitted.values())
            out.append((allocated, submitted, row.dates.get("signed off on") or second,
                        self.due(allocated, self.auditor_days), self.due(second, self.moderation_days)))
        return out

    def _ids(self, table: Table, count: int) -> list[int]:
        return self.pipeline.ids(table, count) if self.pipeline else reserve_ids(self.connection, table, count)

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if self.pipeline:
            self.pipeline.send(table, rows)
        else:
            insert_rows(self.connection, table, rows)

    def _make_cycles(self, months: list[str]) -> None:
        now = self.now
        values = [{"month": month, "seed": None, "per_team": 0, "lookback_months": self.lookback,
                   "opened_by_id": self.actor_id, "opened_at": now, "sampled_at": now, "kind": "random",
                   "imported_at": now} for month in months]
        made: Sequence[tuple[Any, ...]]
        if self.pipeline:
            made = self.pipeline.send_returning(CYCLE, values, "id", "month")
        else:
            made = self.connection.execute(
                insert(Cycle).returning(Cycle.id, Cycle.month, sort_by_parameter_order=True), values).all()
        self.cycles.update({month: cycle_id for cycle_id, month in made})

    def write(self, rows: list[PastAuditRow], dated: list[Dated]) -> None:
        if self.tip is None:
            # The writers' turn first (held to the end of the transaction), then the pipeline.
            self.tip = chain_tip(db.session())
            if self.streaming:
                self.pipeline = self._stack.enter_context(Pipeline(self.connection))
        now = self.now
        to_make = list(dict.fromkeys(row.month for row in rows if self.cycles.get(row.month) is None))
        if to_make:
            self._make_cycles(to_make)
        # Ids taken first, so the reviews and grades can refer to their audits without reading them back.
        ids = self._ids(AUDIT, len(rows))
        review_ids = iter(self._ids(REVIEW, 2 * len(rows)))
        # The entries' ids too on PostgreSQL: given in the chain's order, whatever order the server inserts.
        entry_ids = self._ids(EVENT, len(rows)) if self.pipeline else None
        audits: list[dict[str, Any]] = []
        reviews: list[dict[str, Any]] = []
        grades: list[dict[str, Any]] = []
        moderated: list[dict[str, Any]] = []
        review_grades: list[tuple[int, dict[str, int]]] = []
        for audit_id, row, (allocated, submitted, signed_off, auditor_due, moderation_due) in zip(ids, rows, dated):
            audits.append({
                "id": audit_id, "cycle_id": self.cycles[row.month], "case_id": row.case_id,
                "auditor_a_id": row.auditor_a_id, "auditor_b_id": row.auditor_b_id, "moderator_id": row.moderator_id,
                "allocated_at": _noon(allocated), "auditor_due": auditor_due, "moderation_due": moderation_due,
                "signed_off_at": _noon(signed_off), "signed_off_by_id": row.moderator_id,
                "key_issues_a": row.key_issues.get("A"), "key_issues_b": row.key_issues.get("B"),
                "imported_at": now, "descriptor_version": None,
            })
            for role in "AB":
                review_id = next(review_ids)
                reviews.append({"id": review_id, "audit_id": audit_id, "role": role,
                                "overall_grade": row.grades[role][OVERALL], "updated_at": _noon(submitted[role]),
                                "submitted_at": _noon(submitted[role]), "descriptor_version": None, "version": 1})
                if self.pipeline:
                    review_grades.append((review_id, row.grades[role]))
                else:
                    grades += [{"review_id": review_id, "domain": domain, "grade": row.grades[role][domain]}
                               for domain in DOMAINS]
            if not self.pipeline:
                moderated += [{"audit_id": audit_id, "domain": judgement, "grade": row.grades["M"][judgement]}
                              for judgement in JUDGEMENTS]
        self._insert(AUDIT, audits)
        self._insert(REVIEW, reviews)
        if self.pipeline:
            # Nine grades in ten are the grades tables': sent as one string of digits per review or
            # audit, which the server turns into rows, instead of three values a row for psycopg to
            # convert one by one (0.1 s of this thread's time a batch; the server's work is the same).
            self.pipeline.execute(_GRADES_FROM_DIGITS.format(table="review_grade", owner="review_id"),
                                  _digits(review_grades, DOMAINS))
            self.pipeline.execute(_GRADES_FROM_DIGITS.format(table="moderated_grade", owner="audit_id"),
                                  _digits([(audit_id, row.grades["M"]) for audit_id, row in zip(ids, rows)],
                                          JUDGEMENTS))
        else:
            self._insert(REVIEW_GRADE, grades)
            self._insert(MODERATED_GRADE, moderated)
        entries = [{"at": now, "user_id": self.actor_id, "audit_id": audit_id, "action": history.AUDIT_IMPORTED,
                    "field": month_label(row.month), "after": _grades_text(row)} for audit_id, row in zip(ids, rows)]
        self.tip = seal_after(self.tip, entries)
        if entry_ids is not None:
            entries = [{"id": entry_id, **entry} for entry_id, entry in zip(entry_ids, entries)]
        self._insert(EVENT, entries)
        self.imported += zip(ids, rows)


# Each owner's grades, one digit a domain in `domains` order: rows (owner, domain, grade) in that
# order, the owners in the order given.
_GRADES_FROM_DIGITS = (
    "INSERT INTO {table} ({owner}, domain, grade) "
    "SELECT o.id, d.domain, substr(o.digits, d.k::int, 1)::int "
    "FROM unnest(%b::int4[], %b::text[]) WITH ORDINALITY AS o(id, digits, n) "
    "CROSS JOIN unnest(%b::text[]) WITH ORDINALITY AS d(domain, k) ORDER BY o.n, d.k")


def _digits(owners: list[tuple[int, dict[str, int]]], domains: Iterable[str]) -> list[list[Any]]:
    """The parameters of _GRADES_FROM_DIGITS (grades are 1 to 4: one digit each)."""
    names = list(domains)
    return [[owner for owner, _ in owners], ["".join(str(grades[d]) for d in names) for _, grades in owners], names]


def _insert_entries(entries: list[dict[str, Any]]) -> None:
    """History entries in bulk, sealed into the chain in the order they are inserted (one
    statement, not an object flushed per entry)."""
    insert_rows(db.session.connection(), EVENT, seal_rows(db.session(), entries))


def _due_dates() -> Callable[[date, int], date]:
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
    insert_rows(db.session.connection(), REAUDIT, reaudits)
    _insert_entries([{"at": now, "user_id": actor.id, "audit_id": reaudit["first_audit_id"],
                      "action": history.REAUDIT_SCHEDULED, "after": reaudit["due_month"]} for reaudit in reaudits])

