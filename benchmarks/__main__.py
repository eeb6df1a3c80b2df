"""`make bench`: auditapp at county scale, on SQLite and (when TEST_DATABASE_URL is set, as
`scripts/with-postgres.sh` does) on PostgreSQL. Prints a table and rewrites BENCHMARKS.md.
BENCH_QUICK=1 runs a short version on SQLite and the small demo (a second a page) to check the bench
itself; it prints its figures and leaves BENCHMARKS.md alone.

For each database: builds `seed-demo --scale large`, then measures
- pages under gunicorn with 20 concurrent users for a bounded time each (127.0.0.1 only), the users
  in a load generator of their own processes (benchmarks/generator.py), whose ceiling (/health)
  is reported beside every figure; each page's req/s divided by the signed-in floor page's;
- deep pages: the first and the last page of each long list;
- a mixed run: readers of the report pages, a start page and lists while 3 auditors save drafts
  (1 and then 5 a second each) and moderators sign audits off, against the same with no writer;
- statements per page on the small demo and on the large dataset;
- the dashboard (one month, 12 months) recomputed from nothing, in process (issue 22);
- one month's workbook and the full-history export, beside openpyxl writing the same cells;
- the month's PDF pack (issue 23) and the year's self-evaluation as a Word document (issue 26), each
  in a process of its own (benchmarks/exports.py): its own time and peak resident memory;
- importing a 60,000-row case list, beside openpyxl only reading it;
- drawing a month's sample over 60,000 cases;
- importing 5 years of past audits (6,000 rows) beside openpyxl only reading them, and the
  dashboard feed's monthly figures (issue 27).
"""

import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

from flask_migrate import upgrade
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from auditapp import clock, create_app
from auditapp.demo import seed_demo
from auditapp.demo.large import seed_large
from auditapp.exports.history import Cells, audit_rows, write_history
from auditapp.exports.workbook import workbook_bytes
from auditapp.extensions import db
from auditapp.month.register import import_cases
from auditapp.month.sampling import draw_sample, open_cycle
from auditapp.months import month_of, month_start, months_before
from auditapp.permissions import SYSTEM
from auditapp.reports.summary import summarise

from .exports import own_process_exports
from .generator import Generator, Signers, Writers
from .imports import past_audits_and_feed
from .load import Target, sign_in_cookie
from .pages import deep_pages, draft_writers, page_urls, ready_to_sign_off, statement_counts
from .recompute import recomputed_in_own_process
from .typed import seed_typed

ROOT = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
USERS, SECONDS, WORKERS = (6, 1.0, 2) if QUICK else (20, 4.0, 4)
RATES = (1, 5)  # drafts a second per writer in the mixed run
SIGN_OFF_EVERY = 3.0  # seconds between sign-offs in the mixed run
# The pages read during the mixed run: the report pages, a start page and the lists people scan.
MIXED = ["Dashboard, one month", "Dashboard, 12 months", "Agreement page", "QA lead's start page",
         "Leadership reader's start page", "Case register", "Cycle overview"]
TODAY = clock.today()  # the demo is built relative to today, and measured on it


def timed(action, memory: bool = False, between=lambda: None):
    """(seconds, peak Python memory in MiB or None, result). Memory is traced in a second run,
    since tracing slows Python down; `between` undoes the first run."""
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    peak = None
    if memory:
        between()
        tracemalloc.start()
        action()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, result


def case_list(path: Path) -> None:
    """The large register as the case management system would export it (title line, header, rows)."""
    from auditapp.models import CASE_TYPES, Case, Team, User
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cases")
    sheet.append(["Open cases export"])
    sheet.append(["Case Reference", "Team", "Case Type", "Responsible Manager Email", "Open Date", "Age Band",
                  "Gender", "Ethnicity", "Disability"])
    for reference, team, case_type, *rest in db.session.execute(
            select(Case.reference, Team.name, Case.case_type, User.email, Case.open_date, Case.age_band,
                   Case.gender, Case.ethnicity, Case.disability)
            .join(Team, Team.id == Case.team_id).join(User, User.id == Case.manager_id)):
        sheet.append([reference, team, CASE_TYPES[case_type], *rest])
    book.save(path)


