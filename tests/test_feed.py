"""The dashboard feed (issue 27): tokens the QA lead creates, names and revokes, stored hashed and
shown once; 401 and nothing else without a live token, throttled like sign-in; each read in the
record of reads; and the feed's figures are the workbook's, with no group under 5 shown and no
hidden figure recoverable by subtraction, for every month of the demo."""

import csv
import io
import json
import re

import pytest
from builders import fresh, sampled_month, signed_off_audit
from openpyxl import load_workbook
from sqlalchemy import func, select

from auditapp.exports.feed import COLUMNS
from auditapp.extensions import db
from auditapp.models import FeedToken, ReadRecord

BOM = b"\xef\xbb\xbf"


def create(qa, name: str = "Improvement board Power BI") -> str:
    page = qa.post("/people/feed-tokens", data={"name": name}).get_data(as_text=True)
    assert "Token created" in page and "shown only this once" in page
    return re.search(r'<code class="app-token" id="new-token">([^<]+)</code>', page).group(1)


def read(client, token: str | None, path: str = "/feed/domains.json", **query):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(path, headers=headers, query_string=query)


def test_a_token_is_shown_once_stored_hashed_and_reads_the_figures(world, as_user, client):
    audits = sampled_month("2026-10", per_team=2)
    for audit in audits:
        signed_off_audit(audit)
    db.session.commit()
    qa = as_user(world.qa_lead)
    token = create(qa)
    fresh()
    stored = db.session.scalar(select(FeedToken))
    assert stored.name == "Improvement board Power BI"
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert token not in qa.get("/people/feed-tokens").get_data(as_text=True)  # never shown again

    answer = read(client, token, month="2026-10", months="1")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    rows = answer.json
    assert [r["judgement"] for r in rows][-1] == "Overall" and {r["month"] for r in rows} == {"2026-10"}
    assert sum(rows[-1][g] for g in ("outstanding", "good", "requires_improvement", "inadequate")) == len(audits)
    as_csv = read(client, token, "/feed/teams.csv", month="2026-10")
    assert as_csv.get_data().startswith(BOM)
    header = next(csv.reader(io.StringIO(as_csv.get_data().decode("utf-8-sig"))))
    assert header == COLUMNS["teams"]
    fresh()
    noted = db.session.scalars(select(ReadRecord.what).where(ReadRecord.what.like("Dashboard feed%"))).all()
    assert len(noted) == 2 and "Improvement board Power BI: teams (csv" in noted[1]


def test_wrong_revoked_or_missing_tokens_get_401_and_nothing_else(world, as_user, client):
    qa = as_user(world.qa_lead)
    token = create(qa)
    for answer in (read(client, None), read(client, token + "x"), read(client, "Bearer"),
                   qa.get("/feed/domains.json"), read(client, token, "/feed/nothing-here.csv")):
        if answer.status_code != 404:  # a live token asking for no table: 404, as any wrong address
            assert answer.status_code == 401 and answer.get_data() == b"", answer
    assert read(client, token, "/feed/nothing-here.csv").status_code == 404
    fresh()
    stored = db.session.scalar(select(FeedToken))
    page = qa.get("/people/feed-tokens").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert qa.post(f"/people/feed-tokens/{stored.id}/revoke", data={"version": version}).status_code == 302
    revoked = read(client, token)
    assert revoked.status_code == 401 and revoked.get_data() == b""
    stale = qa.post(f"/people/feed-tokens/{stored.id}/revoke", data={"version": version}, follow_redirects=True)
    assert "Revoked" in stale.get_data(as_text=True)


def test_tries_are_throttled_like_sign_in(world, as_user, client, app):
    token = create(as_user(world.qa_lead))
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]):
        assert read(client, "auditfeed_guess").status_code == 401
    assert read(client, token).status_code == 401  # past the limit, the right token is refused too


def test_a_token_needs_a_name_and_the_page_keeps_what_was_typed(world, as_user):
    qa = as_user(world.qa_lead)
    page = qa.post("/people/feed-tokens", data={"name": "   "}).get_data(as_text=True)
    assert "Enter a name for the token" in page and db.session.scalar(select(func.count(FeedToken.id))) == 0
    long = qa.post("/people/feed-tokens", data={"name": "x" * 81}).get_data(as_text=True)
    assert "80 characters or fewer" in long and "x" * 81 in long
    assert as_user(world.auditors["Early Help"][0]).get("/people/feed-tokens").status_code == 403


