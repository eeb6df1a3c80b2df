"""Learning that shows (issue 26): practice priorities raised, linked, worked on and closed, their
evidence from the dashboard's own figures, and "you said, we did", through HTTP and the database."""

import re

import pytest
from builders import (
    build_world,
    confirmed_action,
    in_full,
    ready_for_moderation,
    sampled_month,
    signed_off_audit,
    tagged,
)
from sqlalchemy import select

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.findings import replies
from auditapp.findings.themes import add_theme
from auditapp.learning import evidence, priorities, responses
from auditapp.models import Cycle, Event, LearningActivity, Priority, PriorityLink, Response
from auditapp.permissions import SYSTEM
from auditapp.reports.summary import summarise
from auditapp.rounding import percent_text

GOOD, REQUIRES_IMPROVEMENT = 3, 2


@pytest.fixture
def county():
    """Eight cases a team, so two months can be sampled without the 12-month look-back running dry."""
    return build_world(cases_per_team=8)


def moderated_month(month: str, per_team: int, good: int):
    """A month signed off: the first `good` audits moderated Good, the rest Requires improvement."""
    audits = sampled_month(month, per_team)
    for n, audit in enumerate(audits):
        signed_off_audit(audit, final=GOOD if n < good else REQUIRES_IMPROVEMENT)
    db.session.commit()
    return audits


def priority_form(world, **given) -> dict:
    data = {"title": "Plans say who does what by when", "why": "Quality of plan is the weakest domain",
            "owner": str(world.seniors[0].id), "measure": "good", "judgement": "plan", "theme": "",
            "target": "75", "target_by": "31/3/2027", "review_on": "31/1/2027", "save": "x"}
    return data | given


def raised(world, client, **given) -> Priority:
    response = client.post("/priorities/new", data=priority_form(world, **given))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    return db.session.scalars(select(Priority).order_by(Priority.id.desc())).first()


def entries(priority: Priority) -> list[str]:
    return list(db.session.scalars(select(Event.action).where(Event.field == history.priority_field(priority.id))
                                   .order_by(Event.id)))


def test_the_qa_lead_raises_a_priority_and_its_evidence_is_the_dashboards_figure_month_by_month(county, as_user):
    moderated_month("2026-09", 2, good=4)  # 6 audits: 4 of 6 Good in every domain
    moderated_month("2026-10", 1, good=3)  # 3 audits: too few to judge
    qa = as_user(county.qa_lead)
    priority = raised(county, qa)
    assert (priority.title, priority.measure, priority.judgement, priority.target) == \
        ("Plans say who does what by when", "good", "plan", 75)
    assert entries(priority) == [history.PRIORITY_RAISED, history.PRIORITY_LINKED]  # the domain it measures
    assert [(link.kind, link.ref) for link in priorities.links_of(priority)] == [("domain", "plan")]

    page = qa.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert "Good or better in Quality of plan: at least 75% by 31 March 2027" in page
    for month in ("2026-09", "2026-10"):
        plan = summarise(month, clock.today()).domains["plan"]
        shown = percent_text(plan.pct_good, plan.n)
        assert re.search(rf"{month_name(month)}</th>\s*<td[^>]*>{re.escape(shown)}</td>", page), (month, shown)
    assert "67% (n=6)" in page and "Too few to judge (n=3)" in page
    # The line joins the months it can judge, straight (no curve), and leaves out the one with too few.
    points = re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', page)
    assert len(points) == 1 and " C" not in re.search(r'<path d="([^"]*)"', page).group(1)


def month_name(month: str) -> str:
    from auditapp.months import month_label
    return month_label(month)


def test_a_refused_priority_keeps_everything_typed_and_saves_nothing(county, as_user):
    qa = as_user(county.qa_lead)
    page = qa.post("/priorities/new", data=priority_form(county, owner="", target="150", why="Typed reason"))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Choose the senior manager who owns the priority" in body
    assert "Enter the target as a whole percentage from 0 to 100" in body
    assert "Typed reason" in body and "Plans say who does what by when" in body
    assert db.session.scalar(select(Priority.id)) is None


