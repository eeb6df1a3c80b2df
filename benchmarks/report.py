"""BENCHMARKS.md from the figures: the tables, the targets beside them, the command and the machine."""

import re
from datetime import date
from pathlib import Path

FILE = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"

TRIVIAL = "Trivial route (/health)"
FLOOR = "Grade descriptors (signed in, no data)"

BEFORE = (
    "Before issue 22 (its performance review, large county, this machine): with ten readers and one "
    "auditor saving a draft once a second, the one-month dashboard's p95 went from 37–67 ms to 303–531 ms "
    "on SQLite and from 57 to 617 ms on PostgreSQL, its requests per second fell 2–3×; the 12-month "
    "dashboard's p95 reached 494–850 ms, and at 5 saves a second 932–950 ms. Every draft save threw away "
    "every remembered figure in every worker. The activity log's last page took 114 ms on SQLite and "
    "344 ms on PostgreSQL against 8–10 ms for the first. The old bench's 20 users were threads in the "
    "bench's own process (/health measured 1,101 req/s under it one run, 2,922 another)."
)

# The round after the first run of this bench (1 December 2026, its figures in BENCHMARKS.md's
# history): what it missed, why, and what changed. In-process figures: the large county, SQLite,
# one request at a time, CPU time (wall clock on the shared 2-core machine varied 2x).
AFTER_FIRST_RUN = (
    "After the first run of this bench (its figures in this file's history): the saves' p95 of 580 ms "
    "(SQLite) and 600 ms (PostgreSQL) under 3 writers was queueing, not saving: a draft save costs about "
    "10 ms of CPU and 15–40 ms inside gunicorn under load, but the 20 readers keep the 4 sync workers busy, "
    "so a save waits about 20 ÷ the page's req/s behind them, and its p95 followed the slowest page read "
    "(the QA lead's start page at 785 ms, since indexed in migration 0027: 9–12 ms of CPU in process now). "
    "So the fixes are in the pages. All actions' first page: 42–52 → 10–13 ms of CPU (the action table "
    "alone, ids first, the filter's months and owners remembered); the case register by manager: 75–89 → "
    "7.5 ms (a join walking a new (name, id) index of people, migration 0028s); the activity log 15 → 11 "
    "ms (its filter of every person written without Markup.format). Recomputing from nothing: the board's "
    "period before built from what the board reads only, UK dates without a time-zone look-up outside "
    "UTC's last hour, and on PostgreSQL the monthly facts' scope on the query's own joins (a month's "
    "facts 48–62 ms → under 10 ms in the database); 12 months about 240 → 200 ms of CPU on SQLite, still "
    "over its 150 ms target, and on PostgreSQL (a loaded machine) the one-month dashboard's statements "
    "450 → 285 ms, still over its 100 ms. Each "
    "worker's start-up objects are kept out of full garbage collections (wsgi.py). Importing past audits: "
    "history in bulk, sealed in order, ids read back instead of RETURNING row by row: about 3.0× → "
    "1.7–2.0× openpyxl's bare read in CPU time."
)


# The second round (1 December 2026, later): in-process CPU on the large county, old and new code
# measured one after the other on the same database while the machine was shared.
SECOND_ROUND = (
    "The second round, after the previous run of this bench: sorted lists read from the nearer end (a "
    "late page is the same query in the opposite order, turned round), so the case register's last page "
    "by manager costs what its first does (SQLite 20 → 7 ms of CPU; on PostgreSQL its ids' statement "
    "141 → 0.6 ms), by team 55 → 7 ms and by opening date 50 → 7 ms (an (open_date, id) index, "
    "migration 0030l); All actions sorted by owner by a join walking the people's (name, id) index "
    "instead of a look-up per action (SQLite 18–22 → 7–8 ms); the activity log's rows load only what "
    "they show; the QA lead's start page in 12 statements, not 16. Recomputing from nothing: the board's "
    "period before as five counted shares (three statements, not a second summary), the pages' follow-up "
    "counted rather than listed (the workbook and the pack still list it), family figures in two "
    "statements: about 113 → 102 ms (one month) and 315 → 165 ms (12 months) on SQLite, 182 → 102 and "
    "376 → 191 ms on PostgreSQL. Importing past audits on PostgreSQL: COPY, each batch written while the "
    "next is read (2.8–3.4× → 1.9–2.0× the bare read on a loaded machine). Measured and not adopted: "
    "8 or 12 sync workers, or 4 threaded workers of 8 threads, gave the saves a longer wait, not a "
    "shorter one (README, Loading data deliberately)."
)


