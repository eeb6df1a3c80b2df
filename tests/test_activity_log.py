"""The activity log filters by person, kind of entry and UK dates (issue 18), from a GET form whose
filters are kept when paging; a date that is not one is a field error, never a server error."""

import re
from datetime import datetime

from auditapp import clock
from auditapp.extensions import db
from auditapp.history import record


def entry(user, action: str, at: datetime, field: str = "") -> None:
    with clock.frozen_at(at):
        record(user, action, field=field)


def log(client, query: str = "") -> str:
    response = client.get(f"/people/activity?{query}")
    assert response.status_code == 200, query
    return response.get_data(as_text=True)


def test_the_log_filters_by_person_and_kind_of_entry(world, as_user):
    senior = world.seniors[0]
    entry(world.qa_lead, "Team added", datetime(2026, 11, 2, 9), "Fostering North")
    entry(senior, "Team added", datetime(2026, 11, 3, 9), "Fostering South")
    entry(senior, "Closure day added", datetime(2026, 11, 4, 9), "Tuesday 29 December 2026")
    db.session.commit()
    qa = as_user(world.qa_lead)
    everything = log(qa)
    assert '<option value="Team added">Team added</option>' in everything  # the kinds the log holds
    assert f'<option value="{senior.id}">{senior.name}</option>' in everything
    theirs = log(qa, f"person={senior.id}")
    assert "Fostering South" in theirs and "Tuesday 29 December 2026" in theirs and "Fostering North" not in theirs
    assert f'<option value="{senior.id}" selected>' in theirs
    both = log(qa, f"person={senior.id}&kind=Team+added")
    assert "Fostering South" in both and "Tuesday 29 December 2026" not in both
    assert "No entries match" in log(qa, f"person={world.leader.id}&kind=Team+added")


def test_the_dates_are_uk_days_both_included(world, as_user):
    entry(world.qa_lead, "Team added", datetime(2026, 6, 14, 22, 30), "Late on the 14th")  # 23:30 in the UK
    entry(world.qa_lead, "Team added", datetime(2026, 6, 14, 23, 30), "Just after midnight")  # 00:30 on the 15th
    entry(world.qa_lead, "Team added", datetime(2026, 6, 30, 22, 59), "Last minute of June")
    entry(world.qa_lead, "Team added", datetime(2026, 6, 30, 23, 1), "First minute of July")
    db.session.commit()
    june = log(as_user(world.qa_lead), "since=15/6/2026&until=30/6/2026")
    assert "Just after midnight" in june and "Last minute of June" in june
    assert "Late on the 14th" not in june and "First minute of July" not in june
    assert 'value="15/6/2026"' in june  # the form shows what was asked for


def test_a_date_that_is_not_one_is_a_field_error(world, as_user):
    qa = as_user(world.qa_lead)
    page = log(qa, "since=31/2/2026&until=soon")
    assert "<title>Error: Activity log" in page and "There is a problem" in page
    assert "Enter the first day to show as a real date" in page and 'href="#since"' in page
    assert "Enter the last day to show as a real date" in page and 'value="soon"' in page
    backwards = log(qa, "since=2/11/2026&until=1/11/2026")
    assert "The last day to show must be the same as or after the first day" in backwards


def test_paging_keeps_the_filters(world, as_user):
    for n in range(105):
        entry(world.seniors[1], "Team added", datetime(2026, 11, 2, 9, n // 60, n % 60), f"Team {n:03d}")
    entry(world.qa_lead, "Team added", datetime(2026, 11, 2, 12), "Someone else's")
    db.session.commit()
    qa = as_user(world.qa_lead)
    first = log(qa, f"person={world.seniors[1].id}&kind=Team+added&submit=Show+entries")
    links = first.split('aria-label="Pages of the activity log"')[1]
    older = re.search(r'href="/people/activity\?before=(\d+)&amp;person=(\d+)&amp;kind=Team\+added"', links)
    assert older and older[2] == str(world.seniors[1].id) and "submit=" not in links
    second = log(qa, f"before={older[1]}&person={world.seniors[1].id}&kind=Team+added")
    assert "Team 000" in second and "Team 104" not in second and "Someone else's" not in second


def test_the_filters_show_a_name_as_text_never_as_markup(world, as_user):
    """The filters' options are written as plain text joined together (for speed over about 470
    people): a name or a kind of entry holding markup is shown escaped, and the choice is kept."""
    senior = world.seniors[0]
    senior.name = '<b>Jo "O\'Neil" & co</b>'
    entry(senior, '<script>alert(1)</script> added', datetime(2026, 11, 3, 9))
    db.session.commit()
    page = log(as_user(world.qa_lead), f"person={senior.id}")
    assert "<b>Jo" not in page and "<script>alert(1)" not in page
    assert (f'<option value="{senior.id}" selected>&lt;b&gt;Jo &#34;O&#39;Neil&#34; &amp; co&lt;/b&gt;</option>'
            in page)
    assert '&lt;script&gt;alert(1)&lt;/script&gt; added</option>' in page
