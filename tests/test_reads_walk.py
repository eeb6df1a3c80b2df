"""The record of reads covers every page that shows a case's audit work, walked over the URL map:
each GET page is either one that shows audits (and must write a read) or is named here as one
that shows none, so a new page cannot escape the record."""

from builders import sign_in
from sqlalchemy import func, select
from test_query_counts import NOT_DATA_PAGES, build_history, pages

from auditapp.extensions import db
from auditapp.models import ReadRecord
from auditapp.remembered import forget_all as forget_remembered_figures

# Pages with no case's audit work on them: people, settings, counts and figures, forms to start things.
SHOWS_NO_AUDIT = {
    "home.index", "home.work_list", "home.work_list#actions", "descriptors.index", "descriptors.versions",
    "descriptors.version", "descriptors.draft", "descriptors.domain", "descriptors.publish", "admin.people",
    "admin.person",
    "admin.teams", "admin.team", "admin.closure_days", "admin.activity", "admin.reads", "cases.index",
    "cases.import_progress", "cases.import_status", "cases.past_audits", "cases.past_audits_template",
    "cycles.index", "cycles.new", "cycles.cancel", "feed.tokens",
    "reports.dashboard", "reports.agreement", "findings.all_actions", "findings.team_actions", "themes.index",
    "targeted.index", "targeted.new", "targeted.change", "targeted.summary", "board.target_list", "board.commentary",
    # Calibration's forms and lists: no audit of a case (its pages showing a reference case note their reads).
    "calibration.index", "calibration.new", "calibration.agree", "calibration.open_it", "calibration.grade",
    "calibration.rule",
    "learning.index", "learning.new", "learning.edit", "learning.close", "learning.new_activity",
    "learning.new_response",
    "documents.index",  # the list of downloads: each download notes its own read
    # Audit types: forms and questions, about no case.
    "audit_types.index", "audit_types.new", "audit_types.show", "audit_types.versions", "audit_types.version",
    "audit_types.draft", "audit_types.publish", "audit_types.retire",
    "type_reports.index",  # the list of audit types (each summary notes its own read)

}


def test_every_page_that_shows_audit_work_records_the_read(app):
    listed = pages(build_history(1))
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods} - NOT_DATA_PAGES
    unclassified = {e for e in listed if e not in SHOWS_NO_AUDIT} | (routes - set(listed) - SHOWS_NO_AUDIT)
    missed = []
    for endpoint, requests in listed.items():
        if endpoint in SHOWS_NO_AUDIT:
            continue
        unclassified.discard(endpoint)
        for user, url in requests:
            client = sign_in(app.test_client(), user)
            forget_remembered_figures()
            before = db.session.scalar(select(func.count(ReadRecord.id)))
            assert client.get(url).status_code == 200, url
            db.session.rollback()
            if db.session.scalar(select(func.count(ReadRecord.id))) == before:
                missed.append(f"{endpoint}: {url}")
    assert unclassified == set()
    assert missed == []
