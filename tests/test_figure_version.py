"""Issue 22: the report figures move exactly when a change can alter them, and are never stale.

Each step below is one kind of change the service makes. After each, the figures remembered for
the current version must equal the figures computed afresh from the database (never stale), and
the figures' version must have moved if and only if that kind of change can alter a figure: a
draft save, a moderation draft, a sign-in, a read or auditors' tags on an open audit move nothing,
so the dashboard's remembered figures survive them."""

import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from builders import forget_remembered_figures, fresh, in_full, month_sampled_by, review_data, sign_in, tagged
from sqlalchemy import select
from test_moderation import moderation_data

from auditapp import clock, figure_version
from auditapp.audits.concerns import acknowledge_concern
from auditapp.audits.families import record_attempt
from auditapp.audits.moderation import reopen
from auditapp.extensions import db
from auditapp.findings import actions
from auditapp.findings.themes import add_theme, set_retired
from auditapp.models import Audit, Concern, Team
from auditapp.month.closures import add_closure_day
from auditapp.month.register import import_cases
from auditapp.month.sampling import request_withdrawal
from auditapp.reports import summary as summary_module
from auditapp.reports.month_tasks import _from_history, month_tasks, with_export
from auditapp.reports.summary import cached_summary, summarise
from auditapp.reports.worklists import _cycle_counts
from auditapp.security.people import add_absence, rename_team


@pytest.fixture
def month(world):
    return month_sampled_by(world.qa_lead, per_team=2)


def figures_now(month: str) -> tuple:
    """What the dashboard shows, remembered, beside the same computed afresh."""
    fresh()
    today = clock.today()
    remembered = cached_summary(month, today)
    # The pages' summary counts the follow-up's actions without listing them (only exports list them).
    return remembered, summarise(month, today, listed=False)


def committed(change: Callable[[], object]) -> None:
    change()
    db.session.commit()


