"""Issue 22: the activity log and the record of reads page by where each page starts (keyset), so
the last page costs what the first does: no OFFSET counting past the rows before it, the same
statements, and filters kept all the way."""

import html
import re
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import event

from auditapp import clock
from auditapp.extensions import db
from auditapp.history import record


@contextmanager
def page_statements(table: str):
    """The statements that read a page of `table`'s rows (LIMIT), with their parameters."""
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, *args):
        if f"FROM {table}" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def skips_no_rows(statement: str, parameters) -> bool:
    """No OFFSET, or (SQLite writes LIMIT ? OFFSET ? always) an offset of nought."""
    if "OFFSET" not in statement.upper():
        return True
    values = list(parameters.values()) if isinstance(parameters, dict) else list(parameters)
    return values[-1] in (0, None)


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