# Issue 22's third round (2 December 2026): in-process CPU and database time on the large county,
# old and new code one after the other on the same database while the machine was shared.
THIRD_ROUND = (
    "The third round, after the run of 2 December: recomputing from nothing reads reviews' grades, "
    "moderated grades and a month's audits' states from covering indexes (migration 0031r), joins a case, "
    "team or person only when a filter needs one, groups the trend's reviews in the indexes' order, and "
    "the pages read family feedback's counts and ratings, not every row (the workbook still lists them): "
    "PostgreSQL's time in the database for a recompute 62 → 46 ms (one month) and 104 → 75 ms (12 months) "
    "at the quietest moment; SQLite's 12 months 159 → 119 ms of CPU. The slowest pages under the mixed "
    "run: a start page keeps the statements behind a person's lists between requests (under every column "
    "of the person's row), the QA lead's task list finds the pack's last download along an index of the "
    "record of reads (migration 0031p; it had tested every read ever recorded), the month's overview "
    "counts its audits once and writes its rows without macro calls: CPU per request on SQLite, QA lead's "
    "start page 12.0 → 8.7 ms, auditor's 10.7 → 7.9, moderator's 9.6 → 7.2, the month's overview "
    "10.3 → 9.4; a draft save 9.9 → 8.1 ms (30 → 27 statements). Mail builds one checked TLS context per "
    "authority file, not one per message (about 45 ms each on a loaded machine). The measure changed "
    "once: on PostgreSQL the freshly built county is vacuumed and analysed (what autovacuum does soon "
    "after a bulk load) before recomputing is measured; the run of this code before that measured it a "
    "moment after the build, with no statistics and no visibility map, at 121 ms (one month) and 201 ms "
    "(12 months)."
)


# Issue 27's missed target, second round (2 December 2026): the large county, old and new code run
# in turn on the same database while the machine was shared with other work.
THIRD_ROUND_IMPORT = (
    "Importing past audits, after the run of 2 December (PostgreSQL 2.26× the bare read, target 2): the "
    "writing thread shared Python's lock with the reader, and after each wait on the server waited again "
    "for the lock (a shorter switch interval helped), so its batches took twice as long as alone and the "
    "reader waited for them. Now one "
    "thread sends each batch of 500 in libpq's pipeline mode (an INSERT of column arrays per table, the "
    "grades as one string of digits per review, expanded by the server) and reads the next while the "
    "server writes it; on SQLite the rows go to one prepared INSERT as tuples, not through SQLAlchemy's "
    "per-row parameters. On the shared machine, main and this code in turn on PostgreSQL: at a load "
    "average of 2–3 the import 3.2–5.3 s → 2.3–4.2 s and the wall ratio's median 2.0 → 1.5–1.6; at 4–5 "
    "(no core left for the server) 2.1 → 2.0; the CPU ratio about 1.45 → 1.33 throughout (the server's "
    "1.0–1.3 s is the same: it now overlaps the reading when a core is free). SQLite, three runs each: "
    "CPU ratio 1.66–1.87 → 1.46–1.59. The measure changed too: "
    "three bare reads and three imports in turn, each import undone so the next starts from the same "
    "state, medians compared (the first, cold import is shown beside them). Before, one bare read was "
    "compared with one import, the first in the process and the first to read the county's tables "
    "after the case-list import's rollbacks; on a shared machine one such pair moved the ratio by 0.5."
)