@pytest.mark.slow  # builds the demo
def test_the_feed_gives_the_workbooks_figures_for_every_demo_month_and_hides_small_groups(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    from auditapp.month.sampling import months_to_report
    qa = app.test_client()
    qa.post("/sign-in", data={"email": "quinn.ashby@council.example.org", "password": "demo-password-2026"})
    token = create(qa)
    months = [month for month, _ in months_to_report()]
    assert len(months) >= 3
    for month in months:
        book = load_workbook(io.BytesIO(qa.get(f"/reports/{month}.xlsx").data))
        domains = {row[0]: row for row in book["Domains"].iter_rows(min_row=2, values_only=True) if row[0]}
        feed = {row["judgement"]: row for row in read(client, token, month=month, months="1").json}
        for name, row in feed.items():
            sheet = domains[name]
            assert [row[g] for g in ("outstanding", "good", "requires_improvement", "inadequate")] == list(sheet[1:5])
            assert row["moderated"] == sheet[5], (month, name)
        teams = {(row[1], row[2]): row for row in book["Teams"].iter_rows(min_row=2, values_only=True)
                 if row[0] == "Team"}
        rows = read(client, token, "/feed/teams.json", month=month, months="1").json
        for row in rows:
            if not row["suppressed"]:
                assert row["moderated"] >= 5 and row["moderated"] == teams[row["team"], row["judgement"]][7]
            else:
                assert row["moderated"] is None and row["pct_good_or_better"] is None
        by_judgement: dict[str, list[dict]] = {}
        for row in rows:
            by_judgement.setdefault(row["judgement"], []).append(row)
        for judgement, group in by_judgement.items():
            hidden = [r for r in group if r["suppressed"]]
            # One hidden group beside shown ones would follow from the month's total by subtraction.
            assert len(hidden) != 1 or len(hidden) == len(group), (month, judgement)
        for row in read(client, token, "/feed/equality.json", month=month, months="1").json:
            assert row["moderated"] is None or row["moderated"] >= 5
        for table in COLUMNS:
            for row in read(client, token, f"/feed/{table}.json", month=month, months="1").json:
                assert list(row) == COLUMNS[table] and "reference" not in json.dumps(row)


@pytest.mark.slow  # builds two histories
def test_the_feeds_statements_do_not_grow_with_the_data(app):
    from builders import build_world, count_queries, empty_database, sign_in

    from auditapp.remembered import forget_all

    def statements(per_team: int) -> dict[str, int]:
        world = build_world(cases_per_team=10 * per_team)
        for month in ("2026-09", "2026-10"):
            for audit in sampled_month(month, per_team=per_team):
                signed_off_audit(audit)
        db.session.commit()
        token = create(sign_in(app.test_client(), world.qa_lead))
        counted = {}
        for table in COLUMNS:
            forget_all()  # each as its first reader sees it: nothing remembered
            with count_queries() as seen:
                assert read(app.test_client(), token, f"/feed/{table}.json", months="12").status_code == 200
            counted[table] = len(seen)
        return counted

    small = statements(1)
    empty_database()
    assert statements(3) == small


def test_the_feeds_figures_are_shared_though_its_request_wrote_first(world, as_user, client, caplog):
    """The feed notes its token's last use before it reads the figures: the figures are still shared
    with every worker, and on SQLite never written while that request holds the write lock."""
    from auditapp.models import RememberedFigure
    from auditapp.remembered import forget_all
    for audit in sampled_month("2026-10", per_team=1):
        signed_off_audit(audit)
    db.session.commit()
    token = create(as_user(world.qa_lead))
    forget_all()
    with caplog.at_level("WARNING", logger="auditapp.remembered"):
        assert read(client, token, months="3").status_code == 200
    assert [r.message for r in caplog.records if r.name == "auditapp.remembered"] == []
    assert db.session.scalar(select(func.count()).select_from(RememberedFigure)) > 0