def bare_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def bare_write(rows: list[list], path: Path) -> float:
    """Seconds for openpyxl alone to write the same cells (typed and formatted as the export's)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Audits")
    made = Cells(sheet)
    cells = [[made.cell(value) for value in row] for row in rows]
    start = time.perf_counter()
    for row in cells:
        sheet.append(row)
    book.save(path)
    return time.perf_counter() - start


def files_and_sampling(folder: Path, url: str) -> dict[str, str]:
    results = {}
    seconds, peak, _ = timed(lambda: workbook_bytes(summarise(months_before(month_of(TODAY), 1), TODAY)), memory=True)
    results["Export: one month's workbook (last month)"] = f"{seconds * 1000:.0f} ms, peak {peak:.1f} MiB"
    # The board's PDF pack of the same month (issue 23: under 3 s and 300 MB) and the year's
    # self-evaluation as Word (issue 26: under 10 s and 300 MB), each in a process of its own:
    # WeasyPrint and lxml allocate outside Python, and this process's own peak is the county's build.
    results.update(own_process_exports(url, months_before(month_of(TODAY), 1)))
    history = folder / "all.xlsx"
    seconds, peak, count = timed(lambda: write_history(str(history), TODAY), memory=True)
    rows = list(audit_rows(TODAY))
    bare = bare_write(rows, folder / "bare.xlsx")
    results[f"Export: full history ({count:,} audits)"] = (
        f"{seconds:.1f} s, peak {peak:.1f} MiB; bare openpyxl {bare:.1f} s; ratio {seconds / bare:.2f}")
    half_peak = _history_peak_for(count // 2)
    results["Export: peak memory at half the rows"] = f"{half_peak:.1f} MiB (flat as rows grow)"
    cases = folder / "cases.xlsx"
    case_list(cases)
    bare, _, read = timed(lambda: bare_read(cases))
    def run_import():
        with cases.open("rb") as stream:
            return import_cases(SYSTEM, stream, "cases.xlsx")

    seconds, peak, _ = timed(run_import, memory=True, between=db.session.rollback)
    db.session.rollback()
    results[f"Import: {read - 2:,}-row case list"] = (
        f"{seconds:.1f} s, peak {peak:.0f} MiB; bare openpyxl read {bare:.1f} s; ratio {seconds / bare:.2f}")
    next_month = months_before(month_of(TODAY), -1)
    with clock.frozen_at(datetime.combine(month_start(next_month), datetime.min.time()).replace(hour=9)):
        seconds, _, audits = timed(lambda: draw_sample(SYSTEM, open_cycle(SYSTEM, next_month), seed=1, per_team=3))
    db.session.rollback()
    results[f"Sampling: draw {len(audits)} cases over 60,000"] = f"{seconds * 1000:.0f} ms"
    return results


def _history_peak_for(limit: int) -> float:
    """Peak memory of streaming the first `limit` rows, to show the export's memory does not grow."""
    tracemalloc.start()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Audits")
    for n, row in enumerate(audit_rows(TODAY)):
        if n >= limit:
            break
        sheet.append(row)
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def run_database(name: str, url: str, folder: Path) -> dict:
    print(f"\n== {name} ==", flush=True)
    small_url = url if name == "PostgreSQL" else f"sqlite:///{folder / 'small.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": small_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo()
        small = statement_counts(app)
        if QUICK:  # the small demo is measured as it is: the bench's own check, not figures
            plan = _plan()
            db.session.remove()  # nothing held open on SQLite while the exports' own processes read it
            seconds, large, others = 0.0, small, own_process_exports(small_url, months_before(month_of(TODAY), 1))
            url = small_url
        elif name == "PostgreSQL":  # one PostgreSQL database: empty it (tables, triggers' function) for the large one
            db.session.remove()
            db.session.execute(db.text("DROP SCHEMA public CASCADE"))
            db.session.execute(db.text("CREATE SCHEMA public"))
            db.session.commit()
    if not QUICK:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            seconds, _, message = timed(lambda: seed_large(lambda m: None))
            print(f"seed-demo --scale large: {seconds:.0f} s ({message.split('.')[0]})", flush=True)
            seed_typed()  # 2,000 finished audits of one type, for its summary page (issue 24)
            if name == "PostgreSQL":
                # What autovacuum does soon after a bulk load, done now rather than while the recompute
                # is measured: the planner's statistics and the visibility map that lets an index
                # answer alone. A council's database has both; one built a second ago has neither.
                _vacuum_analyze()
            large = statement_counts(app)
            plan = _plan()
            db.session.remove()  # nothing held open on SQLite while the recomputing process reads it
            others = recomputed_in_own_process(url)  # before anything else is remembered or measured
            others.update(files_and_sampling(folder, url))
            others.update(past_audits_and_feed(app, folder))
            if name == "PostgreSQL":
                # Measuring the import rolls back 60,000 updated cases, twice: without this, autovacuum
                # would clear those dead rows in the middle of the page measurements.
                _vacuum_analyze()
    measured = serve_and_measure(url, plan)
    return {"seed": seconds, "small": small, "large": large, "others": others, **measured}


