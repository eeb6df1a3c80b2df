"""Access, proven for every route: deny by default, and an authorisation matrix kept as data.

Every route and method is requested by ten people: nobody signed in, auditor A and auditor B of
the audit in the URL, an auditor of another audit, a team manager of another team, the audit's
moderator, another senior manager, the QA lead, a leadership reader and a deactivated QA lead.
A route missing from the matrix fails the suite; so does any status other than the one expected.

Decision (README, "Who may see what"): every senior manager may read every audit, as may the QA
lead; auditors only their own; leadership readers only the reports. Blind review holds for all of
them: nobody but its author sees a review before both auditors have submitted.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from builders import (
    calibration_exercise,
    closed_calibration,
    confirmed_action,
    draft_review,
    in_full,
    person,
    proposed_action,
    ready_for_moderation,
    sampled_month,
    sign_in,
    signed_off_audit,
    waiting_for_review,
)
from flask import Flask
from sqlalchemy import select

from auditapp import create_app
from auditapp.extensions import db
from auditapp.findings import replies
from auditapp.findings.themes import add_theme
from auditapp.framework import audit_types, descriptors
from auditapp.learning.priorities import PriorityEntry, raise_priority
from auditapp.models import (
    Absence,
    Action,
    Audit,
    AuditType,
    CalibrationExercise,
    Concern,
    Cycle,
    ImportJob,
    Priority,
    Theme,
    User,
)
from auditapp.models.loading import PERSON_ROW
from auditapp.month import targeted
from auditapp.month.sampling import request_withdrawal
from auditapp.permissions import SYSTEM
from auditapp.security.access import PUBLIC, rule_for
from auditapp.security.people import add_absence, save_user

PERSONAS = ["anonymous", "auditor_a", "auditor_b", "other_auditor", "other_team_manager", "moderator",
            "other_senior", "qa_lead", "leader", "deactivated"]
SIGN_IN = "to sign-in"  # 302 to the sign-in page
SIGNED_OUT = {"anonymous", "deactivated"}
INVOLVED = {"auditor_a", "auditor_b", "moderator"}
READ_EVERY_AUDIT = {"qa_lead", "moderator", "other_senior"}  # the QA lead and every senior manager


def expect(default, **given) -> dict:
    """Each persona's expected status: `default` for the signed-in, sign-in for the signed-out."""
    return {p: given.get(p, SIGN_IN if p in SIGNED_OUT else default) for p in PERSONAS}


def only(status, people: set[str], others=403) -> dict:
    return expect(others, **{p: status for p in people})


def audit_page(allowed: set[str], status=200, viewer_refused=403) -> dict:
    """A page about one audit: 404 to anyone who may not see the audit at all (so an id reveals
    nothing), `viewer_refused` to those who may see it but not do this, `status` to `allowed`."""
    statuses = {p: viewer_refused for p in INVOLVED | READ_EVERY_AUDIT} | {p: status for p in allowed}
    return expect(404, **statuses)


ANYONE = only(200, set(PERSONAS) - SIGNED_OUT)
PUBLIC_PAGE = {p: 200 for p in PERSONAS}
QA_LEAD = only(200, {"qa_lead"})
REPORT_READERS = only(200, {"qa_lead", "moderator", "other_senior", "leader"})
REQUESTERS = only(200, {"qa_lead", "moderator", "other_senior"})  # withdrawal: QA lead or a senior manager
CALIBRATION_READERS = expect(404, auditor_a=200, auditor_b=200, moderator=200, other_senior=200, qa_lead=200)
RAISERS = REQUESTERS  # practice priorities: raised and kept up to date by the QA lead and senior managers


@dataclass
class Scene:
    draft: Audit          # auditor A has saved a draft
    ready: Audit          # both submitted: ready for moderation
    signed_off: Audit
    withdrawing: Audit    # the QA lead asked for it to be withdrawn
    concern: Concern
    concerning: Audit     # the concern's audit
    proposal: Action      # auditor A's proposed action on the draft: blind
    action: Action        # an open action on the ready audit, owned by its auditor A
    theme: Theme
    absence: Absence      # a period away for auditor B of the draft
    targeted: Cycle       # a targeted audit with no cases yet
    job: ImportJob
    waiting: ImportJob    # an import asking the QA lead to match its columns
    # Calibration, all with the draft's auditors A and B taking part and its moderator on the panel:
    exercise: CalibrationExercise          # open, with an uploaded case summary
    draft_exercise: CalibrationExercise    # not yet open, nothing agreed
    closed_exercise: CalibrationExercise   # closed: auditor A submitted, auditor B did not
    priority: Priority
    audit_type: AuditType  # published (a ready type), with a draft of its next version
    new_type: AuditType    # created, never published: known only to its editors
    single: Audit          # a supervision-record audit submitted by auditor B, waiting for its senior manager
    month: str = "2026-11"


