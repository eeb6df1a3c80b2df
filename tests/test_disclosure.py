"""Disclosure control and one rounding rule (issue 13), over every month and team filter of the
demo: no suppressed equality group can be recovered, none is named, and the page and the
workbook agree percentage by percentage."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Team
from auditapp.reports.facts import EQUALITY
from auditapp.reports.summary import summarise
from auditapp.rounding import whole_percent

pytestmark = pytest.mark.slow  # builds the demo


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0


def scopes():
    teams = [None, *db.session.scalars(select(Team.name).order_by(Team.name))]
    return [(month, team) for month in ("2026-08", "2026-09", "2026-10") for team in teams]


def test_no_suppressed_group_can_be_recovered_or_named_under_any_filter(demo, client):
    for month, team in scopes():
        summary = summarise(month, clock.today(), team)
        for attr in EQUALITY:
            rows = summary.equality[attr]
            hidden = [r for r in rows if r.suppressed]
            shown = [r for r in rows if not r.suppressed]
            assert all(r.n >= 5 for r in shown), (month, team, attr)
            # One hidden group with others shown would follow from the total by subtraction.
            assert len(hidden) != 1 or not shown, (month, team, attr, hidden)


def test_suppressed_groups_are_never_named_on_the_page(demo, as_user, world_leader):
    for month, team in scopes():
        summary = summarise(month, clock.today(), team)
        page = world_leader.get("/reports/", query_string={"month": month, "team": team or ""}).get_data(as_text=True)
        equality = page[page.index(">Equality</h2>"):]
        for attr in EQUALITY:
            for row in summary.equality[attr]:
                if row.suppressed:
                    assert f"<li>{row.group}:" not in equality, (month, team, row.group)


def test_the_page_and_the_workbook_agree_percentage_by_percentage(demo, as_user, world_leader):
    for month, _ in scopes()[::4]:
        page = world_leader.get(f"/reports/?month={month}").get_data(as_text=True)
        book = load_workbook(io.BytesIO(world_leader.get(f"/reports/{month}.xlsx").data))
        domains = {row[0]: row for row in book["Domains"].iter_rows(min_row=2, values_only=True)}
        for name, row in domains.items():
            n, share = row[5], row[6]
            if share is None or n < 5:
                continue
            shown = re.search(re.escape(name) + r"</th>.*?(\d+)% \(n=" + str(n) + r"\)", page, re.S)
            assert shown and int(shown.group(1)) == whole_percent(share), (month, name, share)


@pytest.fixture
def world_leader(app):
    from auditapp.models import User
    leader = db.session.scalar(select(User).where(User.is_leadership.is_(True)))
    client = app.test_client()
    client.post("/sign-in", data={"email": leader.email, "password": "demo-password-2026"})
    return client