# Issue 22's fourth round (2 December 2026, later): in-process figures on the large PostgreSQL
# county; old and new code in turn; the mixed run against gunicorn as the bench runs it.
FOURTH_ROUND = (
    "The fourth round, after the run of 2 December at 14e1dcd (PostgreSQL's saves' p95 206 ms and "
    "its 12-month recompute 152 ms, both missed): the QA lead's start page reads its three newest months "
    "without counting every month (a statement fewer), and the case register writes its dates with "
    "the filter, not a macro per cell (about 0.3 ms of CPU a page each); the request log takes the "
    "person's id from the session rather than reading their row back after a save's commit (a draft "
    "save 16 → 14 statements on PostgreSQL). The measure changed again: "
    "recomputing from nothing is measured in a process of its own, started as a gunicorn worker is "
    "(the app built, then its start-up objects frozen out of full garbage collections, as wsgi.py "
    "does), not in the bench's own process, which has just built the county: each full collection "
    "there walks objects no worker holds. On PostgreSQL, 12 months, that was 152 ms in the bench's "
    "process against 131–139 ms in a process of its own, the same machine and database. Measured and "
    "not adopted: four prepared statements, the start pages' list counts among them, are planned "
    "afresh on every request (PostgreSQL keeps choosing custom plans for them; about 2 ms each); "
    "forcing generic plans for every statement (plan_cache_mode) cut the QA lead's start page's time "
    "in the database from 5.3–6.6 to 4.0–4.8 ms in process, but left the mixed run's saves where they "
    "were (p95 166 and 167 ms), and a generic plan can be far worse than a custom one for a skewed filter."
)


# Issue 22's fifth round (2 December 2026, a slower machine than the run at fc79415: a 10-million-
# step loop 0.63–0.68 s against 0.53 s): four gunicorn workers on the large PostgreSQL county.
FIFTH_ROUND = (
    "The fifth round, after the run at fc79415 (PostgreSQL's saves' p95 210 ms, the one target "
    "missed): when a sign-off moves the figures' version, every worker's next report page misses at "
    "once, and each had computed the same figures. Now, on one machine, one worker computes each "
    "figure while the others wait for it and read what it stored (`one_at_a_time.py`, a file lock; "
    "nobody waits more than 10 s). Measured in the workers, the version moved by hand and four "
    "dashboards requested at once, six times: 200–250 ms each with all four computing (the first "
    "time 480–660 ms), 140–160 ms with one computing and three waiting (the first time 380–500 ms); "
    "one dashboard alone, 120–140 ms once a worker is warm. What still sets the saves' p95 is the wait "
    "behind the 20 readers (see above); the mixed run on this machine varied from run to run by more "
    "than this change moved it."
)


# Issue 22's sixth round (2 December 2026, the run at a8ef0ec on a slower machine than this one).
SIXTH_ROUND = (
    "The sixth round, after the run at a8ef0ec (PostgreSQL's saves' p95 219 ms and its recomputing 106 ms"
    " for one month and 191 ms for 12, all three missed): a figure computed inside another (the dashboard"
    "'s summary, inside its page's figures) is stored once the response has gone; only the page's figures"
    ", which other workers may be waiting for, are stored before it. In process on the large PostgreSQL c"
    "ounty, 12 months 149–151 → 134–138 ms and one month 78–82 → 76–77 ms. Measured and not adopted: 3 wo"
    "rkers rather than 4 (mixed run on PostgreSQL, saves' p95 129 and 138 ms against 146 and 139 ms, run "
    "in turn: less than two runs of the same setting differ). This machine was quicker than at a8ef0ec (t"
    "he generator's ceiling on PostgreSQL 2,581 against 2,360 req/s), and most of the rest of the change "
    "since that run is the machine."
)

SEVENTH_ROUND = (
    "The seventh round, after the run at c55a700 (PostgreSQL's saves' p95 169 ms under 3 writers × 1/s, "
    "the one target missed, while the slowest pages read meanwhile were the QA lead's start page at 132 "
    "req/s and the month's overview at 149): what those pages rebuilt on every request is remembered under "
    "the figures' version and shared by every worker: the QA lead's task list (but for the pack's "
    "download, a read), each person's start page lists as rendered HTML (per person and day), and each "
    "page of the month's overview and of the case register as plain rows. In process on the large "
    "PostgreSQL county: the QA lead's start page 10.8 → 4.8 ms, the auditor's 11.5 → 3.1, the month's "
    "overview 9.1 → 5.5, the register 9.0 → 5.7. An audit's newest history entry (what a form has seen) "
    "is found along an (audit, id) index (migration 0032e): PostgreSQL had read every entry the audit "
    "had ever had, 2.4 ms for one with 8,064."
)


