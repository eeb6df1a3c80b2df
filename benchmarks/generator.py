"""The load generator, in processes of its own (issue 22): readers requesting a page, and writers
saving drafts at a fixed rate, against a server on 127.0.0.1 only. Bounded in time.

Started with the "spawn" method, so no generator process carries the county the bench built, and
the generator's own ceiling (requests per second against /health, which does nothing) is measured
with the same processes and reported beside every figure: a page can never look faster than that.
"""

import multiprocessing
import random
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from .load import Target

PROCESSES = 4  # the generator's processes; each runs its share of the users as threads


@dataclass
class Measured:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def summary(self) -> dict[str, float]:
        ordered = sorted(self.latencies) or [0.0]
        return {"requests": self.requests, "errors": self.errors, "rps": self.requests / max(self.seconds, 1e-9),
                "p50": statistics.median(ordered) * 1000, "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000}


def _readers(host: str, port: int, cookie: str, path: str, users: int, seconds: float) -> tuple:
    """In a generator process: `users` threads requesting `path` in a loop for `seconds`."""
    target, lock = Target(host, port), threading.Lock()
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def user() -> None:
        mine, failed = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                response, _ = target.request("GET", path, cookie)
                ok = response.status == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - start)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.monotonic() - started


class Generator:
    """A pool of spawned processes that share the readers out between them."""

    def __init__(self, target: Target, processes: int = PROCESSES) -> None:
        self.target = target
        self.processes = processes
        self.pool = multiprocessing.get_context("spawn").Pool(processes)

    def close(self) -> None:
        self.pool.close()
        self.pool.join()

    def read(self, cookie: str, path: str, users: int, seconds: float) -> dict[str, float]:
        shares = [users // self.processes + (n < users % self.processes) for n in range(self.processes)]
        results = self.pool.starmap(_readers, [(self.target.host, self.target.port, cookie, path, share, seconds)
                                               for share in shares if share])
        measured = Measured(sum(len(r[0]) for r in results), sum(r[1] for r in results),
                            max(r[2] for r in results), [latency for r in results for latency in r[0]])
        return measured.summary

    def ceiling(self, users: int, seconds: float) -> float:
        """What the generator itself can drive: requests per second against /health."""
        return self.read("", "/health", users, seconds)["rps"]


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page) or re.search(
        rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


def _kept(response: Any, cookie: str) -> str:
    """The session cookie after a response: the server sets a new one when the session changes (the
    first form shown puts its CSRF secret in it), and a browser sends that one from then on."""
    found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
    return f"session={found.group(1)}" if found else cookie


def _draft(page: str, domains: list[str], rng: random.Random, n: int) -> dict[str, str]:
    form = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version"),
            "seen": hidden(page, "seen"), "working_well": f"Draft {n}", "save": "Save"}
    for key in domains:
        form[f"{key}_grade"] = str(rng.randint(1, 4))
        form[f"{key}_evidence"] = f"Evidence {rng.random():.6f}"
    return form


def _writer(host: str, port: int, cookie: str, path: str, domains: list[str], rate: float,
            stop: Any, ready: Any, results: Any) -> None:
    """In a process of its own: one auditor saving a draft of their audit `rate` times a second
    (reading the form between saves, as a browser does), until told to stop. Only the saves are
    timed; says it is ready once its first save has been answered."""
    target, rng = Target(host, port), random.Random(port)
    latencies: list[float] = []
    errors = n = 0
    started = time.monotonic()
    next_at = started
    while not stop.is_set():
        try:
            response, page = target.request("GET", path, cookie)
            cookie = _kept(response, cookie)
            n += 1
            body = urllib.parse.urlencode(_draft(page.decode(), domains, rng, n))
            start = time.perf_counter()
            response, _ = target.request("POST", path, cookie, body)
            latencies.append(time.perf_counter() - start)
            cookie = _kept(response, cookie)
            errors += response.status not in (302, 303)
        except OSError:
            errors += 1
        if n == 1:
            ready.put(True)
        next_at += 1 / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
    results.put((latencies, errors, time.monotonic() - started))


class Writers:
    """Auditors saving drafts in processes of their own while the readers are measured.

    Entering waits until every writer is at work: a spawned process first imports the bench's main
    module (about 3.5 s of CPU each on a 2-core machine), and readers measured meanwhile would be
    measuring those imports, not the writers (the run at 34943e7 did: PostgreSQL's pages at ÷ 0.41)."""

    def __init__(self, target: Target, forms: list[tuple[str, str]], domains: list[str], rate: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop, self.ready, self.results = context.Event(), context.Queue(), context.Queue()
        self.processes = [context.Process(target=_writer, args=(target.host, target.port, cookie, path, domains,
                                                                rate, self.stop, self.ready, self.results))
                          for cookie, path in forms]

    def __enter__(self) -> "Writers":
        for process in self.processes:
            process.start()
        try:
            for _ in self.processes:
                self.ready.get(timeout=120)
        except BaseException:
            self.stop.set()  # none is left writing behind a failed run
            raise
        return self

    def __exit__(self, *_: object) -> None:
        if not self.stop.is_set():
            self.finish()

    def finish(self) -> dict[str, float]:
        """Stop every writer; the saves' latencies and their rate, all writers together."""
        self.stop.set()
        results = [self.results.get(timeout=60) for _ in self.processes]
        for process in self.processes:
            process.join(timeout=30)
        measured = Measured(sum(len(r[0]) for r in results), sum(r[1] for r in results),
                            max(r[2] for r in results), [latency for r in results for latency in r[0]])
        return measured.summary


def _sign_off_form(page: str, judgements: list[str]) -> dict[str, str]:
    form = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version"),
            "seen": hidden(page, "seen"), "key_issues_a": "yes", "key_issues_b": "partly",
            "feedback_a": "Well evidenced", "feedback_b": "Look harder at impact", "sign_off": "Sign off"}
    for key in judgements:
        form[f"{key}_grade"] = "2"
        form[f"{key}_rationale"] = "The independent view is better evidenced"
    return form


def _signer(host: str, port: int, audits: list[tuple[str, str]], judgements: list[str], every: float,
            stop: Any, ready: Any, results: Any) -> None:
    """In a process of its own: moderators signing audits off, one every `every` seconds: each
    sign-off moves the figures' version, so the readers' figures are computed again."""
    target = Target(host, port)
    latencies: list[float] = []
    errors = 0
    started = time.monotonic()
    ready.put(True)
    for cookie, path in audits:
        if stop.wait(every):
            break
        try:
            response, page = target.request("GET", path, cookie)
            cookie = _kept(response, cookie)
            body = urllib.parse.urlencode(_sign_off_form(page.decode(), judgements))
            start = time.perf_counter()
            response, _ = target.request("POST", path, cookie, body)
            latencies.append(time.perf_counter() - start)
            errors += response.status not in (302, 303)
        except OSError:
            errors += 1
    stop.wait()
    results.put((latencies, errors, time.monotonic() - started))


class Signers(Writers):
    """Moderators signing off, beside the writers: one process."""

    def __init__(self, target: Target, audits: list[tuple[str, str]], judgements: list[str], every: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop, self.ready, self.results = context.Event(), context.Queue(), context.Queue()
        self.processes = [context.Process(target=_signer, args=(target.host, target.port, audits, judgements, every,
                                                                self.stop, self.ready, self.results))]