def test_a_worry_theme_is_measured_as_the_share_of_audits_tagged_with_it(county, as_user):
    fathers = add_theme(SYSTEM, "Fathers and male carers")
    db.session.commit()
    audits = sampled_month("2026-10", 2)
    for n, audit in enumerate(audits):
        if n < 3:
            tagged(audit, "A", worries=[fathers])
        signed_off_audit(audit, final=GOOD)
    db.session.commit()
    qa = as_user(county.qa_lead)
    priority = raised(county, qa, title="Fathers seen and heard", measure="worry", judgement="",
                      theme=str(fathers.id), target="10")
    assert [(link.kind, link.ref) for link in priorities.links_of(priority)] == [("theme", str(fathers.id))]
    page = qa.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert "Audits with the worry Fathers and male carers: fewer than 10% by 31 March 2027" in page
    # 3 of the month's 6 signed-off audits carry the worry: the dashboard's theme count over its moderated audits.
    summary = summarise("2026-10", clock.today())
    assert summary.follow_up.themes.count(fathers.id, "worry", "2026-10") == 3 and summary.headline.moderated == 6
    assert re.search(r"October 2026</th>\s*<td[^>]*>50% \(n=6\)</td>", page)


def test_activities_are_recorded_marked_on_the_chart_and_only_web_links_are_kept(county, as_user):
    moderated_month("2026-10", 2, good=3)
    qa = as_user(county.qa_lead)
    priority = raised(county, qa)
    form = {"kind": "briefing", "what": "Briefing on SMART plans", "held_on": "2/11/2026",
            "reached": "Assessment North, Children in Care", "attended": "23",
            "material_url": "javascript:alert(1)", "save": "x"}
    refused = qa.post(f"/priorities/{priority.id}/activities/new", data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "starting https://" in body
    assert "Briefing on SMART plans" in body and "Assessment North, Children in Care" in body
    assert db.session.scalar(select(LearningActivity.id)) is None

    saved = qa.post(f"/priorities/{priority.id}/activities/new",
                    data=form | {"material_url": "https://intranet.example.org/smart-plans"})
    assert saved.status_code == 302
    db.session.rollback()
    activity = db.session.scalars(select(LearningActivity)).one()
    assert (activity.kind, activity.attended, activity.held_on.isoformat()) == ("briefing", 23, "2026-11-02")
    assert history.ACTIVITY_ADDED in entries(priority)
    page = qa.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert 'href="https://intranet.example.org/smart-plans"' in page
    assert page.count('stroke-dasharray="6 4"') == 1  # November, the month it was held
    assert re.search(r"November 2026</th>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>Briefing: Briefing on SMART", page)


def test_audits_disputes_and_actions_are_linked_and_a_targeted_audit_tests_the_priority(county, as_user):
    audits = sampled_month("2026-10", 1)
    ready = in_full(ready_for_moderation(audits[0]))
    action = confirmed_action(ready, ready.auditor_a, "Rewrite the plan with dates")
    signed_off_audit(ready, final=GOOD)
    replies.save_reply(ready.auditor_a, in_full(ready), replies.ReplyEntry(
        held=True, held_on=clock.today(), practitioner_view="Fair", disputes=True, dispute_details="Plan grade"), 0)
    db.session.commit()
    reference = ready.case.reference
    qa = as_user(county.qa_lead)
    priority = raised(county, qa)
    missing = qa.post(f"/priorities/{priority.id}/links", data={"reference": "NOPE1", "reference_kind": "audit",
                                                                "link": "x"})
    assert "No signed-off audit of that case reference was found" in missing.get_data(as_text=True)
    assert "NOPE1" in missing.get_data(as_text=True)
    for kind in ("audit", "dispute"):
        assert qa.post(f"/priorities/{priority.id}/links",
                       data={"reference": reference, "reference_kind": kind, "link": "x"}).status_code == 302
    page = qa.get(f"/priorities/{priority.id}/links").get_data(as_text=True)
    assert "Rewrite the plan with dates" in page  # offered: an action from a linked audit
    assert qa.post(f"/priorities/{priority.id}/links", data={"action": str(action.id), "link": "x"}).status_code == 302
    db.session.rollback()
    assert {(link.kind, link.ref) for link in priorities.links_of(priority)} == {
        ("domain", "plan"), ("audit", str(ready.id)), ("dispute", str(ready.id)), ("action", str(action.id))}
    shown = qa.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert f"Case {reference}, October 2026" in shown and f'/audits/{ready.id}"' in shown
    # A leadership reader reads the priority and its evidence, but not which cases are behind it.
    leader = as_user(county.leader).get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert reference not in leader and "one audit" in leader

    started = qa.post(f"/priorities/{priority.id}/targeted")
    cycle = db.session.scalars(select(Cycle).where(Cycle.kind == "targeted")).one()
    assert started.status_code == 302 and started.location.endswith(f"/targeted/{cycle.id}")
    assert cycle.title == priority.title and cycle.domains == "plan"
    assert ("targeted", str(cycle.id)) in {(lk.kind, lk.ref) for lk in priorities.links_of(priority)}

    link_id = db.session.scalars(select(PriorityLink.id).where(PriorityLink.kind == "audit")).one()
    assert qa.post(f"/priorities/{priority.id}/links/{link_id}/remove").status_code == 302
    db.session.rollback()
    assert db.session.get(PriorityLink, link_id) is None and history.PRIORITY_UNLINKED in entries(priority)


def test_a_priority_closes_once_with_its_note_and_a_stale_close_is_refused(county, as_user):
    qa, senior = as_user(county.qa_lead), as_user(county.seniors[0])
    priority = raised(county, qa)
    stale = re.search(r'name="version"[^>]*value="(\d+)"', qa.get(f"/priorities/{priority.id}/close")
                      .get_data(as_text=True)).group(1)
    changed = senior.post(f"/priorities/{priority.id}/edit",
                          data=priority_form(county, target="80", version=stale, title="Plans with dates"))
    assert changed.status_code == 302
    refused = qa.post(f"/priorities/{priority.id}/close",
                      data={"outcome": "met", "note": "Typed closing note", "version": stale, "close": "x"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "changed after you opened this page" in body and "Typed closing note" in body
    assert "Changed since you opened this page" in body and "Practice priority changed" in body
    db.session.rollback()
    assert db.session.get(Priority, priority.id).status == "open"
    # Saving again from the refused page (now at the saved version) goes through.
    version = re.search(r'name="version"[^>]*value="(\d+)"', body).group(1)
    closed = qa.post(f"/priorities/{priority.id}/close",
                     data={"outcome": "partly_met", "note": "Plans improved but not to target", "version": version,
                           "close": "x"})
    assert closed.status_code == 302
    db.session.rollback()
    priority = db.session.get(Priority, priority.id)
    assert (priority.status, priority.closing_note, priority.target) == \
        ("partly_met", "Plans improved but not to target", 80)
    assert entries(priority)[-2:] == [history.PRIORITY_CHANGED, history.PRIORITY_CLOSED]
    again = qa.post(f"/priorities/{priority.id}/edit", data=priority_form(county, version=str(priority.version)))
    assert "This priority is closed" in again.get_data(as_text=True)


def test_only_the_qa_lead_and_senior_managers_raise_priorities_and_auditors_never_see_them(county, as_user):
    auditor = as_user(county.auditors["Early Help"][0])
    assert auditor.get("/priorities").status_code == 403
    assert auditor.post("/priorities/new", data=priority_form(county)).status_code == 403
    assert as_user(county.leader).post("/priorities/new", data=priority_form(county)).status_code == 403
    senior = as_user(county.seniors[1])
    priority = raised(county, senior)
    assert priority.raised_by_id == county.seniors[1].id
    assert as_user(county.leader).get(f"/priorities/{priority.id}").status_code == 200
    assert as_user(county.qa_lead).get("/priorities/99999").status_code == 404


def disputed_audit(month: str):
    audit = sampled_month(month, 1)[0]
    signed_off_audit(audit, final=GOOD)
    replies.save_reply(audit.auditor_a, in_full(audit), replies.ReplyEntry(
        held=True, held_on=clock.today(), practitioner_view="Fair", disputes=True, dispute_details="The plan grade"),
        0)
    db.session.commit()
    return audit


def test_you_said_we_did_quotes_their_words_only_with_consent_and_is_counted_by_period(county, as_user):
    audit = disputed_audit("2026-10")
    qa = as_user(county.qa_lead)
    form = {"source": "dispute", "reference": audit.case.reference, "you_said": "Moderation ignored the plan review",
            "we_did": "Moderators now read the latest review", "their_words": "Nobody read the review",
            "changed_on": "10/11/2026", "priority": "", "save": "x"}
    refused = qa.post("/you-said-we-did/new", data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Quote their own words only if they agreed" in body
    assert "Nobody read the review" in body and "Moderators now read the latest review" in body
    assert db.session.scalar(select(Response.id)) is None
    family = qa.post("/you-said-we-did/new", data=form | {"source": "family", "words_consented": "y"})
    assert "has the family&#39;s feedback" in family.get_data(as_text=True)  # no family feedback on that audit

    assert qa.post("/you-said-we-did/new", data=form | {"words_consented": "y"}).status_code == 302
    assert qa.post("/you-said-we-did/new", data=form | {"their_words": "", "changed_on": "2/10/2026",
                                                       "we_did": "Disputes answered within 5 days"}).status_code == 302
    db.session.rollback()
    saved = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert [(r.audit_id, r.words_consented) for r in saved] == [(audit.id, True), (audit.id, False)]
    listed = qa.get("/you-said-we-did").get_data(as_text=True)
    assert "“Nobody read the review”" in listed and "Disputes answered within 5 days" in listed
    leader = as_user(county.leader).get("/you-said-we-did").get_data(as_text=True)
    assert audit.case.reference not in leader and "Moderators now read the latest review" in leader

    november = responses.you_said_we_did("2026-11", "2026-11")
    assert [r.we_did for r in november] == ["Moderators now read the latest review"]
    assert november[0].quote == "Nobody read the review"
    assert len(responses.you_said_we_did("2026-10", "2026-12")) == 2
    assert responses.you_said_we_did("2026-12", "2027-02") == []
    assert as_user(county.seniors[0]).get("/you-said-we-did/new").status_code == 403


def test_priorities_in_a_period_carry_the_dashboards_figures_for_each_of_its_months(county, as_user):
    moderated_month("2026-09", 2, good=6)
    moderated_month("2026-10", 2, good=2)
    qa = as_user(county.qa_lead)
    priority = raised(county, qa, judgement="overall")
    found = evidence.priorities_in("2026-09", "2026-11")
    assert [p.id for p in found] == [priority.id]
    points = {p.month: p for p in found[0].evidence.points}
    assert list(points) == ["2026-09", "2026-10", "2026-11"]
    for month in ("2026-09", "2026-10"):
        overall = summarise(month, clock.today()).headline.overall
        assert (points[month].share, points[month].n) == (overall.pct_good, overall.n)
    assert found[0].evidence.reaches(points["2026-09"]) is True
    assert found[0].evidence.reaches(points["2026-10"]) is False
    assert evidence.priorities_in("2026-06", "2026-08") == []  # raised in November


def test_a_priority_can_be_raised_from_a_figures_drill_down(county, as_user):
    fathers = add_theme(SYSTEM, "Fathers and male carers")
    moderated_month("2026-10", 1, good=1)
    qa = as_user(county.qa_lead)
    behind = qa.get(f"/reports/themes/{fathers.id}/worry/2026-10").get_data(as_text=True)
    assert f'href="/priorities/new?theme={fathers.id}"' in behind
    form = qa.get(f"/priorities/new?theme={fathers.id}").get_data(as_text=True)
    assert re.search(r'value="worry"[^>]*checked', form) and re.search(rf'value="{fathers.id}"[^>]*selected', form)
    grades = qa.get("/reports/audits?which=grade:plan:3&month=2026-10").get_data(as_text=True)
    assert 'href="/priorities/new?domain=plan"' in grades
    assert "/priorities/new" not in as_user(county.leader).get(
        "/reports/audits?which=grade:plan:3&month=2026-10").get_data(as_text=True)


def test_every_re_audit_improves_is_measured_from_the_re_audits_the_dashboard_counts(county, as_user):
    from auditapp.reports.follow_up import reaudits_due
    first = sampled_month("2026-07", 1)
    signed_off_audit(first[0], final=1)  # Inadequate: re-audited three months later
    signed_off_audit(first[1], final=1)
    db.session.commit()
    again = [a for a in sampled_month("2026-10", 1) if a.case_id in (first[0].case_id, first[1].case_id)]
    signed_off_audit(again[0], final=GOOD)
    signed_off_audit(again[1], final=1)
    db.session.commit()
    qa = as_user(county.qa_lead)
    priority = raised(county, qa, title="Re-audits improve", measure="reaudits", judgement="", target="")
    assert priority.target is None
    changes = reaudits_due(["2026-10"])["2026-10"]
    assert sorted(c.improved for c in changes) == [False, True]
    page = qa.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert "Every re-audit of an Inadequate case improves" in page
    assert re.search(r"October 2026 \(in progress\)</th>\s*<td[^>]*>Too few to judge \(n=2\)</td>", page)
    point = next(p for p in evidence.evidence(priority, [], ["2026-10"]).points)
    assert (point.count, point.n, point.share) == (1, 2, 0.5)


def test_the_demo_has_a_met_an_open_and_a_not_met_priority_with_their_work(app):
    from auditapp.demo import seed_demo
    seed_demo()
    found = db.session.scalars(select(Priority).order_by(Priority.id)).all()
    assert sorted(p.status for p in found) == ["met", "not_met", "open"]
    assert all(priorities.activities_of([p.id])[p.id] for p in found)
    shown = evidence.priorities_in("2026-08", "2026-12")
    met = next(p for p in shown if p.status == "Met")
    not_met = next(p for p in shown if p.status == "Not met")
    assert met.evidence.reaches(met.evidence.latest) is True
    assert not_met.evidence.reaches(not_met.evidence.latest) is False
    said = responses.you_said_we_did("2026-01", "2026-12")
    assert len(said) == 3 and {r.source for r in said} == {"Family feedback", "Practitioner's dispute"}
    assert [r.quote for r in said if r.quote] == ["We were not told what the plan was until the meeting."]
    assert all(db.session.get(Response, r.id).words_consented for r in said if r.quote)


def test_a_priority_on_a_theme_since_retired_can_still_be_changed(county, as_user):
    from auditapp.findings.themes import set_retired
    fathers = add_theme(SYSTEM, "Fathers and male carers")
    db.session.commit()
    qa = as_user(county.qa_lead)
    priority = raised(county, qa, measure="worry", judgement="", theme=str(fathers.id), target="10")
    set_retired(county.qa_lead, db.session.get(type(fathers), fathers.id), True)
    db.session.commit()
    form = qa.get(f"/priorities/{priority.id}/edit").get_data(as_text=True)
    assert re.search(rf'value="{fathers.id}"[^>]*selected', form)
    saved = qa.post(f"/priorities/{priority.id}/edit", data=priority_form(
        county, measure="worry", judgement="", theme=str(fathers.id), target="8", version=str(priority.version)))
    assert saved.status_code == 302
    db.session.rollback()
    assert db.session.get(Priority, priority.id).target == 8