def test_figures_move_exactly_when_a_change_can_alter_them(month, world, as_user, app, monkeypatch):
    audit, other = month[0], month[1]
    month_name = clock.today().strftime("%Y-%m")
    computed: list[str] = []
    real_summarise = summary_module.summarise
    monkeypatch.setattr(summary_module, "summarise", lambda *a, **k: computed.append("once") or real_summarise(*a, **k))
    a, b, moderator = as_user(audit.auditor_a), as_user(audit.auditor_b), as_user(audit.moderator)
    qa = as_user(world.qa_lead)
    third = month[2]
    people = {"auditor A": a, "auditor B": b, "the moderator": moderator, "the QA lead": qa,
              "the third audit's auditor A": as_user(third.auditor_a)}
    for client in people.values():
        start_page(client)  # remembered for the first step's version

    def step(what: str, moves: bool, change: Callable[[], object]) -> None:
        fresh()
        before = figure_version.current()
        assert qa.get("/reports/").status_code == 200  # the dashboard remembers its figures for `before`
        change()
        fresh()
        after = figure_version.current()
        assert (after != before) is moves, f"{what}: the figures' version {'did not move' if moves else 'moved'}"
        remembered, afresh = figures_now(month_name)
        assert remembered == afresh, f"{what}: the remembered figures are stale"
        # Counted from here: computing afresh above calls summarise() for the period before too.
        computed.clear()
        assert qa.get("/reports/").status_code == 200
        assert bool(computed) is moves, f"{what}: the figures were {'not ' if moves else ''}computed again"
        counts = _cycle_counts([audit.cycle_id], clock.today())
        assert qa.get("/").status_code == 200
        assert counts == _cycle_counts([audit.cycle_id], clock.today())
        fresh()  # the QA lead's task list, as the start page remembered it, against the same afresh
        assert month_tasks(clock.today()) == tasks_afresh(), f"{what}: the month's task list is stale"
        # The month's sampled cases and the case register, as remembered since the last step, against
        # the same afresh; then every page remembered again for the next step's version.
        tables = {path: rows_of(qa, path) for path in (f"/cycles/{month_name}", "/cases", "/cases?sort=manager")}
        # Each person's start page lists, remembered per person (the auditors', the moderator's, the QA lead's).
        starts = {who: start_page(client) for who, client in people.items()}
        forget_remembered_figures()
        for path, rows in tables.items():
            assert rows_of(qa, path) == rows, f"{what}: the rows of {path} are stale"
        for who, client in people.items():
            assert start_page(client) == starts[who], f"{what}: {who}'s start page is stale"

    def post(client, url: str, data: dict) -> None:
        response = client.post(url, data=data)
        assert response.status_code == 302, (url, response.status_code)

    review = f"/audits/{audit.id}/review"
    theme = add_theme(world.qa_lead, "Drift in planning")
    db.session.commit()

    step("signing in", False, lambda: sign_in(app.test_client(), audit.auditor_a))
    step("reading the audit", False, lambda: a.get(f"/audits/{audit.id}"))
    step("auditor A's first draft (the audit is now in progress)", True,
         lambda: post(a, f"{review}/A", review_data(3, submit=False)))
    step("auditor A's next draft", False, lambda: post(a, f"{review}/A", review_data(2, submit=False)))
    step("auditor A tagging themes on the open audit", False, lambda: committed(
        lambda: tagged(audit, "A", strengths=[theme])))
    step("auditor A submitting", True, lambda: post(a, f"{review}/A", review_data(2)))
    step("auditor B's first draft", True, lambda: post(b, f"{review}/B", review_data(3, submit=False)))
    step("auditor B's next draft", False, lambda: post(b, f"{review}/B", review_data(4, submit=False)))
    step("auditor B submitting", True, lambda: post(b, f"{review}/B", review_data(3)))
    step("a moderation draft", False, lambda: post(
        moderator, f"/audits/{audit.id}/moderate", moderation_data(3, _all_rationales(), sign_off=False)))
    step("the moderator tagging themes before sign-off", False, lambda: committed(
        lambda: tagged(audit, "M", worries=[theme])))
    step("an action added at moderation", True, lambda: committed(lambda: actions.propose(
        in_full(audit).moderator, in_full(audit), actions.ActionEntry("Update the chronology", audit.auditor_a_id,
                                                                     "standard"))))
    step("signing off", True, lambda: post(moderator, f"/audits/{audit.id}/moderate",
                                           moderation_data(3, _all_rationales())))
    step("reopening", True, lambda: committed(lambda: reopen(world.qa_lead, in_full(audit), "Grades mistyped")))
    step("a family contact attempt", True, lambda: committed(lambda: record_attempt(
        in_full(other).auditor_b, in_full(other), clock.today(), "parent", "phone")))
    step("a withdrawal asked for", True, lambda: committed(lambda: request_withdrawal(
        world.seniors[0], in_full(other), "court", "Final hearing listed")))
    step("a team renamed", True, lambda: committed(lambda: rename_team(
        world.qa_lead, db.session.get(Team, in_full(other).case.team_id), "Front Door")))
    third_form = f"/audits/{third.id}/review/A"
    writer = as_user(third.auditor_a)
    step("another audit's first draft", True, lambda: post(writer, third_form, review_data(3, submit=False)))
    step("a draft raising a safeguarding concern (open concerns are counted)", True, lambda: post(
        writer, third_form, review_data(3, submit=False, safeguarding_concern="yes",
                                        safeguarding_details="Child left alone overnight")))
    step("the concern acknowledged", True, lambda: committed(lambda: acknowledge_concern(
        world.qa_lead, db.session.scalar(select(Concern).where(Concern.audit_id == third.id)), "Visited today")))
    step("a theme retired", True, lambda: committed(lambda: set_retired(world.qa_lead, theme, True)))
    step("a closure day added (working days move due dates)", True, lambda: committed(lambda: add_closure_day(
        world.qa_lead, clock.today() + timedelta(days=30), "Council closure")))
    step("someone allocated recorded away (the allocation task counts them)", True, lambda: committed(
        lambda: add_absence(world.qa_lead, in_full(third).auditor_b, clock.today(), clock.today(), "Leave")))
    step("the month's pack downloaded (a read: its task is read on every page)", False,
         lambda: qa.get(f"/reports/{month_name}.xlsx"))
    manager = in_full(third).case.manager
    team_name = db.session.get(Team, manager.team_id).name
    csv = (f"Case reference,Team,Case type,Responsible manager email,Open date\n"
           f"NEW-0001,{team_name},Child in need,{manager.email},01/02/2026\n").encode()
    step("a case list imported", True, lambda: committed(lambda: import_cases(
        world.qa_lead, io.BytesIO(csv), "cases.csv")))


