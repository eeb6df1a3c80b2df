"""Issue 22: recomputing the figures more cheaply gives exactly the figures it replaces."""

import pytest
from builders import build_world, months_of_work

from auditapp import clock
from auditapp.reports.facts import Scope, counts_from_facts, load_facts, trend_counts
from auditapp.reports.summary import summarise, trend, trend_months


@pytest.fixture
def history():
    world = build_world(cases_per_team=20)
    months_of_work(["2026-07", "2026-08", "2026-09", "2026-10"], "2026-11", per_team=4, senior=world.seniors[0])
    return world


@pytest.mark.parametrize("team, case_type", [(None, None), ("Children in Care", None), (None, "Child in need")])
def test_the_12_month_trend_from_the_facts_is_the_trend_from_grouped_counts(history, team, case_type):
    months = tuple(trend_months("2026-11"))
    scope = Scope(months, team, case_type)
    from_facts = counts_from_facts(load_facts(scope, clock.today()), months)
    counted = trend_counts(scope)
    assert any(c.sampled for c in counted.values()) and any(c.grades["overall"] for c in counted.values())
    assert any(c.pairs["overall"] for c in counted.values()) and any(c.pairs["voice"] for c in counted.values())
    assert {m: (dict(c.grades), dict(c.pairs), c.sampled, c.unfinished) for m, c in from_facts.items()} == \
        {m: (dict(c.grades), dict(c.pairs), c.sampled, c.unfinished) for m, c in counted.items()}
    twelve = summarise("2026-11", clock.today(), team, case_type, with_trend=True, period=12)
    assert twelve.trend == trend(counted)
