"""`make bench`: how long the monthly export takes for a month of 200 moderated audits.

Builds a throwaway SQLite database through the service's own rules, then times
summarise + workbook over several runs. Prints the figures recorded in BENCHMARKS.md.
"""

import platform
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

from flask_migrate import upgrade

from auditapp import clock, create_app
from auditapp.exports.workbook import workbook_bytes
from auditapp.extensions import db
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models import Case
from auditapp.moderation import ModerationEntry, sign_off
from auditapp.people import save_user, team_named
from auditapp.reviewing import DomainEntry, ReviewEntry, save_review
from auditapp.sampling import draw_sample, open_cycle
from auditapp.summary import summarise

TEAMS, CASES_PER_TEAM, PER_TEAM, RUNS = 10, 30, 20, 7


def build_month(rng: random.Random) -> None:
    for t in range(TEAMS):
        team = team_named(f"Team {t:02d}", create=True)
        managers = [save_user(None, None, name=f"Manager {t}-{m}", email=f"m{t}.{m}@council.example.org",
                              team=team, roles={"is_auditor"}) for m in range(3)]
        for c in range(CASES_PER_TEAM):
            db.session.add(Case(reference=f"B{t:02d}{c:03d}", team=team, case_type="child_in_need",
                                manager=managers[c % 3], open_date=date(2024, 1, 1), age_band="5-9",
                                gender=rng.choice(["Female", "Male"]), ethnicity="White", disability="No"))
    leaders = team_named("Leadership", create=True)
    for s in range(6):
        save_user(None, None, name=f"Senior {s}", email=f"s{s}@council.example.org", team=leaders,
                  roles={"is_senior_manager"})
    with clock.frozen_at(datetime(2026, 11, 2, 9)):
        audits = draw_sample(None, open_cycle(None, "2026-11"), seed=1, per_team=PER_TEAM)
        assert len(audits) == TEAMS * PER_TEAM == 200
        for audit in audits:
            for role in "AB":
                entry = ReviewEntry(overall_grade=rng.randint(1, 4), working_well="w", needs_to_change="n",
                                    safeguarding_concern="no")
                entry.domains = {k: DomainEntry(rng.randint(1, 4), "e", "i") for k in DOMAINS}
                save_review(audit.auditor(role), audit, role, entry, submit=True)
            moderation = ModerationEntry(key_issues_a="yes", key_issues_b="partly", feedback_a="f", feedback_b="f")
            moderation.grades = {k: audit.review("B").grade_value(k) for k in JUDGEMENTS}
            moderation.rationales = dict.fromkeys(JUDGEMENTS, "r")
            sign_off(audit.moderator, audit, moderation)
    db.session.commit()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        with app.app_context():
            upgrade()
            build_month(random.Random(1))
            timings = []
            for _ in range(RUNS):
                db.session.expunge_all()
                start = time.perf_counter()
                content = workbook_bytes(summarise("2026-11", clock.today()))
                timings.append(time.perf_counter() - start)
            tracemalloc.start()
            db.session.expunge_all()
            workbook_bytes(summarise("2026-11", clock.today()))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"export-month, 200 moderated audits: median {statistics.median(timings) * 1000:.0f} ms, "
          f"max {max(timings) * 1000:.0f} ms over {RUNS} runs; workbook {len(content) // 1024} KiB; "
          f"peak Python memory {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
