"""Issue 27's measures: importing five years of a county's past audits (6,000 rows) beside
openpyxl only reading the same file, and the dashboard feed's monthly figures."""

import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from auditapp.extensions import db
from auditapp.grading import GRADE_LABELS, JUDGEMENTS, Grade
from auditapp.imports.past_audits import COLUMNS
from auditapp.models import Case, Cycle, User
from auditapp.month.past_audits import import_past_audits
from auditapp.months import months_before
from auditapp.permissions import SYSTEM
from auditapp.security.feed_tokens import create_token

YEARS, PER_MONTH = 5, 100
ROUNDS = 3  # bare reads and imports timed, in turn


def past_audit_workbook(path: Path) -> int:
    """Five years of 100 audits a month, in the months before the dataset's first, as the
    template lays them out; the grades written as councils write them (words, RI, numbers)."""
    first = db.session.scalar(select(func.min(Cycle.month)))
    months = [months_before(first, n) for n in range(YEARS * 12, 0, -1)]
    cases = db.session.execute(select(Case.reference, User.email, Case.team_id).join(User, User.id == Case.manager_id)
                               .order_by(Case.id).limit(len(months) * PER_MONTH)).all()
    managers = db.session.execute(select(User.email, User.team_id).where(User.is_auditor.is_(True))).all()
    seniors = list(db.session.scalars(select(User.email).where(User.is_senior_manager.is_(True))))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Past audits")
    sheet.append(list(COLUMNS.values()))
    writings = [lambda g: GRADE_LABELS[Grade(g)], lambda g: {1: "I", 2: "RI", 3: "G", 4: "O"}[g], lambda g: 5 - g]
    rows = 0
    for n, (reference, manager, team_id) in enumerate(cases):
        other = next(email for email, team in managers[n % len(managers):] + managers if team != team_id)
        grades = {key: (1 + (n + k) % 4, 1 + (n + 2 * k) % 4, 1 + (n + k + 1) % 4) for k, key in enumerate(JUDGEMENTS)}
        write = writings[n % 3]
        values = {"month": months[n // PER_MONTH], "case reference": reference, "auditor a": manager,
                  "auditor b": other, "moderator": seniors[n % len(seniors)]}
        for key, (a, b, m) in grades.items():
            values[f"A {key}"], values[f"B {key}"], values[f"M {key}"] = write(a), write(b), write(m)
        sheet.append([values.get(name) for name in COLUMNS])
        rows += 1
    book.save(path)
    return rows


def _bare_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def past_audits_and_feed(app: Flask, folder: Path) -> dict[str, str]:
    results = {}
    path = folder / "past-audits.xlsx"
    rows = past_audit_workbook(path)

    def run() -> object:
        with path.open("rb") as stream:
            return import_past_audits(SYSTEM, stream, path.name)

    # Three of each, in turn, each import undone so that the next starts from the same state; the
    # medians compared. One of each (as before 2 December's second round) compared a bare read
    # that ran first with the first import in the process and the first read of the county's
    # tables since the case-list import's rollbacks: one noisy second on a shared machine moved
    # the ratio by 0.5. The first import is shown too: a council's one import runs cold.
    bares, imports = [], []
    for _ in range(ROUNDS):
        bares.append(_timed(lambda: _bare_read(path))[0])
        imports.append(_timed(run)[0])
        db.session.rollback()
    bare, seconds = statistics.median(bares), statistics.median(imports)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    db.session.rollback()
    results[f"Import: {rows:,} past audits (5 years)"] = (
        f"{seconds:.1f} s (median of {ROUNDS}; the first {imports[0]:.1f} s), peak {peak:.0f} MiB; bare openpyxl "
        f"read {bare:.1f} s (median of {ROUNDS}); ratio {seconds / bare:.2f} (target: within 2, under 200 MB)")

    qa_lead = db.session.scalar(select(User).where(User.is_qa_lead.is_(True)).order_by(User.id))
    _, token = create_token(qa_lead, "Benchmark")
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for table in ("domains", "teams"):
        cold, first = _timed(lambda table=table: client.get(f"/feed/{table}.json?months=12", headers=headers))
        times = []
        for _ in range(20):
            took, answer = _timed(lambda table=table: client.get(f"/feed/{table}.json?months=12", headers=headers))
            times.append(took)
        times.sort()
        assert first.status_code == answer.status_code == 200, first.status_code
        results[f"Feed: {table}, 12 months (JSON)"] = (
            f"first {cold * 1000:.0f} ms, then median {times[len(times) // 2] * 1000:.0f} ms, "
            f"slowest {times[-1] * 1000:.0f} ms (target: under 50 ms)")
    return results