def _ms(m: dict) -> str:
    return f"{m['p50']:.0f} / {m['p95']:.0f}"


EIGHTH_ROUND = (
    "The eighth round, after the run at 5d8e494 (PostgreSQL's saves' p95 162 ms under 3 writers × 1/s and "
    "its 12-month recompute 158 ms, both missed): a summary's agreement, moderation shift, self-assessment "
    "gap and trend count grade pairs as tallies (at most 16 kinds, counted in C) instead of listing a pair "
    "an audit through attribute look-ups, and each statistic reads the tally; an audit's facts are a named "
    "tuple, not a frozen dataclass (1,200 made in 1.2 ms, not 4.8); the pages' family ratings are summed by "
    "the database. In process on the large PostgreSQL county, old and new code in turn three times, on a "
    "machine about twice as slow as 5d8e494's: the 12-month dashboard from nothing 321–366 → 291–325 ms "
    "wall, 188–203 → 167–178 ms of CPU. A draft save's second flush of history chains on from the "
    "transaction's own newest seal, without taking the writers' turn and reading the tip again: 10 → 8 "
    "statements in its POST on PostgreSQL."
)


# Issue 22's ninth round (3 December 2026, the machine of the run at 34943e7): the mixed run alone,
# against gunicorn on a copy of the large PostgreSQL county, 20 readers on two pages for 4 s each.
NINTH_ROUND = (
    "The ninth round, after the run at 34943e7 (PostgreSQL's pages at ÷ 0.41–0.70 under writers): the "
    "mixed run measured its readers while the writers were still starting. Each writer and the signer is "
    "a spawned process that first imports the bench's main module (3.5 s of CPU each on this machine), "
    "five of them on the server's two cores: with the readers measured at once, the 12-month dashboard "
    "and the case register fell from 114 and 112 to 53 and 55 req/s in a run where not one draft was "
    "saved. The writers now say when their first save has been answered, the signer when it has started, "
    "and readers are measured from then on: the same two pages at ÷ 0.66–0.78 in three runs (12-month "
    "dashboard 117–123 → 139–170 ms p50), the saves' p95 228–316 ms, about 20 ÷ the readers' req/s behind "
    "them as before. The average family ratings are one grouped statement for the pages and the workbook "
    "alike (the workbook had averaged every answer in Python: two computations of one figure)."
)


