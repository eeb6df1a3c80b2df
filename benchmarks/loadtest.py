"""`make loadtest`: 50 simulated people doing a month's work for 60 s against gunicorn on 127.0.0.1,
on SQLite and (through scripts/with-postgres.sh) PostgreSQL. Bounded in time; stops by itself.

Auditors save drafts of their audits (some in two tabs at once, so real conflicts happen),
moderators save moderation, readers read the dashboard. Afterwards: every save the server
acknowledged must be in the database's history, and the only refusals allowed are conflicts.
"""

import os
import random
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import and_, exists, select

from auditapp import clock, create_app
from auditapp.demo import seed_demo
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models import Audit, Cycle, Event, Review, User
from auditapp.months import month_of

from .load import Target
from .report import replace_section

ROOT = Path(__file__).resolve().parent.parent
USERS, SECONDS, WORKERS = 50, 60.0, 4
PASSWORD = "demo-password-2026"


@dataclass
class Person:
    """One simulated person in one browser tab, with its own cookies."""

    target: Target
    email: str
    cookie: str = ""

    def request(self, method: str, path: str, form: dict | None = None):
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        response, data = self.target.request(method, path, self.cookie, body)
        found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
        if found:
            self.cookie = f"session={found.group(1)}"
        return response, data.decode()

    def sign_in(self) -> None:
        _, page = self.request("GET", "/sign-in")
        response, _ = self.request("POST", "/sign-in", {"csrf_token": hidden(page, "csrf_token"),
                                                        "email": self.email, "password": PASSWORD})
        assert response.status == 302, f"sign-in for {self.email}: {response.status}"


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page) or re.search(
        rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    saves: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # the marker text of every save answered "saved"


def _form(page: str, rng: random.Random, text_field: str, marker: str, graded, written: str, button: str) -> dict:
    """What a person posts: the page's hidden fields, a marker in one text field, random grades."""
    form = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version"),
            "seen": hidden(page, "seen"), text_field: marker, button: "Save"}
    for key in graded:
        form[f"{key}_grade"] = str(rng.randint(1, 4))
        form[f"{key}_{written}"] = f"{written.capitalize()} {rng.random():.6f}"
    return form


def review_form(page: str, marker: str, rng: random.Random) -> dict:
    return _form(page, rng, "working_well", marker, DOMAINS, "evidence", "save")


def moderation_form(page: str, marker: str, rng: random.Random) -> dict:
    return _form(page, rng, "feedback_a", marker, JUDGEMENTS, "rationale", "save")


