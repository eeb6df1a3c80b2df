"""Issue 22: recomputing the figures more cheaply gives exactly the figures it replaces."""

import pytest
from builders import build_world, months_of_work

from auditapp import clock
from auditapp.months import month_of, months_before
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


# Each filter of the dashboard (none, a team, a case type), over the demo's year, seeded once per
# test: the demo's year takes seconds to build, so these walk the filters in a loop, not a parameter.
FILTERS = [(None, None), ("Children in Care", None), (None, "Child in need")]


def test_the_boards_period_before_counted_by_the_database_is_its_whole_summarys(app):
    """The board's comparison reads five shares of the period before (board_basis.before_values):
    they are what measures.values() gives for that period's whole summary, under every filter."""
    from auditapp.demo import seed_demo
    from auditapp.reports.board_basis import before_values
    from auditapp.reports.measures import values

    seed_demo()
    today = clock.today()
    for team, case_type in FILTERS:
        for period in (1, 3, 12):
            checked = 0
            for end in trend_months(months_before(month_of(today), 0), 6):
                months = tuple(trend_months(end, period))
                whole = values(summarise(end, today, team, case_type, with_trend=False, period=period,
                                         with_board=False))
                assert before_values(months, team, case_type) == whole, (team, case_type, end, period)
                checked += sum(1 for value in whole.values() if value.share is not None)
            assert checked, (team, case_type, period)  # the demo's months have figures, not only empty ones


def test_the_pages_follow_up_counted_without_its_rows_is_the_listed_one(app):
    """The pages' follow-up (follow_up(listed=False)) counts what the exports' list of actions counts."""
    from auditapp.demo import seed_demo
    from auditapp.reports.follow_up import follow_up

    seed_demo()
    today = clock.today()
    for team, case_type in FILTERS:
        for period in (1, 12):
            figures = []
            for end in trend_months(month_of(today), 4):
                months = tuple(trend_months(end, period))
                listed = follow_up(months, today, team, case_type)
                counted = follow_up(months, today, team, case_type, False)
                assert listed.actions and not counted.actions
                listed.actions = []
                assert counted == listed, (team, case_type, end, period)
                figures += [listed.raised, listed.closed_on_time + listed.closed_late, listed.overdue]
            # The demo's actions are raised, closed and overdue: each count is compared, not only zeros.
            assert any(figures[0::3]) and any(figures[1::3]) and any(figures[2::3]), (team, case_type, period)