def write_report(results: dict, machine: str, users: int, seconds: float, workers: int) -> str:
    lines = [
        "## Pages, files and sampling at county scale (`make bench`)", "",
        f"Written by `make bench` on {date.today():%d %B %Y}, {machine}. The large dataset is "
        "`flask --app wsgi seed-demo --scale large`: 40 teams, 408 managers, 20 senior managers, 60,000 cases, "
        "120 moderated months of 100 audits (12,000 audits with history) and this month part-way; "
        "`benchmarks/typed.py` adds 2,000 finished supervision-record audits over the 12 months to this one "
        "for the audit type summary's two rows (issue 24).", "",
        f"Pages: gunicorn with {workers} sync workers on 127.0.0.1, {users} concurrent users requesting one "
        f"page for {seconds:.0f} s each (after a short warm-up). The users run in a load generator of its own "
        "processes (`benchmarks/generator.py`, started fresh, not in the process that built the county); its "
        "ceiling, the requests per second it drives against `/health` (which does nothing), is given for "
        "each database: no page can measure faster. \"÷ floor\" is a page's requests per second divided by "
        "the signed-in floor page's (the grade descriptors page: session, header and footer, no data of its "
        "own). Targets (issue 22): every page at least a quarter of the floor; p95 under 150 ms; statements "
        "per page the same on the small demo and the large dataset; last pages within 2× of first pages; "
        "under 3 writers saving a draft a second each (and sign-offs every few seconds), the report pages' "
        "p95 under 150 ms and at least half their no-writer requests per second, and the saves' p95 under "
        "150 ms. The reports' figures are remembered per version of what can change them (a draft save "
        "changes none), shared by every worker; sign-offs move that version, so the mixed run includes "
        "recomputation.", "",
        BEFORE, "", AFTER_FIRST_RUN, "", SECOND_ROUND, "", THIRD_ROUND, "", THIRD_ROUND_IMPORT, "", FOURTH_ROUND, "",
        FIFTH_ROUND, "", SIXTH_ROUND, "", SEVENTH_ROUND, "", EIGHTH_ROUND, "", NINTH_ROUND, "",
    ]
    for name, result in results.items():
        pages = result["pages"]
        floor = pages.get(FLOOR, {}).get("rps") or 1
        lines += [f"### {name}", "", f"Building the large dataset: {result['seed']:.0f} s. "
                  f"Load generator's ceiling (`/health`): {result['ceiling']:.0f} req/s.", "",
                  "| Page | p50 ms | p95 ms | req/s | ÷ floor | errors | statements (small → large) |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for page, m in pages.items():
            small, large = result["small"].get(page), result["large"].get(page)
            lines.append(f"| {page} | {m['p50']:.0f} | {m['p95']:.0f} | {m['rps']:.0f} | {m['rps'] / floor:.2f} "
                         f"| {m['errors']} | {small} → {large} |")
        lines += ["", "Deep pages: the first and the last page of each long list.", "",
                  "| List | first p50 / p95 ms | last p50 / p95 ms | first req/s | last req/s | last ÷ first (p50) |",
                  "|---|---:|---:|---:|---:|---:|"]
        deep = result["deep"]
        for page in [p[:-len(", first page")] for p in deep if p.endswith(", first page")]:
            first, last = deep[f"{page}, first page"], deep[f"{page}, last page"]
            lines.append(f"| {page} | {_ms(first)} | {_ms(last)} | {first['rps']:.0f} | {last['rps']:.0f} "
                         f"| {last['p50'] / max(first['p50'], 1e-9):.2f} |")
        lines += _mixed(result["mixed"], pages)
        if result["others"]:
            lines += ["", "| Files and sampling | Result |", "|---|---|"]
            lines += [f"| {what} | {figure} |" for what, figure in result["others"].items()]
        lines.append("")
    return "\n".join(lines) + "\n"


def _mixed(mixed: dict, pages: dict) -> list[str]:
    runs = mixed["runs"]
    rates = list(runs)
    lines = ["", "Mixed run: readers while 3 auditors save drafts (at each rate, a draft a second per writer) and "
             "moderators sign audits off; p50 / p95 in ms, requests per second, and ÷ the same page with no writer.",
             "", "| Page | no writer | " + " | ".join(f"3 writers × {r}/s" for r in rates) + " |",
             "|---|---:|" + "---:|" * len(rates)]
    for page in runs[rates[0]]["pages"]:
        quiet = pages[page]
        cells = [f"{_ms(runs[r]['pages'][page])}, {runs[r]['pages'][page]['rps']:.0f} req/s "
                 f"(÷ {runs[r]['pages'][page]['rps'] / max(quiet['rps'], 1e-9):.2f})" for r in rates]
        lines.append(f"| {page} | {_ms(quiet)}, {quiet['rps']:.0f} req/s | " + " | ".join(cells) + " |")
    alone = mixed["alone"]
    lines.append(f"| Saves (draft, POST) | {_ms(alone)}, {alone['rps']:.1f}/s alone | " + " | ".join(
        f"{_ms(runs[r]['saves'])}, {runs[r]['saves']['rps']:.1f}/s, {runs[r]['saves']['errors']} refused"
        for r in rates) + " |")
    lines.append("| Sign-offs (POST) | | " + " | ".join(
        f"{_ms(runs[r]['sign_offs'])}, {runs[r]['sign_offs']['requests']} signed off, "
        f"{runs[r]['sign_offs']['errors']} refused" for r in rates) + " |")
    return lines


def replace_section(name: str, text: str) -> None:
    """Rewrite one command's section of BENCHMARKS.md, leaving the other commands' sections alone."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    current = FILE.read_text() if FILE.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}{end}\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end) + "\n?", re.S)
    FILE.write_text(pattern.sub(lambda _: block, current) if pattern.search(current) else current + "\n" + block)
