"""Issue 22: the activity log and the record of reads page by where each page starts (keyset), so
the last page costs what the first does: no OFFSET counting past the rows before it, the same
statements, and filters kept all the way."""

import html
import re
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.history import record


@contextmanager
def page_statements(table: str):
    """The statements that read a page of `table`'s rows (LIMIT), with their parameters: filled
    when the block ends, from every statement it ran (all_statements)."""
    seen: list[tuple[str, object]] = []
    with all_statements() as every:
        yield seen
    seen += [(statement, parameters) for statement, parameters in every
             if f"FROM {table}" in statement and "LIMIT" in statement]


def skips_no_rows(statement: str, parameters) -> bool:
    """No OFFSET, or (SQLite writes LIMIT ? OFFSET ? always) an offset of nought."""
    if "OFFSET" not in statement.upper():
        return True
    if isinstance(parameters, dict):  # PostgreSQL's named parameters: the one OFFSET names
        named = re.search(r"OFFSET %\((\w+)\)s", statement)
        return parameters[named[1]] in (0, None) if named else False
    return list(parameters)[-1] in (0, None)


def older_link(page: str) -> str | None:
    found = re.search(r'href="([^"]+)" rel="next"', page)
    return html.unescape(found[1]) if found else None


def newer_link(page: str) -> str | None:
    found = re.search(r'href="([^"]+)" rel="prev"', page)
    return html.unescape(found[1]) if found else None


