"""What a council's operations team watches (issue 21): a log line per request that carries no
case details, figures for monitoring behind a token, and errors reported with the details removed."""

import json
import logging
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from builders import review_data, sampled_month
from sqlalchemy import event
from test_no_lost_work import opened

from auditapp import clock, create_app
from auditapp.extensions import db
from auditapp.models import SentMessage
from auditapp.security.access import public

SECRET_WORDS = "Jaden Example-Child"  # what must never leave: it stands for a child's details


def test_each_request_is_one_log_line_with_its_route_status_time_and_user_but_no_query(world, as_user, caplog):
    audit = sampled_month("2026-10", per_team=1)[0]
    db.session.commit()
    qa = as_user(world.qa_lead)
    with caplog.at_level(logging.INFO, logger="auditapp.requests"):
        qa.get(f"/audits/{audit.id}?q={SECRET_WORDS}")
    line = [r for r in caplog.records if r.name == "auditapp.requests"][-1]
    assert (line.method, line.route, line.status, line.user_id) == ("GET", "/audits/<int:audit_id>", 200,
                                                                  world.qa_lead.id)
    assert line.duration_ms > 0
    assert SECRET_WORDS not in line.getMessage()


def test_a_saves_log_line_names_the_person_without_reading_them_again_after_its_commit(world, as_user, caplog):
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    url = f"/audits/{audit.id}/review/A"
    auditor = as_user(audit.auditor_a)
    form = review_data(3, submit=False) | opened(auditor, url)
    after_commit: list[str] = []
    committed = []

    def on_commit(conn) -> None:
        committed.append(True)

    def on_statement(conn, cursor, statement, *args) -> None:
        if committed:
            after_commit.append(statement)

    event.listen(db.engine, "commit", on_commit)
    event.listen(db.engine, "before_cursor_execute", on_statement)
    try:
        with caplog.at_level(logging.INFO, logger="auditapp.requests"):
            assert auditor.post(url, data=form).status_code == 302
    finally:
        event.remove(db.engine, "commit", on_commit)
        event.remove(db.engine, "before_cursor_execute", on_statement)
    line = [r for r in caplog.records if r.name == "auditapp.requests"][-1]
    assert (line.method, line.status, line.user_id) == ("POST", 302, audit.auditor_a.id)
    # The save's commit expired the person's row; the log line took their id from the session's
    # identity map, so no statement read them back (one had, on every save).
    assert not [s for s in after_commit if "FROM user" in s.replace('"', "")], after_commit


def test_log_format_json_writes_one_json_object_a_line(monkeypatch, capsys):
    import subprocess
    import sys

    from auditapp.config import ROOT
    script = ("import logging; from auditapp import logs; logs.configure(); "
              "logging.getLogger('auditapp.requests').info('GET / 200', extra={'status': 200})")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "LOG_FORMAT": "json"}, timeout=60)
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "GET / 200" and record["status"] == 200 and record["level"] == "INFO"


@pytest.fixture
def monitored(app):
    app.config["METRICS_TOKEN"] = "monitoring-token"
    yield app
    app.config["METRICS_TOKEN"] = ""


def test_metrics_answer_only_the_monitorings_token_and_count_the_outbox(world, monitored, client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 404
    db.session.add(SentMessage(address="a@council.example.org", subject="s", body="b", key="waiting",
                               created_at=clock.now(), attempts=1))
    db.session.add(SentMessage(address="b@council.example.org", subject="s", body="b", key="failed",
                               created_at=clock.now(), attempts=5))
    db.session.commit()
    page = client.get("/metrics", headers={"Authorization": "Bearer monitoring-token"}).get_data(as_text=True)
    assert "auditapp_mail_waiting 1.0" in page and "auditapp_mail_failed 1.0" in page
    assert "auditapp_mail_oldest_unsent_seconds" in page
    # Requests by route, measured once for the log line and the figures.
    client.get("/health/live")
    page = client.get("/metrics", headers={"Authorization": "Bearer monitoring-token"}).get_data(as_text=True)
    assert 'auditapp_requests_total{method="GET",route="/health/live",status="200"}' in page
    assert 'auditapp_request_seconds_count{route="/health/live"}' in page


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif self.headers.get("Content-Encoding") == "br":
            # sentry-sdk sends Brotli when the brotli module is installed (WeasyPrint's fonttools brings it).
            import brotli
            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_error_goes_to_sentry_with_nothing_of_the_case_in_it(database_url, world):
    import sentry_sdk
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app = create_app({"TESTING": False, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url,
                      "SENTRY_DSN": f"http://public@127.0.0.1:{server.server_port}/1"})

    @app.route("/fails")
    @public
    def fails():
        raise ValueError(f"could not save the note about {SECRET_WORDS}")

    try:
        response = app.test_client().get("/fails?child=" + SECRET_WORDS, headers={"X-Child": SECRET_WORDS})
        assert response.status_code == 500
        sentry_sdk.flush(5)
    finally:
        sentry_sdk.get_client().close()
        server.shutdown()
    sent = b"".join(Collector.received).decode("utf-8", "replace")
    assert "ValueError" in sent
    assert SECRET_WORDS not in sent and SECRET_WORDS.replace(" ", "%20") not in sent