def work(person: Person, path: str, make_form, stop: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    try:
        person.sign_in()
    except Exception as error:  # noqa: BLE001 - reported, not raised, so every thread finishes
        with tally.lock:
            tally.errors.append(f"{person.email}: {error}")
        return
    n = 0
    while time.monotonic() < stop:
        n += 1
        try:
            response, page = person.request("GET", path)
            if make_form is None:
                ok, outcome = response.status == 200, None
            else:
                marker = f"{person.email} tab {seed} save {n}"
                response, answer = person.request("POST", path, make_form(page, marker, rng))
                if response.status in (302, 303):
                    outcome = ("saved", marker)
                elif response.status == 200 and ("after you opened this page" in answer
                                                  or "at the same moment" in answer):
                    outcome = ("conflict", None)
                else:
                    outcome = ("error", f"{path}: {response.status}")
                ok = outcome[0] != "error"
        except OSError as error:
            ok, outcome = False, ("error", f"{path}: {error}")
        with tally.lock:
            tally.requests += 1 if make_form is None else 2
            if outcome and outcome[0] == "saved":
                tally.saves += 1
                tally.acknowledged.append(outcome[1])
            elif outcome and outcome[0] == "conflict":
                tally.conflicts += 1
            if not ok:
                tally.errors.append(outcome[1] if outcome else f"{path}: {response.status}")
        time.sleep(rng.uniform(0.05, 0.3))  # a person reads and types between saves


def plan(target: Target) -> list[tuple[Person, str, object]]:
    """Who does what: each open review's auditor (twice for some, as two tabs), each moderation
    waiting, and readers of the reports, up to USERS."""
    month = select(Cycle.id).where(Cycle.month == month_of(clock.today()), Cycle.kind == "random").scalar_subquery()
    live = and_(Audit.cycle_id == month, Audit.signed_off_at.is_(None), Audit.withdrawal_requested_at.is_(None))
    submitted = exists().where(Review.audit_id == Audit.id, Review.role == "A", Review.submitted_at.is_not(None))
    both = [exists().where(Review.audit_id == Audit.id, Review.role == role, Review.submitted_at.is_not(None))
            for role in "AB"]
    jobs = []
    for audit_id, email in db.session.execute(select(Audit.id, User.email).join(User, User.id == Audit.auditor_a_id)
                                               .where(live, ~submitted)):
        for _tab in (1, 2):
            jobs.append((Person(target, email), f"/audits/{audit_id}/review/A", review_form))
    for audit_id, email in db.session.execute(select(Audit.id, User.email).join(User, User.id == Audit.moderator_id)
                                               .where(live, *both)):
        jobs.append((Person(target, email), f"/audits/{audit_id}/moderate", moderation_form))
    readers = ["lena.ford@council.example.org", "quinn.ashby@council.example.org"]
    while len(jobs) < USERS:
        jobs.append((Person(target, readers[len(jobs) % 2]), "/reports/" if len(jobs) % 2 else "/", None))
    return jobs[:USERS]


def run(name: str, url: str) -> dict:
    print(f"\n== {name} ==", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        seed_demo()
        events_before = db.session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    port = 19000 + os.getpid() % 1000
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "loadtest", "SESSION_COOKIE_SECURE": "0"}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(WORKERS), "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    tally = Tally()
    try:
        target = Target("127.0.0.1", port)
        target.wait_until_up()
        with app.app_context():
            jobs = plan(target)
        stop = time.monotonic() + SECONDS
        threads = [threading.Thread(target=work, args=(person, path, form, stop, tally, seed))
                   for seed, (person, path, form) in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    with app.app_context():
        saved = set(db.session.scalars(select(Event.after).where(
            Event.id > events_before, Event.field.in_(["What is working well", "Feedback to auditor A"]))))
    missing = [marker for marker in tally.acknowledged if marker not in saved]
    result = {"users": len(jobs), "requests": tally.requests, "saves": tally.saves, "conflicts": tally.conflicts,
              "errors": tally.errors, "missing": missing}
    print(f"{result['users']} people, {tally.requests} requests, {tally.saves} saves acknowledged, "
          f"{tally.conflicts} conflicts, {len(tally.errors)} errors, {len(missing)} acknowledged saves missing",
          flush=True)
    return result


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run("SQLite", f"sqlite:///{Path(folder) / 'load.sqlite'}")
    if os.environ.get("TEST_DATABASE_URL"):
        results["PostgreSQL"] = run("PostgreSQL", os.environ["TEST_DATABASE_URL"])
    lines = ["## Load test (`make loadtest`)", "",
             f"{USERS} simulated people for {SECONDS:.0f} s against gunicorn ({WORKERS} sync workers) on "
             "127.0.0.1, on the small demo's November 2026: auditors saving drafts (each open review in two "
             "tabs at once), moderators saving moderation, readers on the dashboard and the QA lead's home page. "
             "Conflicts are the expected answer when two tabs save the same record; anything else is an error.", "",
             "| Database | People | Requests | Saves acknowledged | Conflicts | Errors | Acknowledged saves missing |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['users']} | {r['requests']:,} | {r['saves']:,} | {r['conflicts']:,} | "
                     f"{len(r['errors'])} | {len(r['missing'])} |")
    replace_section("loadtest", "\n".join(lines) + "\n")
    failed = any(r["errors"] or r["missing"] for r in results.values())
    for name, r in results.items():
        for problem in r["errors"][:10] + r["missing"][:10]:
            print(f"{name}: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
