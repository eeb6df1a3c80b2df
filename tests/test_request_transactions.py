"""How a request's transaction ends: a page that only read commits, and so does a save that only
read after its own commit (so PostgreSQL keeps each worker's prepared statements; psycopg drops
them at every rollback), and nothing a request left unsaved, wrote without saving, or changed
before it failed, is ever written by that commit."""

import pytest
from builders import review_data, sampled_month
from flask import Flask
from sqlalchemy import event, select, update
from test_no_lost_work import opened

from auditapp import create_app
from auditapp.extensions import db
from auditapp.models import Review, Team
from auditapp.security.access import public


@pytest.fixture
def endings():
    seen: list[str] = []
    listeners = {name: (lambda conn, name=name: seen.append(name)) for name in ("commit", "rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(db.engine, name, listener)


def test_reading_a_page_ends_with_commit_and_a_refused_change_with_rollback(world, as_user, endings):
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    url = f"/audits/{audit.id}/review/A"
    first, second = as_user(audit.auditor_a), as_user(audit.auditor_a)
    first_tab, second_tab = opened(first, url), opened(second, url)
    # The first start page stores its remembered lists for other workers, a commit of its own on
    # the store's connection; the page's own transaction is what is counted here.
    assert first.get("/").status_code == 200
    endings.clear()
    assert first.get("/").status_code == 200
    assert endings == ["commit"]
    second.post(url, data=review_data(4, submit=False) | second_tab)
    endings.clear()
    refused = first.post(url, data=review_data(2, submit=False) | first_tab)  # a stale tab: nothing saved
    assert "was changed after you opened this page" in refused.get_data(as_text=True)
    # The refused save is rolled back; what follows only reads the page again to show it.
    assert endings[0] == "rollback" and "commit" not in endings[:-1]
    saved = db.session.scalar(select(Review.overall_grade).where(Review.audit_id == audit.id, Review.role == "A"))
    assert saved == 4  # the other tab's save, not the stale one


def test_a_save_on_postgresql_leaves_the_workers_prepared_statements_in_place(world, as_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    url = f"/audits/{audit.id}/review/A"
    auditor = as_user(audit.auditor_a)
    for _ in range(6):  # psycopg prepares a statement on its fifth use on one connection
        auditor.get(url)
    assert _prepared() > 0
    for grade in (3, 2):
        saved = auditor.post(url, data=review_data(grade, submit=False) | opened(auditor, url))
        assert saved.status_code == 302
    assert _prepared() > 0  # a save's ROLLBACK would have dropped them all


def test_a_page_on_postgresql_is_planned_once_per_worker_not_on_every_request(world, as_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    auditor = as_user(audit.auditor_a)
    for _ in range(6):  # psycopg prepares a statement on its fifth use on one connection
        auditor.get("/")
    assert _prepared() > 0


def _prepared() -> int:
    """Statements psycopg holds prepared on the idle connections the requests used."""
    return sum(len(connection.dbapi_connection._prepared._names) for connection in list(db.engine.pool._pool.queue))


@pytest.fixture
def reading_app(database_url, world) -> Flask:
    # Not TESTING: a failure answers with the error page, as in production.
    app = create_app({"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url,
                      "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False})

    @public
    def renames_but_never_saves():
        db.session.scalar(select(Team).where(Team.name == "Early Help")).name = "Renamed"
        return "read"

    @public
    def writes_then_fails():
        db.session.execute(update(Team).where(Team.name == "Early Help").values(name="Renamed"))
        raise RuntimeError("the page failed")

    @public
    def writes_but_never_commits():
        db.session.execute(update(Team).where(Team.name == "Early Help").values(name="Renamed"))
        return "answered"

    app.add_url_rule("/unsaved", "unsaved", renames_but_never_saves, methods=["GET", "POST"])
    app.add_url_rule("/fails", "fails", writes_then_fails, methods=["GET", "POST"])
    app.add_url_rule("/uncommitted", "uncommitted", writes_but_never_commits, methods=["POST"])
    return app


def test_a_read_that_left_a_change_unsaved_never_writes_it(reading_app, world):
    assert reading_app.test_client().get("/unsaved").status_code == 200
    assert reading_app.test_client().get("/fails").status_code == 500
    for path in ("/unsaved", "/uncommitted"):  # a post that answered without saving what it wrote
        assert reading_app.test_client().post(path).status_code == 200
    assert reading_app.test_client().post("/fails").status_code == 500
    db.session.expire_all()
    assert db.session.scalar(select(Team.name).where(Team.name.in_(["Early Help", "Renamed"]))) == "Early Help"
