"""Where each person lands, sign-in, security headers, and no request answering 500."""

from datetime import datetime

import pytest
from builders import PASSWORD, build_world, count_queries, empty_database, month_sampled_by, reload, review_data

from auditapp import clock
from auditapp.extensions import db


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_wrong_password_gets_one_message_for_both_fields(client, world):
    page = client.post("/sign-in", data={"email": world.qa_lead.email, "password": "wrong"}).get_data(as_text=True)
    assert "<title>Error: " in page and 'href="#email">Enter a correct email address and password' in page
    assert f'value="{world.qa_lead.email}"' in page
    page = client.post("/sign-in", data={"email": "nobody@x.org", "password": "wrong"}).get_data(as_text=True)
    assert "Enter a correct email address and password" in page


def test_inactive_people_cannot_sign_in(client, world):
    world.qa_lead.active = False
    db.session.commit()
    assert client.post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD}).status_code == 200


def test_sign_in_goes_only_to_local_pages(client, world):
    response = client.post("/sign-in?next=//evil.example/x", data={"email": world.qa_lead.email, "password": PASSWORD})
    assert response.location == "/"


def test_passwords_are_stored_with_argon2(world):
    assert world.qa_lead.password_hash.startswith("$argon2id$")


def test_csrf_token_is_required(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/sign-in", data={"email": world.qa_lead.email, "password": PASSWORD})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_security_headers(client):
    response = client.get("/sign-in")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_auditor_lands_on_their_audits_with_overdue_marked(world, as_user):
    with clock.frozen_at(datetime(2026, 10, 1, 9)):
        audit = month_sampled_by(world.qa_lead, "2026-10")[0]
    page = as_user(audit.auditor_a).get("/").get_data(as_text=True)
    assert "Audits to do" in page and audit.case.reference in page
    assert "15 October 2026" in page and "Overdue" in page


def test_moderator_queue_and_moderation_due_date(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    with clock.frozen_at(datetime(2026, 11, 2, 9)):
        as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
        as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(3))
    assert str(reload(audit).moderation_due) == "2026-11-09"  # 5 working days
    page = as_user(audit.moderator).get("/").get_data(as_text=True)
    assert "Moderation queue" in page and f"Case {audit.case.reference}" in page and "Overdue" in page


def test_qa_lead_lands_on_the_cycle_overview(world, as_user):
    audits = month_sampled_by(world.qa_lead, per_team=2)
    as_user(audits[0].auditor_a).post(f"/audits/{audits[0].id}/review/A", data=review_data(3, submit=False))
    page = as_user(world.qa_lead).get("/").get_data(as_text=True)
    assert "2026-11" in page
    assert '<dt class="govuk-summary-list__key">Sampled</dt>\n    <dd class="govuk-summary-list__value">6</dd>' in page
    assert ('<dt class="govuk-summary-list__key">Audits in progress</dt>\n'
            '    <dd class="govuk-summary-list__value">1</dd>' in page)


def test_home_page_query_count_does_not_grow_with_the_sample(world, as_user):
    month_sampled_by(world.qa_lead, per_team=1)
    with count_queries() as small:
        as_user(world.qa_lead).get("/")
    empty_database()
    bigger = build_world(cases_per_team=10)
    month_sampled_by(bigger.qa_lead, per_team=8)
    with count_queries() as large:
        as_user(bigger.qa_lead).get("/")
    assert len(large) == len(small)


ROUTES = ["/", "/cycles", "/cycles/new", "/cycles/2026-11", "/cycles/1999-01", "/cases", "/cases?page=abc",
          "/cases?page=-4", "/people/", "/people/new", "/people/99999", "/people/teams", "/people/teams/999",
          "/people/activity", "/people/activity?page=x", "/grade-descriptors",
          "/accessibility", "/audits/{id}", "/audits/{id}/review/A", "/audits/{id}/review/B", "/audits/{id}/review/Z",
          "/audits/{id}/moderate", "/audits/{id}/reopen", "/audits/{id}/allocation", "/audits/{id}/withdraw",
          "/audits/{id}/withdrawal", "/audits/{id}/concerns/new", "/concerns/1/acknowledge", "/audits/99999",
          "/audits/abc", "/no-such-page", "/assets/../../etc/passwd", "/reports/", "/reports/agreement",
          "/reports/?month=2026-11&team=x", "/reports/?month=bad", "/reports/2026-11.xlsx", "/reports/2020-01.xlsx"]


def test_no_page_answers_500_for_anyone(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    people = [world.qa_lead, world.leader, audit.auditor_a, audit.auditor_b, audit.moderator]
    for person in people:
        client = as_user(person)
        for route in ROUTES:
            url = route.format(id=audit.id)
            for response in (client.get(url), client.post(url, data={"junk": "1", "voice_grade": "x"})):
                assert response.status_code < 500, (person.email, url, response.status_code)


def test_reports_before_any_month_say_so(world, as_user):
    page = as_user(world.leader).get("/reports/").get_data(as_text=True)
    assert "No month has been audited yet" in page


def test_an_unexpected_failure_gets_the_service_error_page(world, as_user, monkeypatch):
    def broken(user):
        raise RuntimeError("database went away")

    monkeypatch.setattr("auditapp.views.home.worklists.audits_to_do", broken)
    response = as_user(world.qa_lead).get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "database went away" not in page


def test_error_pages_use_the_service_layout(client):
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "Page not found" in page and "Accessibility statement" in page


@pytest.mark.parametrize("url", ["/grade-descriptors"])
def test_descriptors_page_shows_every_domain_and_the_date_published(url, world, as_user, app):
    page = as_user(world.leader).get(url).get_data(as_text=True)
    for descriptor in app.config["DESCRIPTORS"].values():
        assert descriptor.name in page
        for lines in descriptor.indicators.values():
            assert 3 <= len(lines) <= 5
    # The version as people know it: the day it was published, not "voice 2026.1; plan 2026.1".
    assert "Version 1, published 22 November 2026" in page
    assert app.config["DESCRIPTOR_VERSION"] not in page and "2026.1" not in page


def test_the_leadership_readers_start_page_shows_the_latest_month_and_the_trend(world, as_user):
    with clock.frozen_at(datetime(2026, 10, 1, 9)):
        month_sampled_by(world.qa_lead, "2026-10")
    page = as_user(world.leader).get("/").get_data(as_text=True)
    assert "October 2026 at a glance" in page and "Cases sampled</dt><dd class=\"govuk-summary-list__value\">3" in page
    assert "Good or better overall, month by month" in page