def test_the_last_page_of_the_log_is_as_cheap_as_the_first(world, as_user):
    for n in range(260):
        with clock.frozen_at(datetime(2026, 11, 2, 9, n // 60, n % 60)):
            record(world.seniors[0], "Team added", field=f"Team {n:03d}")
    record(world.qa_lead, "Team added", field="Someone else's")
    db.session.commit()
    qa = as_user(world.qa_lead)
    url = f"/people/activity?person={world.seniors[0].id}&kind=Team+added"
    shapes, pages = [], []
    while url:
        with page_statements("event") as statements:
            response = qa.get(url)
        assert response.status_code == 200
        pages.append(response.text)
        shapes.append([s for s in statements if "event.user_id" in s[0]])
        url = older_link(response.text)
        if url:
            assert f"person={world.seniors[0].id}" in url and "kind=Team+added" in url  # filters kept
    assert len(pages) >= 3
    assert "Team 259" in pages[0] and "Team 000" in pages[-1] and "Team 000" not in pages[0]
    assert all("Someone else" not in page for page in pages)
    # Every page after the first asks the same of the database (the same statement, from another
    # id): one look-up along the key and a page of rows, never OFFSET past the rows before it.
    assert len(shapes[0]) == len(shapes[-1]) == 1
    assert shapes[1][0][0] == shapes[-1][0][0] and "event.id < " in shapes[-1][0][0]
    assert all(skips_no_rows(*s) for shape in shapes for s in shape)
    # Back to the newest with the Newer links, through the same pages.
    back, url = [], newer_link(pages[-1])
    while url:
        response = qa.get(url)
        back.append(response.text)
        url = newer_link(response.text)
    assert len(back) == len(pages) - 1 and "Team 259" in back[-1]


def test_the_record_of_reads_pages_by_where_it_starts(world, as_user):
    from auditapp.models import ReadRecord
    for n in range(130):
        db.session.add(ReadRecord(user_id=world.seniors[0].id, at=clock.now(), what=f"Export {n:03d}"))
    db.session.commit()
    qa = as_user(world.qa_lead)
    first = qa.get("/people/reads").text
    url = older_link(first)
    assert url and "before=" in url
    with page_statements("read_record") as statements:
        last = qa.get(url).text
    assert statements and all(skips_no_rows(*s) for s in statements)
    assert "Export 000" in last


def test_a_deep_page_of_a_sorted_list_pages_the_ids_not_the_joined_rows(as_user):
    """The case register, sorted by manager, page 3 of 3: the statement that skips the first two
    pages selects only the cases' ids; the page's rows are then loaded with their joins by id."""
    from builders import build_world
    world = build_world(cases_per_team=40)
    qa = as_user(world.qa_lead)
    by_manager = "/cases?sort=manager&order=descending"
    first = qa.get(by_manager).text
    statements: list[str] = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        last = qa.get(f"{by_manager}&page=3").text
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    skipping = [s for s in statements if 'FROM "case"' in s and "OFFSET" in s.upper() and "LIMIT" in s]
    # Only the ids, and no join but the one the order walks (the manager, by the people's name
    # index): none of the joins that load a row (its team, its manager's details).
    assert skipping and all(s.split("FROM")[0].split() == ["SELECT", '"case".id'] and "team" not in s
                            and s.count(" JOIN ") == 1 and re.search(r'JOIN "?user"? AS manager', s)
                            for s in skipping), skipping
    # The same order throughout: every case once, the pages in the sorted order.
    middle = qa.get(f"{by_manager}&page=2").text
    references = [list(dict.fromkeys(re.findall(r">(C\d{4})<", page))) for page in (first, middle, last)]
    listed = [r for page in references for r in page]
    assert [len(page) for page in references] == [50, 50, 20]
    assert sorted(listed) == sorted(c.reference for c in world.cases) and len(set(listed)) == len(listed)
    managers = {c.reference: c.manager.name for c in world.cases}
    assert [managers[r] for r in listed] == sorted((managers[r] for r in listed), reverse=True)


def _ids_statements(statements: list[tuple[str, object]], table: str) -> list[tuple[str, object]]:
    """The statements that choose a page's ids (only the ids, LIMIT): not those that load its rows."""
    return [(s, p) for s, p in statements if s.split("FROM")[0].split() == ["SELECT", f"{table}.id"]
            and "LIMIT" in s]


@contextmanager
def all_statements():
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def _three_pages(client, url: str, listed_as: str, table: str) -> tuple[list[str], list[tuple[str, object]]]:
    """What pages 1 to 3 of a sorted list show, in order (each row once, as `listed_as` finds it),
    and the statements of ids the third (the last) page ran on `table`."""
    listed, last_ids = [], []
    for number in (1, 2, 3):
        with all_statements() as statements:
            page = client.get(f"{url}&page={number}").text
        listed += list(dict.fromkeys(re.findall(listed_as, page)))
        if number == 3:
            last_ids = _ids_statements(statements, table)
    return listed, last_ids


def _in_order(rows: list, value, descending: bool) -> list:
    """`rows` as the list sorts them: by `value`, empty values last either way, then by id."""
    rows = sorted(rows, key=lambda row: row.id)
    filled = sorted((row for row in rows if value(row) is not None), key=value, reverse=descending)  # stable
    return filled + [row for row in rows if value(row) is None]


def test_every_sort_of_the_register_reads_its_last_page_from_the_end(as_user):
    """Issue 22: every sort of the case register whose values are never empty, both ways, pages from
    the nearer end: its last page skips no rows at all (the reverse order, from its start). Every
    page of every sort holds the rows it held when the pages were all counted from the start: every
    case once, in the sorted order, empty closing dates last either way, people of the same name
    apart by who they are."""
    from datetime import date

    from builders import build_world

    from auditapp.models import CASE_TYPES, Team, User
    world = build_world(cases_per_team=40)
    world.auditors["Early Help"][1].name = world.auditors["Assessment North"][0].name  # two of the same name
    types = list(CASE_TYPES)
    for n, case in enumerate(world.cases):
        case.case_type = types[n % len(types)]
        case.open_date = date(2024, 1 + n % 12, 1 + n % 7)
        case.closed_date = date(2026, 1 + n % 5, 1) if n % 3 else None
    db.session.commit()
    teams = dict(db.session.execute(select(Team.id, Team.name)).all())
    people = dict(db.session.execute(select(User.id, User.name)).all())
    sorts = {
        "reference": lambda c: c.reference, "team": lambda c: teams[c.team_id],
        "type": lambda c: CASE_TYPES[c.case_type], "manager": lambda c: (people[c.manager_id], c.manager_id),
        "opened": lambda c: c.open_date, "closed": lambda c: c.closed_date,
    }
    qa = as_user(world.qa_lead)
    for key, value in sorts.items():
        for order in ("ascending", "descending"):
            listed, last_ids = _three_pages(qa, f"/cases?sort={key}&order={order}", r">(C\d{4})<", '"case"')
            expected = [c.reference for c in _in_order(world.cases, value, order == "descending")]
            assert listed == expected, (key, order)
            assert len(last_ids) == 1, (key, order, last_ids)
            if key == "closed":  # may be empty (last either way): counted past, never read from the end
                assert not skips_no_rows(*last_ids[0])
                continue
            # The last page: one statement of ids, in the opposite order, skipping nothing.
            assert skips_no_rows(*last_ids[0]), (key, order, last_ids)
            assert "DESC" in last_ids[0][0] if order == "ascending" else "ASC" in last_ids[0][0]


def test_all_actions_sorted_by_owner_read_their_last_page_from_the_end(world, as_user):
    """All actions sorted by owner walk the people by name (a join) and keep the order they had:
    by the owner's name, then the action's own order of creation, whoever of that name owns it;
    the last page is read from the end and skips no rows; a filter keeps it all."""
    from builders import confirmed_action, ready_for_moderation, sampled_month
    audits = sampled_month("2026-11", per_team=1)
    ready = ready_for_moderation(audits[0])
    owners = [world.auditors[team][n] for team in world.auditors for n in (0, 1)]
    owners[3].name = owners[0].name  # two owners of the same name: their actions interleave by id
    db.session.commit()
    made = [confirmed_action(ready, owners[n % len(owners)], f"Action {n:02d}") for n in range(60)]
    db.session.commit()
    names = {a.id: owners[n % len(owners)].name for n, a in enumerate(made)}
    qa = as_user(world.qa_lead)
    for order in ("ascending", "descending"):
        for filters in ("", "&status=open"):
            listed, last_ids = _three_pages(qa, f"/actions?sort=owner&order={order}{filters}", r"Action \d\d",
                                            "action")
            expected = [a.description for a in _in_order(made, lambda a: names[a.id], order == "descending")]
            assert listed == expected, (order, filters)
            assert len(last_ids) == 1 and skips_no_rows(*last_ids[0]), last_ids
            assert " JOIN " in last_ids[0][0] and "(SELECT" not in last_ids[0][0]  # a join, not a look-up per row