# (method, URL, the audit whose people the personas are, expected statuses)
def matrix(s: Scene) -> list[tuple[str, str, Audit, dict]]:
    d, m, p, t = s.draft, s.month, s.priority.id, s.audit_type.id
    return [
        ("GET", "/sign-in", d, {p: 200 if p in SIGNED_OUT else 302 for p in PERSONAS}),
        ("POST", "/sign-in", d, {p: 200 if p in SIGNED_OUT else 302 for p in PERSONAS}),
        ("POST", "/sign-out", d, expect(SIGN_IN)),
        # Council single sign-on is off in these tests (no issuer): see test_single_sign_on.py.
        ("GET", "/sign-in/council", d, {p: 404 for p in PERSONAS}),
        ("GET", "/sign-in/council/callback", d, {p: 404 for p in PERSONAS}),
        ("POST", "/session/keep-alive", d, expect(204)),
        ("GET", "/health", d, PUBLIC_PAGE),
        ("GET", "/health/live", d, PUBLIC_PAGE),
        ("GET", "/health/ready", d, PUBLIC_PAGE),
        ("GET", "/metrics", d, {p: 404 for p in PERSONAS}),  # answers only the monitoring's token
        ("GET", "/accessibility", d, PUBLIC_PAGE),
        ("GET", "/assets/images/favicon.svg", d, PUBLIC_PAGE),
        ("GET", "/assets/js/govuk-frontend.min.js", d, PUBLIC_PAGE),
        ("GET", "/assets/js/app.js", d, PUBLIC_PAGE),
        ("GET", "/static/app.css", d, PUBLIC_PAGE),
        ("GET", "/", d, ANYONE),
        ("GET", "/my/to-do", d, ANYONE),
        ("GET", "/grade-descriptors", d, ANYONE),
        ("GET", "/grade-descriptors/versions", d, ANYONE),
        ("GET", "/grade-descriptors/versions/1", d, ANYONE),
        # The draft of the next version: the QA lead's and the practice leads' (tests/test_descriptors.py).
        ("GET", "/grade-descriptors/draft", d, QA_LEAD),
        ("POST", "/grade-descriptors/draft", d, only(302, {"qa_lead"})),  # the draft started already
        ("GET", "/grade-descriptors/draft/voice", d, QA_LEAD),
        ("POST", "/grade-descriptors/draft/voice", d, QA_LEAD),  # an empty post is refused at its fields
        ("GET", "/grade-descriptors/draft/publish", d, QA_LEAD),
        ("POST", "/grade-descriptors/draft/publish", d, QA_LEAD),
        ("POST", "/grade-descriptors/draft/discard", d, only(302, {"qa_lead"})),  # without its version: kept
        # Audit types: published versions for everyone; drafts, new types and retiring for editors
        # (the QA lead and practice leads: tests/test_audit_types.py). A type never published is
        # known only to them; the built-in monthly audit has no draft.
        # A single audit's review by its senior manager: the draft is a monthly audit, so there is none;
        # the supervision-record audit waits for its senior manager (personas: its own people).
        ("GET", f"/audits/{d.id}/single-review", d, audit_page({"moderator"}, status=302)),
        ("GET", f"/audits/{s.single.id}/single-review", s.single, audit_page({"moderator"})),
        ("POST", f"/audits/{s.single.id}/single-review", s.single, audit_page({"moderator"})),  # no decision
        ("GET", "/audit-types", d, ANYONE),
        ("GET", "/audit-types/new", d, QA_LEAD), ("POST", "/audit-types/new", d, QA_LEAD),
        ("GET", f"/audit-types/{t}", d, ANYONE),
        ("GET", f"/audit-types/{s.new_type.id}", d, expect(404, qa_lead=200)),
        ("GET", f"/audit-types/{t}/versions", d, ANYONE),
        ("GET", f"/audit-types/{t}/versions/1", d, ANYONE),
        ("POST", f"/audit-types/{t}/draft/start", d, only(302, {"qa_lead"})),  # the draft started already
        ("GET", f"/audit-types/{t}/draft", d, QA_LEAD),
        ("POST", f"/audit-types/{t}/draft", d, only(302, {"qa_lead"})),  # an empty post saves nothing
        ("GET", f"/audit-types/{t}/draft/publish", d, QA_LEAD),
        ("POST", f"/audit-types/{t}/draft/publish", d, QA_LEAD),
        ("POST", f"/audit-types/{t}/draft/discard", d, only(302, {"qa_lead"})),  # without its version: kept
        ("GET", f"/audit-types/{t}/retire", d, QA_LEAD),
        ("POST", f"/audit-types/{t}/retire", d, QA_LEAD),  # without its version: nothing retired
        # People, teams and the logs: the QA lead's alone.
        ("GET", "/people/", d, QA_LEAD), ("POST", "/people/", d, QA_LEAD),
        ("GET", "/people/new", d, QA_LEAD), ("POST", "/people/new", d, QA_LEAD),
        ("GET", f"/people/{d.auditor_b_id}", d, QA_LEAD), ("POST", f"/people/{d.auditor_b_id}", d, QA_LEAD),
        ("GET", "/people/teams", d, QA_LEAD), ("POST", "/people/teams", d, QA_LEAD),
        ("GET", f"/people/teams/{d.case.team_id}", d, QA_LEAD), ("POST", f"/people/teams/{d.case.team_id}", d, QA_LEAD),
        ("GET", "/people/activity", d, QA_LEAD),
        ("GET", "/people/closure-days", d, QA_LEAD), ("POST", "/people/closure-days", d, QA_LEAD),
        ("POST", "/people/closure-days/99999/remove", d, only(404, {"qa_lead"})),
        ("GET", "/people/feed-tokens", d, QA_LEAD), ("POST", "/people/feed-tokens", d, QA_LEAD),
        ("POST", "/people/feed-tokens/99999/revoke", d, only(404, {"qa_lead"})),
        # The dashboard feed answers a feed token only: a session, even the QA lead's, gets 401.
        ("GET", "/feed/domains.csv", d, {p: 401 for p in PERSONAS}),
        ("POST", f"/people/{d.auditor_b_id}/absences", d, QA_LEAD),
        ("POST", f"/people/{d.auditor_b_id}/absences/{s.absence.id}/remove", d, only(302, {"qa_lead"})),
        ("GET", "/people/reads", d, QA_LEAD),
        # The register and the monthly cycle: the QA lead's.
        ("GET", "/cases", d, QA_LEAD), ("POST", "/cases", d, QA_LEAD),
        ("GET", f"/cases/imports/{s.job.id}", d, QA_LEAD),
        ("GET", f"/cases/imports/{s.job.id}.json", d, QA_LEAD),
        ("POST", f"/cases/imports/{s.job.id}", d, only(302, {"qa_lead"})),  # done: nothing to answer
        ("GET", "/cases/past-audits", d, QA_LEAD), ("POST", "/cases/past-audits", d, QA_LEAD),
        ("GET", "/cases/past-audits/template.xlsx", d, QA_LEAD),
        ("GET", f"/cases/imports/{s.waiting.id}", d, QA_LEAD), ("POST", f"/cases/imports/{s.waiting.id}", d, QA_LEAD),
        ("GET", "/cycles", d, QA_LEAD),
        ("GET", "/cycles/new", d, QA_LEAD), ("POST", "/cycles/new", d, QA_LEAD),
        ("GET", f"/cycles/{m}", d, QA_LEAD), ("POST", f"/cycles/{m}", d, QA_LEAD),
        ("GET", f"/cycles/{m}/cancel", d, QA_LEAD), ("POST", f"/cycles/{m}/cancel", d, QA_LEAD),
        ("GET", f"/cycles/{m}/allocation.csv", d, QA_LEAD),
        ("GET", f"/audits/{d.id}/allocation", d, QA_LEAD),
        ("POST", f"/audits/{d.id}/allocation", d, only(302, {"qa_lead"})),
        # Withdrawals: asked by the QA lead or a senior manager; decided by a different senior manager.
        ("GET", f"/audits/{d.id}/withdraw", d, REQUESTERS), ("POST", f"/audits/{d.id}/withdraw", d, REQUESTERS),
        ("GET", f"/audits/{s.withdrawing.id}/withdrawal", s.withdrawing,
         audit_page({"moderator", "other_senior"})),
        ("POST", f"/audits/{s.withdrawing.id}/withdrawal", s.withdrawing,
         audit_page({"moderator", "other_senior"})),
        # One audit: its people, the QA lead and senior managers see it; only auditor A writes review A.
        ("GET", f"/audits/{d.id}", d, audit_page(INVOLVED | READ_EVERY_AUDIT)),
        ("GET", f"/audits/{d.id}/record.pdf", d, audit_page(INVOLVED | READ_EVERY_AUDIT)),
        ("GET", f"/audits/{d.id}/review/A", d, audit_page({"auditor_a"}, viewer_refused=404)),
        # An empty post saves nothing and goes back to the form with a message.
        ("POST", f"/audits/{d.id}/review/A", d, audit_page({"auditor_a"}, status=302, viewer_refused=404)),
        ("GET", f"/audits/{d.id}/review/B", d, audit_page({"auditor_b"}, viewer_refused=404)),
        ("POST", f"/audits/{d.id}/review/B", d, audit_page({"auditor_b"}, status=302, viewer_refused=404)),
        # Check your answers: A's draft is complete, so A may check it; posting to check an audit
        # not yet started sends its auditor A back to the form (and submits nothing).
        ("GET", f"/audits/{d.id}/review/A/check", d, audit_page({"auditor_a"}, viewer_refused=404)),
        ("POST", f"/audits/{s.concerning.id}/review/A/check", s.concerning,
         audit_page({"auditor_a"}, status=302, viewer_refused=404)),
        ("GET", f"/audits/{d.id}/concerns/new", d, audit_page(INVOLVED)),
        ("POST", f"/audits/{d.id}/concerns/new", d, audit_page(INVOLVED)),
        ("GET", f"/concerns/{s.concern.id}/acknowledge", s.concerning, audit_page({"moderator", "qa_lead"})),
        ("POST", f"/concerns/{s.concern.id}/acknowledge", s.concerning, audit_page({"moderator", "qa_lead"})),
        ("GET", f"/audits/{s.ready.id}/moderate", s.ready, audit_page({"moderator"})),
        ("POST", f"/audits/{s.ready.id}/moderate", s.ready, audit_page({"moderator"}, status=302)),
        ("GET", f"/audits/{s.ready.id}/moderate/check", s.ready, audit_page({"moderator"}, status=302)),
        ("POST", f"/audits/{s.ready.id}/moderate/check", s.ready, audit_page({"moderator"}, status=302)),
        # Moderating an audit still in draft is refused even to its moderator.
        ("GET", f"/audits/{d.id}/moderate", d, audit_page(set())),
        ("GET", f"/audits/{s.signed_off.id}/reopen", s.signed_off, QA_LEAD),
        ("POST", f"/audits/{s.signed_off.id}/reopen", s.signed_off, QA_LEAD),
        # Reports: the QA lead, senior managers and leadership; the full history: the QA lead.
        ("GET", "/reports/", d, REPORT_READERS),
        ("GET", "/reports/agreement", d, REPORT_READERS),
        ("GET", f"/reports/{m}.xlsx", d, REPORT_READERS),
        ("GET", f"/reports/{m}.pdf", d, REPORT_READERS),
        ("GET", "/reports/all-audits.xlsx", d, QA_LEAD),
        ("GET", f"/reports/audits?which=sampled&month={m}", d, REPORT_READERS),
        # The board's pack: the QA lead sets targets and writes the commentary (senior managers only
        # once the QA lead allows it for the month: not in this scene).
        ("GET", "/reports/targets", d, QA_LEAD), ("POST", "/reports/targets", d, QA_LEAD),
        ("GET", f"/reports/{m}/commentary", d, QA_LEAD),
        ("POST", f"/reports/{m}/commentary", d, only(302, {"qa_lead"})),
        # Actions: auditors propose while their audit is open; a proposal is blind, even to the moderator.
        ("GET", f"/audits/{d.id}/actions/new", d, audit_page({"auditor_a", "auditor_b"})),
        ("POST", f"/audits/{d.id}/actions/new", d, audit_page({"auditor_a", "auditor_b"})),
        ("GET", f"/actions/{s.proposal.id}/edit", d, audit_page({"auditor_a"}, viewer_refused=404)),
        ("POST", f"/actions/{s.proposal.id}/edit", d, audit_page({"auditor_a"}, viewer_refused=404)),
        ("GET", f"/actions/{s.proposal.id}/remove", d, audit_page({"auditor_a"}, viewer_refused=404)),
        ("POST", f"/actions/{s.proposal.id}/remove", d, audit_page({"auditor_a"}, viewer_refused=404)),
        ("GET", f"/audits/{s.ready.id}/actions/new", s.ready, audit_page({"moderator"})),
        ("GET", f"/actions/{s.action.id}/edit", s.ready, audit_page({"moderator"})),
        # An open action: its owner (auditor A here) and everyone who may read the audit see it;
        # nobody may verify it before it is done.
        ("GET", f"/actions/{s.action.id}", s.ready, audit_page(INVOLVED | READ_EVERY_AUDIT)),
        ("POST", f"/actions/{s.action.id}", s.ready, audit_page(set())),
        ("GET", "/actions", d, only(200, {"qa_lead", "moderator", "other_senior"})),
        ("GET", "/actions/team", d, only(200, {"auditor_a", "auditor_b", "other_auditor", "other_team_manager"})),
        # Themes: the QA lead's list; each auditor tags their own audit, the moderator while moderating.
        ("GET", "/themes", d, QA_LEAD), ("POST", "/themes", d, QA_LEAD),
        ("POST", f"/themes/{s.theme.id}/retire", d, only(302, {"qa_lead"})),
        # The other auditor may not learn that this part of the audit exists: 404, never 403.
        ("GET", f"/audits/{d.id}/themes/A", d, {**audit_page({"auditor_a"}), "auditor_b": 404}),
        ("POST", f"/audits/{d.id}/themes/A", d, {**audit_page({"auditor_a"}, status=302), "auditor_b": 404}),
        ("GET", f"/audits/{s.ready.id}/themes/M", s.ready, audit_page({"moderator"})),
        ("GET", f"/reports/themes/{s.theme.id}/worry/{m}", d, REPORT_READERS),
        # The practitioner's reply: auditor A after sign-off; a dispute: the moderator and the QA lead.
        ("GET", f"/audits/{s.signed_off.id}/reply", s.signed_off, audit_page({"auditor_a"})),
        ("POST", f"/audits/{s.signed_off.id}/reply", s.signed_off, audit_page({"auditor_a"})),
        ("GET", f"/audits/{s.signed_off.id}/reply/response", s.signed_off, audit_page({"moderator", "qa_lead"})),
        ("POST", f"/audits/{s.signed_off.id}/reply/response", s.signed_off, audit_page({"moderator", "qa_lead"})),
        ("GET", "/reaudits", d, only(200, {"qa_lead", "moderator", "other_senior"})),
        # The family-contact task: auditor B's, blind like the rest of their audit.
        ("GET", f"/audits/{d.id}/family", d, {**audit_page({"auditor_b"}), "auditor_a": 404}),
        ("POST", f"/audits/{d.id}/family", d, {**audit_page({"auditor_b"}), "auditor_a": 404}),
        ("GET", f"/audits/{d.id}/family/feedback", d, {**audit_page({"auditor_b"}), "auditor_a": 404}),
        ("POST", f"/audits/{d.id}/family/feedback", d, {**audit_page({"auditor_b"}), "auditor_a": 404}),
        # Targeted audits: run by the QA lead; their summaries read like the monthly reports.
        ("GET", "/targeted/", d, QA_LEAD),
        ("GET", "/targeted/new", d, QA_LEAD), ("POST", "/targeted/new", d, QA_LEAD),
        ("GET", f"/targeted/{s.targeted.id}", d, QA_LEAD), ("POST", f"/targeted/{s.targeted.id}", d, QA_LEAD),
        ("GET", f"/targeted/{s.targeted.id}/change", d, QA_LEAD),
        ("POST", f"/targeted/{s.targeted.id}/change", d, QA_LEAD),
        # Reports per audit type (issue 24): read like the monthly summary; a type never published has none.
        ("GET", "/reports/types/", d, REPORT_READERS),
        ("GET", f"/reports/types/{t}", d, REPORT_READERS),
        ("GET", f"/reports/types/{t}.xlsx", d, REPORT_READERS),
        ("GET", f"/reports/types/{s.new_type.id}", d, only(404, {"qa_lead", "moderator", "other_senior", "leader"})),
        ("GET", f"/targeted/{s.targeted.id}/summary", d, REPORT_READERS),
        ("GET", f"/targeted/{s.targeted.id}.xlsx", d, REPORT_READERS),
        # Calibration: 404 to whoever is neither on it nor reads every audit; the panel's work is the
        # panel's; a participant sees results only once they submitted and it closed.
        ("GET", "/calibration/", d, ANYONE),
        ("GET", "/calibration/new", d, QA_LEAD), ("POST", "/calibration/new", d, QA_LEAD),
        ("GET", f"/calibration/{s.exercise.id}", d, CALIBRATION_READERS),
        ("GET", f"/calibration/{s.exercise.id}/case-summary", d, CALIBRATION_READERS),
        ("GET", f"/calibration/{s.draft_exercise.id}/agreed", d, expect(404, moderator=200, qa_lead=200)),
        ("POST", f"/calibration/{s.draft_exercise.id}/agreed", d, expect(404, moderator=302, qa_lead=302)),
        ("GET", f"/calibration/{s.draft_exercise.id}/open", d, QA_LEAD),
        ("POST", f"/calibration/{s.draft_exercise.id}/open", d, QA_LEAD),  # refused: nothing agreed yet
        ("GET", f"/calibration/{s.exercise.id}/grade", d, expect(404, auditor_a=200, auditor_b=200)),
        ("POST", f"/calibration/{s.exercise.id}/grade", d, expect(404, auditor_a=302, auditor_b=302)),
        ("GET", f"/calibration/{s.closed_exercise.id}/results", d,
         expect(404, auditor_a=200, moderator=200, other_senior=200, qa_lead=200)),
        ("GET", f"/calibration/people/{d.auditor_a_id}", d, expect(404, auditor_a=200, qa_lead=200)),
        ("GET", "/calibration/rule", d, QA_LEAD), ("POST", "/calibration/rule", d, only(302, {"qa_lead"})),
        # Practice priorities read like the reports; the QA lead and senior managers raise and keep them.
        ("GET", "/priorities", d, REPORT_READERS),
        ("GET", "/priorities/new", d, RAISERS), ("POST", "/priorities/new", d, RAISERS),
        ("GET", f"/priorities/{p}", d, REPORT_READERS),
        ("GET", "/priorities/99999", d, only(404, {"qa_lead", "moderator", "other_senior", "leader"})),
        ("GET", f"/priorities/{p}/edit", d, RAISERS), ("POST", f"/priorities/{p}/edit", d, RAISERS),
        ("GET", f"/priorities/{p}/links", d, RAISERS), ("POST", f"/priorities/{p}/links", d, RAISERS),
        ("POST", f"/priorities/{p}/links/99999/remove", d, only(404, {"qa_lead", "moderator", "other_senior"})),
        ("GET", f"/priorities/{p}/activities/new", d, RAISERS),
        ("POST", f"/priorities/{p}/activities/new", d, RAISERS),
        ("POST", f"/priorities/{p}/targeted", d, only(302, {"qa_lead"})),  # targeted audits are the QA lead's
        ("GET", f"/priorities/{p}/close", d, RAISERS), ("POST", f"/priorities/{p}/close", d, RAISERS),
        ("GET", "/you-said-we-did", d, REPORT_READERS),
        ("GET", "/you-said-we-did/new", d, QA_LEAD), ("POST", "/you-said-we-did/new", d, QA_LEAD),
        # The quarterly report and the self-evaluation: the QA lead and senior managers; the
        # self-evaluation refuses (back to the page) until the QA lead has reviewed it, so the
        # review comes last here, after every download was refused.
        ("GET", "/documents/", d, RAISERS),
        ("GET", "/documents/quarterly/2026-27-Q3.docx", d, RAISERS),
        ("GET", "/documents/quarterly/2026-27-Q3.pdf", d, RAISERS),
        ("GET", "/documents/quarterly/2030-31-Q1.docx", d, only(404, {"qa_lead", "moderator", "other_senior"})),
        ("GET", "/documents/self-evaluation/2026-27.docx", d, only(302, {"qa_lead", "moderator", "other_senior"})),
        ("GET", "/documents/self-evaluation/2026-27.pdf", d, only(302, {"qa_lead", "moderator", "other_senior"})),
        ("GET", "/documents/self-evaluation/2026-27/draft.docx", d, QA_LEAD),
        ("POST", "/documents/self-evaluation/2026-27/review", d, only(302, {"qa_lead"})),
    ]


