"""BENCHMARKS.md from the figures: the table, the targets beside them, the command and the machine."""

import re
from datetime import date
from pathlib import Path

FILE = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"

TRIVIAL = "Trivial route (/health)"


def write_report(results: dict, machine: str, users: int, seconds: float, workers: int) -> str:
    lines = [
        "## Pages, files and sampling at county scale (`make bench`)", "",
        f"Written by `make bench` on {date.today():%d %B %Y}, {machine}, 24 GiB. The large dataset is "
        "`flask --app wsgi seed-demo --scale large`: 40 teams, 408 managers, 20 senior managers, 60,000 cases, "
        "120 moderated months of 100 audits (12,000 audits with history) and November 2026 part-way.", "",
        f"Pages: gunicorn with {workers} sync workers on 127.0.0.1, {users} concurrent users requesting one "
        f"page for {seconds:.0f} s each (after a short warm-up). Targets (issue 8): p95 under 150 ms; every "
        "page at least a quarter of the trivial route's requests per second; statements per page the same "
        "on the small demo and the large dataset. The reports' figures, and the HTML they are rendered to, are "
        "remembered until the data changes (sign-ins aside), so their rows measure every reader after the "
        "first; the statement counts are each page's first reader's. The grade descriptors page does nothing "
        "but what every signed-in page does (session, header, footer): the floor for the others.", "",
    ]
    for name, result in results.items():
        pages, trivial = result["pages"], result["pages"][TRIVIAL]["rps"]
        lines += [f"### {name}", "", f"Building the large dataset: {result['seed']:.0f} s.", "",
                  "| Page | p50 ms | p95 ms | req/s | ÷ trivial | errors | statements (small → large) |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for page, m in pages.items():
            small, large = result["small"].get(page), result["large"].get(page)
            lines.append(f"| {page} | {m['p50']:.0f} | {m['p95']:.0f} | {m['rps']:.0f} | {m['rps'] / trivial:.2f} "
                         f"| {m['errors']} | {small} → {large} |")
        lines += ["", "| Files and sampling | Result |", "|---|---|"]
        lines += [f"| {what} | {figure} |" for what, figure in result["others"].items()]
        lines.append("")
    return "\n".join(lines) + "\n"


def replace_section(name: str, text: str) -> None:
    """Rewrite one command's section of BENCHMARKS.md, leaving the other commands' sections alone."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    current = FILE.read_text() if FILE.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}{end}\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end) + "\n?", re.S)
    FILE.write_text(pattern.sub(lambda _: block, current) if pattern.search(current) else current + "\n" + block)
