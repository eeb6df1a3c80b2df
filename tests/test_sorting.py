"""Tables people scan sort by their column headings (issue 18): the server sorts the whole paged
list, a heading's link keeps the filters and starts again at page 1, the sorted heading says so
(aria-sort), and only the table's own sort keys are honoured."""

import re
from html import unescape

import pytest
from builders import build_world, confirmed_action, person, ready_for_moderation, sampled_month

from auditapp.extensions import db


def first_column(html: str) -> list[str]:
    """The text of each body row's first cell, in the order shown."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">(.*?)</td>', body, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def heading(html: str, label: str) -> tuple[str, str]:
    """(aria-sort, link) of the column heading with this label."""
    found = re.search(r'<th scope="col" class="govuk-table__header" aria-sort="(\w+)"><a class="govuk-link '
                      rf'app-sort-link" href="([^"]+)">{re.escape(label)}</a></th>', html)
    assert found, label
    return found.group(1), unescape(found.group(2))


@pytest.fixture
def big_world():
    return build_world(cases_per_team=20)  # 60 cases: more than one page of the register (50)


def test_the_register_sorts_the_whole_list_by_a_heading_and_back(big_world, as_user):
    qa = as_user(big_world.qa_lead)
    page = qa.get("/cases?page=2").get_data(as_text=True)
    assert heading(page, "Reference")[0] == "ascending"  # the register's own order is by reference
    state, link = heading(page, "Reference")
    assert link == "/cases?sort=reference&order=descending"  # page 2 is not kept: a new order starts at 1
    newest = qa.get(link).get_data(as_text=True)
    assert first_column(newest)[:3] == ["C2019", "C2018", "C2017"]  # the last of all 60, not of one page
    assert heading(newest, "Reference")[0] == "descending"
    assert heading(newest, "Team")[0] == "none"
    # The pager keeps the order.
    assert "/cases?page=2&amp;sort=reference&amp;order=descending" in newest
    second = qa.get("/cases?sort=reference&order=descending&page=2").get_data(as_text=True)
    assert first_column(second)[-1] == "C0000"


def test_a_heading_keeps_the_search(big_world, as_user):
    qa = as_user(big_world.qa_lead)
    page = qa.get("/cases?q=C1").get_data(as_text=True)
    link = heading(page, "Reference")[1]
    assert "q=C1" in link
    assert first_column(qa.get(link).get_data(as_text=True))[0] == "C1019"


def test_an_unknown_sort_key_falls_back_to_the_tables_own_order(big_world, as_user):
    qa = as_user(big_world.qa_lead)
    for query in ("sort=reference;drop table case", "sort=open_date&order=descending", "sort=__class__",
                  "sort=reference&order=sideways"):
        response = qa.get(f"/cases?{query}")
        assert response.status_code == 200, query
        assert first_column(response.get_data(as_text=True))[0] == "C0000", query


def test_people_sort_by_name_email_or_team(world, as_user):
    person("Aaron Zed", "Zebra Team", {"is_auditor"})
    db.session.commit()
    qa = as_user(world.qa_lead)
    by_name = first_column(qa.get("/people/").get_data(as_text=True))
    assert by_name[0] == "Aaron Zed" and by_name == sorted(by_name)
    by_team = qa.get("/people/?sort=team&order=descending").get_data(as_text=True)
    assert first_column(by_team)[0] == "Aaron Zed" and heading(by_team, "Team")[0] == "descending"


def test_a_months_audits_sort_by_auditor(world, as_user):
    audits = sampled_month("2026-11", per_team=2)
    db.session.commit()
    qa = as_user(world.qa_lead)
    page = qa.get("/cycles/2026-11").get_data(as_text=True)
    assert "In the order drawn" in page
    state, link = heading(page, "Auditor A")
    assert state == "none" and link == "/cycles/2026-11?sort=auditor-a&order=ascending"
    rows = qa.get(link).get_data(as_text=True)
    assert first_column(rows) == [a.case.reference for a in sorted(audits, key=lambda a: (a.auditor_a.name, a.id))]
    assert heading(rows, "Auditor A")[0] == "ascending"


def test_all_actions_sort_by_owner_or_priority_keeping_the_filters(world, as_user):
    audits = sampled_month("2026-11", per_team=1)
    ready = ready_for_moderation(audits[0])
    owners = world.auditors["Early Help"][1], world.auditors["Assessment North"][0]
    confirmed_action(ready, owners[0], "Visit the father", priority="standard")
    confirmed_action(ready, owners[1], "Speak with the school", priority="immediate")
    db.session.commit()
    qa = as_user(world.qa_lead)
    page = qa.get("/actions?status=open&month=2026-11").get_data(as_text=True)
    assert "Open actions first, then the soonest due" in page
    state, link = heading(page, "Priority")
    assert state == "none" and "status=open" in link and "month=2026-11" in link
    by_priority = qa.get(link).get_data(as_text=True)
    assert first_column(by_priority) == ["Speak with the school", "Visit the father"]  # most urgent first
    assert heading(by_priority, "Priority")[0] == "ascending"
    # The filter form keeps the order when the filters change.
    assert '<input type="hidden" name="sort" value="priority">' in by_priority
    by_owner = qa.get("/actions?sort=owner&order=descending").get_data(as_text=True)
    expected = [d for _, d in sorted([(owners[0].name, "Visit the father"), (owners[1].name, "Speak with the school")],
                                     reverse=True)]
    assert first_column(by_owner) == expected
