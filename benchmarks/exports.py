"""The PDF pack and the self-evaluation, each measured in a process of its own (benchmarks/child.py)
against the database the bench has loaded: the export's own seconds, and that process's own peak
resident memory, which it reports itself as it ends (RUSAGE_CHILDREN in the bench would also count
its gunicorn workers and load generators once they have been waited for). Targets from the issues:
the pack under 3 s and 300 MB (issue 23), the self-evaluation under 10 s and 300 MB (issue 26)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000  # the issues' targets are in MB
TARGETS = {"pack": (3.0, 300), "self-evaluation": (10.0, 300)}


def own_process(doing: str, module: str, *args: str) -> dict:
    """`python -m module args...` run by a fresh interpreter against the bench's database: the JSON
    object its last line prints. `doing` names it if it fails."""
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark")}
    env.pop("DATABASE_URL", None)  # the URL is given on the command line, as the bench's own app has it
    # Through a shell that forks the interpreter rather than exec'ing it: Linux carries a process's
    # peak resident size across fork and exec, so a child forked straight from the bench (hundreds
    # of MB once it has built the county) would report the bench's peak as its own. The shell is
    # small, and the interpreter forked from it starts its count afresh.
    command = [sys.executable, "-m", module, *args]
    done = subprocess.run(["/bin/sh", "-c", '"$@"; exit $?', "sh", *command], cwd=ROOT, env=env,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{doing} failed in its own process: {done.stderr.decode()[-2000:]}")
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def in_own_process(what: str, kind: str, month: str, url: str) -> dict:
    """{"seconds", "bytes", "before", "peak", "words"}: one export (benchmarks/child.py)."""
    return own_process(f"{what} for {kind} {month}", "benchmarks.child", what, kind, month, url)


def describe(what: str, found: dict) -> str:
    seconds_target, mb_target = TARGETS[what]
    peak, before = found["peak"] / MB, found["before"] / MB
    within = found["seconds"] < seconds_target and peak < mb_target
    return (f"{found['seconds'] * 1000:.0f} ms, {found['bytes'] / 1024:.0f} KiB, in a process of its own: peak "
            f"resident {peak:.0f} MB ({before:.0f} MB of it the interpreter and the app before the export; "
            f"target under {seconds_target:.0f} s and {mb_target} MB: {'met' if within else 'MISSED'})")


def own_process_exports(url: str, month: str) -> dict[str, str]:
    """The bench's lines for the month's PDF pack and the self-evaluation of the financial year to it."""
    pack = in_own_process("pack", "1", month, url)
    sef = in_own_process("self-evaluation", "year", month, url)
    return {f"Export: the PDF pack for {pack['words']}": describe("pack", pack),
            f"Export: the self-evaluation for {sef['words']} (Word)": describe("self-evaluation", sef)}