def build_scene(world) -> Scene:
    audits = sampled_month("2026-11", per_team=2)
    draft, ready, signed_off, withdrawing, concerning = audits[:5]
    draft_review(draft, "A")
    ready_for_moderation(ready)
    signed_off_audit(signed_off)
    request_withdrawal(world.qa_lead, withdrawing, "court", "Final hearing listed")
    from auditapp.audits.concerns import raise_concern
    concern = raise_concern(concerning.auditor_b, concerning, "Child left alone overnight")
    job = ImportJob(filename="cases.csv", created_by_id=world.qa_lead.id, created_at=draft.allocated_at,
                    status="done", rows_done=1, rows_total=1, added=1, updated=0, finished_at=draft.allocated_at)
    waiting = ImportJob(filename="annex-a.csv", content=b"Ref,Unit\n1,x\n", created_by_id=world.qa_lead.id,
                        created_at=draft.allocated_at, status="columns", rows_done=0,
                        questions='{"row": 1, "headers": ["Ref", "Unit"], "guesses": {}}')
    db.session.add_all([job, waiting])
    db.session.commit()
    proposal = proposed_action(draft, "A", draft.auditor_a)
    action = confirmed_action(ready, ready.auditor_a)
    theme = add_theme(world.qa_lead, "Fathers")
    replies.save_reply(signed_off.auditor_a, in_full(signed_off), replies.ReplyEntry(
        held=True, held_on=signed_off.allocated_at.date(), practitioner_view="Fair", disputes=True,
        dispute_details="The plan grade"), 0)
    absence = add_absence(SYSTEM, draft.auditor_b, date(2026, 12, 1), date(2026, 12, 5), "Leave")
    theme_audit = targeted.start(SYSTEM, "Private fostering", ["plan"], "")
    descriptors.start_draft(SYSTEM)
    audit_types.ensure_shipped(SYSTEM)
    audit_type = db.session.scalars(select(AuditType).where(AuditType.name == "Supervision-record audit")).one()
    audit_types.start_draft(SYSTEM, audit_type)
    new_type = audit_types.create(SYSTEM, "Partner agency audit", "", "blind dual")
    db.session.commit()
    single = waiting_for_review(world, case_index=3)
    taking_part, panel = [draft.auditor_a, draft.auditor_b], [draft.moderator]
    exercise = calibration_exercise(world, taking_part, panel=panel, closes_on=date(2026, 12, 31))
    exercise.summary_kind, exercise.summary_name, exercise.summary_file = "pdf", "summary.pdf", b"%PDF-1.7\n%%EOF"
    db.session.commit()
    closed = closed_calibration(world, {draft.auditor_a: (3, 2)}, panel=panel, others=[draft.auditor_b])
    not_open = calibration_exercise(world, taking_part, panel=panel, agreed=None, opened=False,
                                    closes_on=date(2026, 12, 31))
    priority = raise_priority(SYSTEM, PriorityEntry(
        title="Plans with dates", why="Plans are weakest", owner_id=world.seniors[0].id, measure="good",
        judgement="plan", target=75, target_by=date(2027, 3, 31), review_on=date(2027, 1, 31)))
    db.session.commit()
    return Scene(audit_type=audit_type, new_type=new_type, single=single,
                 priority=priority, exercise=exercise, draft_exercise=not_open, closed_exercise=closed,
                 targeted=theme_audit, absence=absence, draft=draft, ready=ready, signed_off=signed_off,
                 withdrawing=withdrawing, concern=concern, concerning=concerning, job=job, waiting=waiting,
                 proposal=proposal,
                 action=action, theme=theme)