def _vacuum_analyze() -> None:
    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("VACUUM ANALYZE"))


def _plan() -> dict:
    """What to request, read from the loaded data before the server starts."""
    return {"pages": page_urls(), "deep": deep_pages(), "writers": draft_writers(3), "sign_offs": ready_to_sign_off()}


def serve_and_measure(url: str, plan: dict) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark", "SESSION_COOKIE_SECURE": "0"}
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    generator = None
    try:
        target = Target("127.0.0.1", port)
        target.wait_until_up()
        emails = {email for email, _ in [*plan["pages"].values(), *plan["deep"].values(), *plan["writers"],
                                         *plan["sign_offs"]]}
        cookies = {email: sign_in_cookie(target, email) for email in emails}
        generator = Generator(target)
        ceiling = generator.ceiling(USERS, SECONDS)
        print(f"  load generator's ceiling (/health): {ceiling:.0f} req/s", flush=True)

        def read(pages: dict[str, tuple[str, str]], seconds: float = SECONDS) -> dict:
            results = {}
            for name, (email, path) in pages.items():
                generator.read(cookies[email], path, USERS, min(0.5, seconds))  # warm the workers first
                results[name] = generator.read(cookies[email], path, USERS, seconds)
                print(f"  {name}: p95 {results[name]['p95']:.0f} ms, {results[name]['rps']:.0f} req/s", flush=True)
            return results

        pages = read(plan["pages"])
        deep = read(plan["deep"])
        mixed = mixed_run(target, generator, plan, cookies, read)
        return {"ceiling": ceiling, "pages": pages, "deep": deep, "mixed": mixed}
    finally:
        if generator:
            generator.close()
        server.terminate()
        server.wait(timeout=30)


def mixed_run(target: Target, generator: Generator, plan: dict, cookies: dict, read) -> dict:
    """The report pages, a start page and lists, read while 3 auditors save drafts (at each rate)
    and moderators sign audits off; beside the saves alone, with no reader."""
    from auditapp.grading import DOMAINS, JUDGEMENTS
    readers = {name: plan["pages"][name] for name in MIXED if name in plan["pages"]}
    forms = [(cookies[email], path) for email, path in plan["writers"]]
    signing = [(cookies[email], path) for email, path in plan["sign_offs"]]
    print("  mixed run: saves alone", flush=True)
    with Writers(target, forms, list(DOMAINS), RATES[0]) as writers:
        time.sleep(max(2.0, SECONDS))
        alone = writers.finish()
    runs = {}
    for n, rate in enumerate(RATES):
        to_sign = signing[n::len(RATES)]  # a signed-off audit stays signed off: each run its own
        print(f"  mixed run: 3 writers at {rate} a second, sign-offs every {SIGN_OFF_EVERY:.0f} s", flush=True)
        with Writers(target, forms, list(DOMAINS), rate) as writers, \
                Signers(target, to_sign, list(JUDGEMENTS), SIGN_OFF_EVERY) as signers:
            pages = read(readers)
            saves, sign_offs = writers.finish(), signers.finish()
        runs[rate] = {"pages": pages, "saves": saves, "sign_offs": sign_offs}
    return {"alone": alone, "runs": runs}


def main() -> None:
    machine = f"{os.cpu_count()}-core {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    databases = {"SQLite": None, "PostgreSQL": None if QUICK else os.environ.get("TEST_DATABASE_URL")}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, url in databases.items():
            if name == "SQLite":
                url = f"sqlite:///{Path(folder) / 'large.sqlite'}"
            elif not url:
                print("PostgreSQL: skipped (run through scripts/with-postgres.sh, as `make bench` does)")
                continue
            results[name] = run_database(name, url, Path(folder))
    from .report import replace_section, write_report
    text = write_report(results, machine, USERS, SECONDS, WORKERS)
    print(text)
    if QUICK:
        print("BENCH_QUICK=1: the small demo, a second a page; BENCHMARKS.md left as it was.")
    else:
        replace_section("bench", text)


if __name__ == "__main__":
    sys.exit(main())