def start_page(client) -> str:
    """The start page as a person sees it, without what differs on every request (the form token);
    read twice, so a message flashed by the step (shown once) is not part of it."""
    client.get("/")
    response = client.get("/")
    assert response.status_code == 200
    return re.sub(r'"[\w-]+\.[\w-]+\.[\w-]+"', "", response.get_data(as_text=True))  # signed form tokens


def rows_of(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return re.findall(r'<tbody class="govuk-table__body">(.*?)</tbody>', response.get_data(as_text=True), re.S)


def tasks_afresh() -> tuple:
    return with_export(clock.today(), _from_history(clock.today()))


def _all_rationales() -> dict[str, str]:
    from auditapp.grading import JUDGEMENTS
    return dict.fromkeys(JUDGEMENTS, "The independent view is better evidenced")


def test_a_transaction_never_remembers_its_own_uncommitted_figures(month, world):
    """A change not yet committed (and perhaps never) is computed for its own transaction only."""
    month_name = clock.today().strftime("%Y-%m")
    before = cached_summary(month_name, clock.today())
    audit = in_full(month[0])
    request_withdrawal(world.seniors[0], audit, "court", "Final hearing listed")
    inside = cached_summary(month_name, clock.today())
    assert inside.headline != before.headline or inside.facts != before.facts
    db.session.rollback()
    assert cached_summary(month_name, clock.today()) == summarise(month_name, clock.today())
    assert db.session.get(Audit, audit.id).withdrawal_requested_at is None


def test_finishing_an_audit_of_a_type_moves_the_figures_so_its_summary_is_never_stale(world, as_user):
    """Issue 24: a type's summary is remembered under the figures' version like the monthly one."""
    from type_builders import OBSERVATION, consent_refused, finished_single, shipped_type, typed_audits

    from auditapp.reports import type_summary
    from auditapp.reports.periods import period_of

    kind, version = shipped_type(OBSERVATION)
    audits = typed_audits(version, [c.reference for c in world.cases[:4]])
    db.session.commit()
    scope = type_summary.TypeScope(kind.id, period_of("12", clock.today().strftime("%Y-%m")))
    qa = as_user(world.qa_lead)
    answers = {1: clock.today().isoformat(), 2: "A home visit", 3: "good", 4: "Listened to"}

    def step(what: str, moves: bool, change: Callable[[], object]) -> None:
        fresh()
        assert qa.get(f"/reports/types/{kind.id}").status_code == 200  # remembered for the version now
        before = figure_version.current()
        committed(change)
        fresh()
        assert (figure_version.current() != before) is moves, what
        assert type_summary.cached_type_summary(scope, clock.today()) == type_summary.summarise_type(scope), what

    step("an audit finished", True, lambda: finished_single(audits[0], answers))
    step("an audit ended by refused consent", True, lambda: consent_refused(audits[1]))
    step("a finished audit's figures read", False, lambda: qa.get(f"/reports/types/{kind.id}.xlsx"))
    step("another finished", True, lambda: finished_single(audits[2], answers))
    fresh()
    remembered = type_summary.cached_type_summary(scope, clock.today())
    assert (remembered.finished, remembered.consent_refused) == (2, 1)