def personas_for(world, audit: Audit, deactivated: User) -> dict[str, User | None]:
    managers = [u for team in world.auditors.values() for u in team]
    involved = {audit.auditor_a_id, audit.auditor_b_id}
    in_other_audits = set(db.session.scalars(select(Audit.auditor_b_id).where(Audit.id != audit.id)))
    # Both outsiders come from other teams than the case's (a colleague in its team may verify its actions).
    other_auditor = next(u for u in managers if u.id not in involved and u.id in in_other_audits
                         and u.team_id != audit.case.team_id)
    other_team = next(u for u in managers if u.id not in involved and u.team_id != audit.case.team_id
                      and u is not other_auditor)
    return {
        "anonymous": None, "auditor_a": audit.auditor_a, "auditor_b": audit.auditor_b,
        "other_auditor": other_auditor, "other_team_manager": other_team, "moderator": audit.moderator,
        "other_senior": next(u for u in world.seniors if u.id != audit.moderator_id),
        "qa_lead": world.qa_lead, "leader": world.leader, "deactivated": deactivated,
    }


def outcome(response):
    if response.status_code == 302 and "/sign-in" in response.location:
        return SIGN_IN
    return response.status_code


def test_every_route_answers_each_person_as_the_matrix_says(app, world):
    scene = build_scene(world)
    # A QA lead and senior manager, signed in, then deactivated: must be refused everywhere.
    gone = person("Dee Parted", "Service leadership", {"is_qa_lead", "is_senior_manager", "is_auditor"})
    clients = {gone.id: sign_in(app.test_client(), gone)}
    gone = db.session.get(User, gone.id, options=PERSON_ROW, populate_existing=True)
    save_user(SYSTEM, gone, name=gone.name, email=gone.email, team=gone.team, roles={"is_qa_lead"},
              active=False)
    db.session.commit()

    wrong = []
    for method, url, audit, expected in matrix(scene):
        for persona, user in personas_for(world, audit, gone).items():
            if user is None:
                client = app.test_client()
            elif url == "/sign-out":  # signs the person out: a browser of its own
                client = sign_in(app.test_client(), user)
            else:
                client = clients.get(user.id) or clients.setdefault(user.id, sign_in(app.test_client(), user))
            response = client.open(url, method=method)
            assert "max-age=31536000" in response.headers["Strict-Transport-Security"], url
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
            got = outcome(response)
            if got != expected[persona]:
                wrong.append(f"{method} {url} as {persona}: expected {expected[persona]}, got {got}")
    assert wrong == [], "\n".join(wrong)


