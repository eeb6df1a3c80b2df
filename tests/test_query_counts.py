"""No page's statement count grows with the data: every page is requested over a small history and
over one several times larger, with the same shape, and must issue exactly as many statements."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from builders import build_world, count_queries, empty_database, months_of_work, proposed_action, sign_in
from sqlalchemy import select

from auditapp.extensions import db
from auditapp.findings.themes import add_theme
from auditapp.models import Action, Audit, Concern, ImportJob, PractitionerReply, ThemeTag
from auditapp.month import targeted
from auditapp.permissions import SYSTEM
from auditapp.remembered import forget_all as forget_remembered_figures

# Routes that read no data of the service's own, so have nothing to grow with.
NOT_DATA_PAGES = {"static", "assets.asset", "assets.frontend_js", "assets.app_js", "auth.sign_in",
                  "auth.council_sign_in", "auth.council_callback",
                  "home.accessibility", "health.live", "health.ready", "health.metrics_page"}


@dataclass
class History:
    world: object
    current: list  # the current month's audits: moderated, ready, draft, not started, ..., withdrawal, concern
    import_job: int = 0
    theme: int = 0
    targeted: int = 0

    @property
    def moderated(self):
        return self.current[0]

    @property
    def ready(self):
        return self.current[1]

    @property
    def draft(self):
        return self.current[2]


def build_history(scale: int) -> History:
    world = build_world(cases_per_team=10 * scale)
    past = [f"2026-{m:02d}" for m in range(11 - 2 * scale, 11)]
    current = months_of_work(past, "2026-11", per_team=2 * scale, senior=world.seniors[0])
    job = ImportJob(filename="cases.xlsx", created_by_id=world.qa_lead.id, created_at=datetime(2026, 11, 2),
                    status="failed", rows_done=10 * scale, problems="Row 2: team is missing", problem_count=1)
    db.session.add(job)
    theme = add_theme(world.qa_lead, "Fathers")
    # Actions, theme tags and disputed replies on every signed-off audit: they grow with the data.
    for audit_id, owner_id in db.session.execute(select(Audit.id, Audit.auditor_a_id)
                                                 .where(Audit.signed_off_at.is_not(None))).all():
        for status in ("open", "closed"):
            db.session.add(Action(audit_id=audit_id, proposed_role="M", proposed_by_id=owner_id, owner_id=owner_id,
                                  proposed_at=datetime(2026, 11, 1), description="Update the plan",
                                  due=datetime(2026, 11, 20).date(), priority="urgent", status=status,
                                  theme_id=theme.id,
                                  verified_at=datetime(2026, 11, 21) if status == "closed" else None))
        db.session.add(ThemeTag(audit_id=audit_id, theme_id=theme.id, role="M", kind="worry"))
        db.session.add(PractitionerReply(audit_id=audit_id, held=True, disputes=True, dispute_details="Plan grade",
                                         recorded_by_id=owner_id, recorded_at=datetime(2026, 11, 2)))
    proposed_action(current[2], "A", current[2].auditor_a)
    # The audit ready for moderation has a complete moderation, saved, not signed off: its check page.
    from builders import in_full

    from auditapp.audits.moderation import ModerationEntry, save_moderation
    from auditapp.grading import JUDGEMENTS
    ready = in_full(current[1])
    entry = ModerationEntry(key_issues_a="yes", key_issues_b="yes", feedback_a="Good", feedback_b="Good")
    entry.grades, entry.rationales = dict.fromkeys(JUDGEMENTS, 2), dict.fromkeys(JUDGEMENTS, "Reason")
    save_moderation(ready.moderator, ready, entry)
    # A targeted audit of a tenth of the cases: its pages too must not grow with it.
    theme_audit = targeted.start(SYSTEM, "Private fostering", ["plan", "assessment"], "Assessed in time?")
    targeted.add_cases(SYSTEM, theme_audit, [c.reference for c in world.cases[::10]],
                       confirmed=True)
    # The draft's auditor A owns an open action and has one of their team's to verify, at both sizes.
    draft_owner, colleague = current[2].auditor_a_id, current[2].auditor_b_id
    for owner_id, status in ((draft_owner, "open"), (colleague, "done")):
        db.session.add(Action(audit_id=current[2].id, proposed_role="M", proposed_by_id=owner_id, owner_id=owner_id,
                              proposed_at=datetime(2026, 11, 1), description="Visit the child",
                              due=datetime(2026, 11, 20).date(), priority="urgent", status=status))
    db.session.commit()
    return History(world, current, job.id, theme.id, theme_audit.id)


def pages(h: History) -> dict[str, tuple]:
    """endpoint -> (who asks, URL). Every GET page of the app is here; a test checks that."""
    w, concern_audit = h.world, h.current[-1]
    concern_id = db.session.scalar(select(Concern.id).where(Concern.audit_id == concern_audit.id))
    proposal = db.session.scalar(select(Action.id).where(Action.status == "proposed"))
    an_action = db.session.scalar(select(Action.id).where(Action.status == "open").limit(1))
    return {
        "home.index": [(w.qa_lead, "/"), (h.draft.auditor_a, "/"), (h.ready.moderator, "/"), (w.leader, "/")],
        "home.work_list": [(h.draft.auditor_a, "/my/to-do"), (h.ready.moderator, "/my/moderation")],
        "home.descriptors": [(w.leader, "/grade-descriptors")],
        "admin.people": [(w.qa_lead, "/people/"), (w.qa_lead, "/people/?q=manager"),
                         (w.qa_lead, "/people/?sort=team&order=descending")],
        "admin.person": [(w.qa_lead, f"/people/{h.draft.auditor_b_id}"), (w.qa_lead, "/people/new")],
        "admin.teams": [(w.qa_lead, "/people/teams")],
        "admin.closure_days": [(w.qa_lead, "/people/closure-days")],
        "admin.team": [(w.qa_lead, f"/people/teams/{w.qa_lead.team_id}")],
        "admin.activity": [(w.qa_lead, "/people/activity"),
                           (w.qa_lead, f"/people/activity?person={w.qa_lead.id}&kind=Month+opened&since=1/10/2026")],
        "admin.reads": [(w.qa_lead, "/people/reads"), (w.qa_lead, f"/people/reads?q={h.draft.case.reference}")],
        "cases.index": [(w.qa_lead, "/cases"), (w.qa_lead, "/cases?q=C0"), (w.qa_lead, "/cases?sort=manager&page=2")],
        "cases.import_progress": [(w.qa_lead, f"/cases/imports/{h.import_job}")],
        "cases.import_status": [(w.qa_lead, f"/cases/imports/{h.import_job}.json")],
        "cycles.index": [(w.qa_lead, "/cycles")],
        "cycles.new": [(w.qa_lead, "/cycles/new")],
        "cycles.cancel": [(w.qa_lead, "/cycles/2026-11/cancel")],
        "cycles.show": [(w.qa_lead, "/cycles/2026-11"), (w.qa_lead, "/cycles/2026-11?sort=auditor-b&order=descending")],
        "cycles.allocation_download": [(w.qa_lead, "/cycles/2026-11/allocation.csv")],
        "cycles.allocation": [(w.qa_lead, f"/audits/{h.draft.id}/allocation")],
        "cycles.withdraw": [(w.seniors[0], f"/audits/{h.draft.id}/withdraw")],
        "cycles.decide": [(w.seniors[1], f"/audits/{h.current[-2].id}/withdrawal")],
        "audits.show": [(w.qa_lead, f"/audits/{h.moderated.id}"), (h.draft.auditor_a, f"/audits/{h.draft.id}")],
        "audits.review": [(h.draft.auditor_a, f"/audits/{h.draft.id}/review/A")],
        "checks.review": [(h.draft.auditor_a, f"/audits/{h.draft.id}/review/A/check")],
        "audits.new_concern": [(h.draft.auditor_a, f"/audits/{h.draft.id}/concerns/new")],
        "audits.acknowledge": [(concern_audit.moderator, f"/concerns/{concern_id}/acknowledge")],
        "moderation.moderate": [(h.ready.moderator, f"/audits/{h.ready.id}/moderate")],
        "checks.sign_off_check": [(h.ready.moderator, f"/audits/{h.ready.id}/moderate/check")],
        "moderation.reopen_audit": [(w.qa_lead, f"/audits/{h.moderated.id}/reopen")],
        "reports.dashboard": [(w.leader, "/reports/"), (w.leader, "/reports/?period=12"),
                              (w.leader, "/reports/?team=Early+Help&case_type=Child+in+need")],
        "reports.agreement": [(w.leader, "/reports/agreement")],
        "reports.audits_behind": [(w.qa_lead, "/reports/audits?which=moderated&month=2026-11")],
        "reports.workbook": [(w.qa_lead, "/reports/2026-11.xlsx")],
        "reports.all_audits": [(w.qa_lead, "/reports/all-audits.xlsx")],
        "findings.propose": [(h.draft.auditor_a, f"/audits/{h.draft.id}/actions/new")],
        "findings.edit": [(h.draft.auditor_a, f"/actions/{proposal}/edit")],
        "findings.remove": [(h.draft.auditor_a, f"/actions/{proposal}/remove")],
        "findings.action": [(w.qa_lead, f"/actions/{an_action}")],
        "findings.all_actions": [(w.qa_lead, "/actions"), (w.qa_lead, "/actions?overdue=1&status=open"),
                                 (w.qa_lead, "/actions?sort=owner&order=descending&month=2026-11")],
        "findings.team_actions": [(h.moderated.auditor_a, "/actions/team")],
        "home.work_list#actions": [(h.moderated.auditor_a, "/my/actions")],
        "themes.index": [(w.qa_lead, "/themes")],
        "themes.tag": [(h.draft.auditor_a, f"/audits/{h.draft.id}/themes/A")],
        "themes.audits_behind": [(w.qa_lead, f"/reports/themes/{h.theme}/worry/2026-11?period=12")],
        "replies.reply": [(h.moderated.auditor_a, f"/audits/{h.moderated.id}/reply")],
        "replies.respond": [(h.moderated.moderator, f"/audits/{h.moderated.id}/reply/response")],
        "replies.reaudit_list": [(w.qa_lead, "/reaudits")],
        "families.contact": [(h.draft.auditor_b, f"/audits/{h.draft.id}/family")],
        "families.feedback": [(h.draft.auditor_b, f"/audits/{h.draft.id}/family/feedback")],
        "targeted.index": [(w.qa_lead, "/targeted/")],
        "targeted.new": [(w.qa_lead, "/targeted/new")],
        "targeted.show": [(w.qa_lead, f"/targeted/{h.targeted}"), (w.qa_lead, f"/targeted/{h.targeted}?q=C")],
        "targeted.change": [(w.qa_lead, f"/targeted/{h.targeted}/change")],
        "targeted.summary": [(w.leader, f"/targeted/{h.targeted}/summary")],
        "targeted.workbook": [(w.leader, f"/targeted/{h.targeted}.xlsx")],
    }


def statement_counts(app, h: History) -> dict[str, int]:
    counts = {}
    for endpoint, requests in pages(h).items():
        for number, (user, url) in enumerate(requests, 1):
            client = sign_in(app.test_client(), user)
            forget_remembered_figures()  # each page as its first reader sees it: nothing remembered
            with count_queries() as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            counts[f"{endpoint} #{number}"] = len(statements)
    return counts


@pytest.mark.slow
def test_no_page_issues_more_statements_as_the_data_grows(app):
    small = statement_counts(app, build_history(1))
    empty_database()
    large = statement_counts(app, build_history(3))
    grew = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert grew == {}, f"statements (small, large) per page: {grew}"
    # 29: the leadership start page also counts what is overdue from every month (one grouped statement);
    # its two remembered figures each cost their first reader a look-up in the shared store and a write
    # to it (issue 22), and the figures' version is read once for both.
    assert max(small.values()) <= 29, small


def test_every_page_is_in_the_statement_count_test(app, world):
    listed = set(pages(History(world, [_Stub()] * 6)))
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes - NOT_DATA_PAGES - listed == set()


class _Stub:
    id = auditor_b_id = 0

    def __getattr__(self, name):
        return _Stub()