def test_the_matrix_covers_every_route_and_method(app, world):
    scene = build_scene(world)
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, url, _, _ in matrix(scene):
        endpoint, _ = adapter.match(url.split("?")[0], method=method)
        covered.add((endpoint, method))
    every = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert every - covered == set()


def test_every_route_is_public_or_says_who_may_use_it(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None]
    assert undeclared == []
    public = sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is PUBLIC)
    assert public == ["assets.app_js", "assets.asset", "assets.frontend_js", "auth.council_callback",
                      "auth.council_sign_in", "auth.sign_in", "feed.table",
                      "health.live", "health.live", "health.metrics_page", "health.ready",
                      "home.accessibility", "static"]


def test_a_route_that_forgets_to_declare_access_is_refused(database_url, world):
    other: Flask = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url,
                               "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False})
    other.add_url_rule("/forgotten", "forgotten", lambda: "open to all")
    client = sign_in(other.test_client(), world.qa_lead)
    assert client.get("/forgotten").status_code == 403


@pytest.mark.parametrize("rule", ["open_cycle", "draw_sample", "change_allocation", "request_withdrawal",
                                  "save_user", "set_password", "import_cases", "decide_withdrawal"])
def test_rule_functions_refuse_people_without_permission_whoever_calls_them(world, rule):
    """The command line and the web share these functions: each checks its own permission."""
    from auditapp.errors import NotAllowed
    from auditapp.month import allocation, register, sampling
    from auditapp.security import people
    audit = sampled_month("2026-11", per_team=1)[0]
    manager, senior = audit.auditor_a, world.seniors[0]
    calls = {
        "open_cycle": lambda: sampling.open_cycle(manager, "2026-12"),
        "draw_sample": lambda: sampling.draw_sample(manager, audit.cycle),
        "change_allocation": lambda: allocation.change_allocation(manager, audit, audit.auditor_b, audit.moderator),
        "request_withdrawal": lambda: sampling.request_withdrawal(manager, audit, "court", ""),
        "save_user": lambda: people.save_user(manager, manager, name="Me", email=manager.email,
                                              team=audit.case.team, roles={"is_qa_lead"}),
        "set_password": lambda: people.set_password(manager, audit.auditor_b, "violet kettle lantern"),
        "import_cases": lambda: register.import_cases(manager, None, "cases.csv"),
        # The senior manager who asked for a withdrawal may not approve it themselves.
        "decide_withdrawal": lambda: (sampling.request_withdrawal(senior, audit, "court", ""),
                                      sampling.decide_withdrawal(senior, audit, True)),
    }
    with pytest.raises(NotAllowed):
        calls[rule]()
