"""Stale saves are refused, never applied over someone else's: a form on every editable record
(people, teams, themes, theme tags, periods away, targeted audits) carries the version it was
opened at. And two first saves at the same instant (the unique key refusing the second) come back
as the conflict page with the typed text, never a 500."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from builders import fresh, in_full, month_sampled_by, person, review_data, signed_off_audit
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from auditapp import clock
from auditapp.extensions import db
from auditapp.findings import replies
from auditapp.findings.themes import add_theme
from auditapp.models import Absence, Cycle, PractitionerReply, Review, Team, Theme, ThemeTag, User
from auditapp.models.families import FamilyFeedback
from auditapp.month.targeted import start
from auditapp.permissions import SYSTEM
from auditapp.security.people import add_absence

STALE = "was changed after you opened this page"
AT_ONCE = "saved by someone else at the same moment"


def hidden(client, url: str, name: str = "version") -> str:
    """The hidden value a tab holds after opening the page."""
    page = client.get(url).get_data(as_text=True)
    return re.search(rf'name="{name}" (?:type="hidden" )?value="(\d+)"', page).group(1)


def person_form(user: User, version: str, **changes) -> dict:
    data = {"name": user.name, "email": user.email, "team": str(user.team_id), "roles": ["is_auditor"],
            "active": "y", "max_audits_per_month": "", "line_manager": "", "password": "", "version": version}
    return data | changes


def test_a_stale_person_form_neither_reactivates_nor_restores_a_role(world, as_user):
    someone = person("Sam Stale", "Early Help", {"is_auditor", "is_senior_manager"})
    url = f"/people/{someone.id}"
    first, second = as_user(world.qa_lead), as_user(world.qa_lead)
    first_tab, second_tab = hidden(first, url), hidden(second, url)
    # The second tab deactivates them and removes the senior manager role.
    data = person_form(someone, second_tab, roles=["is_auditor"])
    del data["active"]
    assert second.post(url, data=data).status_code == 302
    stale = first.post(url, data=person_form(someone, first_tab, name="Typed in the stale tab",
                                             roles=["is_auditor", "is_senior_manager"]))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and STALE in page and "<title>Error: " in page
    assert 'value="Typed in the stale tab"' in page
    fresh()
    saved = db.session.get(User, someone.id)
    assert (saved.name, saved.active, saved.is_senior_manager) == ("Sam Stale", False, False)
    # Saving again from the conflict page (it now carries the saved version) goes through.
    again = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert first.post(url, data=person_form(someone, again, name="Sam Fresh")).status_code == 302
    fresh()
    assert db.session.get(User, someone.id).name == "Sam Fresh"


def test_two_team_renames_from_stale_forms_do_not_overwrite(world, as_user):
    team = db.session.scalar(select(Team).where(Team.name == "Early Help"))
    url = f"/people/teams/{team.id}"
    first, second = as_user(world.qa_lead), as_user(world.qa_lead)
    first_tab, second_tab = hidden(first, url), hidden(second, url)
    assert second.post(url, data={"name": "Early Help North", "version": second_tab}).status_code == 302
    stale = first.post(url, data={"name": "Early Help Hub", "version": first_tab})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and STALE in page and 'value="Early Help Hub"' in page
    fresh()
    assert db.session.get(Team, team.id).name == "Early Help North"


def test_stale_theme_tags_are_refused_not_replaced(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    fathers, neglect = add_theme(world.qa_lead, "Fathers"), add_theme(world.qa_lead, "Neglect")
    db.session.commit()
    url = f"/audits/{audit.id}/themes/A"
    first, second = as_user(audit.auditor_a), as_user(audit.auditor_a)
    first_tab, second_tab = hidden(first, url), hidden(second, url)
    assert second.post(url, data={"worry": [str(fathers.id)], "submit": "x", "version": second_tab}).status_code == 302
    stale = first.post(url, data={"strength": [str(neglect.id)], "submit": "x", "version": first_tab})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and STALE in page
    assert re.search(rf'value="{neglect.id}"[^>]*checked', page)  # the stale tab's choice is still ticked
    fresh()
    tags = db.session.execute(select(ThemeTag.theme_id, ThemeTag.kind).where(ThemeTag.audit_id == audit.id)).all()
    assert tags == [(fathers.id, "worry")]


def test_a_stale_retire_is_refused(world, as_user):
    theme = add_theme(world.qa_lead, "Fathers")
    db.session.commit()
    first, second = as_user(world.qa_lead), as_user(world.qa_lead)
    first_tab = hidden(first, "/themes")
    for retired in ("1", "0"):  # another tab retires it and offers it again
        second.post(f"/themes/{theme.id}/retire", data={"retired": retired, "version": hidden(second, "/themes")})
    stale = first.post(f"/themes/{theme.id}/retire", data={"retired": "1", "version": first_tab},
                       follow_redirects=True)
    assert "This theme was changed after you opened the page: nothing was changed" in stale.get_data(as_text=True)
    fresh()
    assert db.session.get(Theme, theme.id).retired_at is None


def test_a_stale_change_to_a_targeted_audit_is_refused(world, as_user):
    cycle = start(world.qa_lead, "Private fostering", ["plan"], "")
    db.session.commit()
    url = f"/targeted/{cycle.id}/change"
    first, second = as_user(world.qa_lead), as_user(world.qa_lead)
    first_tab, second_tab = hidden(first, url), hidden(second, url)
    assert second.post(url, data={"title": "Private fostering", "domains": ["plan", "voice"],
                                  "questions": "Was the carrier checked?", "version": second_tab}).status_code == 302
    stale = first.post(url, data={"title": "Typed stale theme", "domains": ["plan"],
                                  "questions": "Typed stale question", "version": first_tab})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and STALE in page
    assert "Typed stale theme" in page and "Typed stale question" in page
    fresh()
    saved = db.session.get(Cycle, cycle.id)
    assert (saved.title, set(saved.domain_keys), saved.questions) == ("Private fostering", {"plan", "voice"},
                                                                 "Was the carrier checked?")


def test_two_tabs_adding_the_same_period_away_record_it_once(world, as_user):
    someone = world.auditors["Early Help"][0]
    url = f"/people/{someone.id}/absences"
    start_day = clock.today() + timedelta(days=7)
    first = {"starts_on": f"{start_day:%-d/%-m/%Y}", "ends_on": f"{start_day + timedelta(days=4):%-d/%-m/%Y}",
             "reason": "Leave"}
    overlapping = {"starts_on": f"{start_day + timedelta(days=2):%-d/%-m/%Y}",
                   "ends_on": f"{start_day + timedelta(days=9):%-d/%-m/%Y}", "reason": "Sickness"}
    one, two = as_user(world.qa_lead), as_user(world.qa_lead)
    assert one.post(url, data=first).status_code == 302
    for again in (first, overlapping):
        refused = two.post(url, data=again)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 200 and "a period away cannot overlap another" in page
        assert f'value="{again["starts_on"]}"' in page and f'value="{again["ends_on"]}"' in page
    fresh()
    assert len(db.session.scalars(select(Absence).where(Absence.user_id == someone.id)).all()) == 1


def test_a_period_away_removed_from_a_stale_page_is_refused(world, as_user):
    someone = world.auditors["Early Help"][0]
    absence = add_absence(SYSTEM, someone, clock.today(), clock.today() + timedelta(days=3), "Leave")
    db.session.commit()
    url = f"/people/{someone.id}/absences/{absence.id}/remove"
    page = as_user(world.qa_lead).post(url, data={"version": "0"}, follow_redirects=True).get_data(as_text=True)
    assert "nothing was removed" in page
    fresh()
    assert db.session.get(Absence, absence.id) is not None


# Two first saves at the same instant ------------------------------------------------------------

@contextmanager
def saved_meanwhile(model, **values):
    """Another tab's first save of the same record commits (on a connection of its own) after this
    request read "none yet" and just before it writes its own: the race, made to happen every time."""
    landed = []

    def before_flush(session, context, instances):
        mine = next((o for o in session.new if isinstance(o, model)), None)
        if mine is None or landed:
            return
        row = {c.key: getattr(mine, c.key) for c in model.__table__.columns
               if c.key != "id" and getattr(mine, c.key, None) is not None}
        with db.engine.begin() as other:
            other.execute(insert(model.__table__).values(row | values))
        landed.append(model)

    # First among the flush's listeners: before the history chain takes the write lock, which would
    # (rightly) make the other tab wait for this save instead of landing in between.
    event.listen(Session, "before_flush", before_flush, insert=True)
    try:
        yield landed
    finally:
        event.remove(Session, "before_flush", before_flush)


def first_saves(world):
    """(form's URL, who, what they post, the model made on first save, the other tab's row, how to read it back)."""
    audits = month_sampled_by(world.qa_lead, per_team=2)
    signed_off = in_full(signed_off_audit(audits[1]))
    db.session.commit()
    draft = audits[0]
    return {
        "practitioner's reply": (
            f"/audits/{signed_off.id}/reply", signed_off.auditor_a,
            {"held": "no", "not_held_reason": "Typed in this tab: the practitioner was on leave", "disputes": "no"},
            PractitionerReply, {"held": False, "not_held_reason": "The other tab's reason", "disputes": False},
            lambda: db.session.scalars(select(PractitionerReply.not_held_reason)).all()),
        "family feedback": (
            f"/audits/{draft.id}/family/feedback", draft.auditor_b,
            {"outcome": "not_contacted", "not_contacted_reason": "Typed in this tab: risk to the child"},
            FamilyFeedback, {"outcome": "not_contacted", "not_contacted_reason": "The other tab's reason"},
            lambda: db.session.scalars(select(FamilyFeedback.not_contacted_reason)).all()),
        "review": (
            f"/audits/{draft.id}/review/A", draft.auditor_a,
            review_data(submit=False, working_well="Typed in this tab: a consistent worker"),
            Review, {"working_well": "The other tab's words", "audit_id": draft.id},  # its audit: a relationship
            lambda: db.session.scalars(select(Review.working_well).where(Review.audit_id == draft.id)).all()),
    }


@pytest.mark.parametrize("form", ["practitioner's reply", "family feedback", "review"])
def test_two_first_saves_at_the_same_instant_give_the_conflict_page_with_the_text(world, as_user, form):
    url, who, typed, model, theirs, saved = first_saves(world)[form]
    client = as_user(who)
    opened = {"version": hidden(client, url)}
    with saved_meanwhile(model, **theirs) as landed:
        response = client.post(url, data=typed | opened)
    page = response.get_data(as_text=True)
    assert landed == [model]  # the other save did land between this one's reading and writing
    assert response.status_code == 200 and (STALE in page or AT_ONCE in page)
    typed_text = next(v for v in typed.values() if v.startswith("Typed in this tab"))
    assert typed_text in page
    fresh()
    assert saved() == [next(v for v in theirs.values() if isinstance(v, str) and "other tab" in v)]
    assert "Typed in this tab" not in " ".join(filter(None, saved()))


def test_two_new_themes_of_the_same_name_at_once_are_refused_with_the_name_kept(world, as_user):
    with saved_meanwhile(Theme, name="Exploitation", created_at=clock.now()):
        response = as_user(world.qa_lead).post("/themes", data={"name": "Exploitation"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is already a theme called Exploitation" in page
    assert 'value="Exploitation"' in page
    fresh()
    assert db.session.scalars(select(Theme.name)).all() == ["Exploitation"]


def test_when_the_second_run_clashes_again_the_typed_text_has_a_page_of_its_own(world, as_user, monkeypatch):
    url, who, typed, model, theirs, saved = first_saves(world)["practitioner's reply"]
    client = as_user(who)
    opened = {"version": hidden(client, url)}
    monkeypatch.setattr(replies, "reply_for", lambda audit: None)  # never sees the other save: clashes twice
    with saved_meanwhile(model, **theirs):
        response = client.post(url, data=typed | opened)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone saved this at the same moment as you" in page
    assert typed["not_held_reason"] in page
    fresh()
    assert saved() == ["The other tab's reason"]


def test_a_form_sees_its_audits_newest_entry_along_one_index_however_many_drafts(world, as_user):
    """What an audit form has seen is the audit's newest history entry (`conflicts.history_mark`):
    found as the last entry of the audit's range of the (audit, id) index, not by reading every
    entry the audit has had, which grows with every draft saved (migration 0032e)."""
    from sqlalchemy import func, text

    from auditapp.conflicts import history_mark, newest_entry_on
    from auditapp.models import Audit, Event

    audit = month_sampled_by(world.qa_lead, per_team=1)[0]
    db.session.commit()
    a, form = as_user(audit.auditor_a), f"/audits/{audit.id}/review/A"
    for n in range(3):
        assert a.post(form, data=review_data(3, submit=False, working_well=f"Draft {n}")).status_code == 302
    fresh()
    newest = db.session.scalar(select(func.max(Event.id)).where(Event.audit_id == audit.id))
    assert history_mark(db.session.get(Audit, audit.id)) == newest
    assert hidden(a, form, "seen") == str(newest)  # the form opened now has seen every draft
    compiled = newest_entry_on(audit.id).compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "COVERING INDEX ix_event_audit_id_id (audit_id=?)" in plan, plan
    else:  # a test's few rows would be read whole: asked not to, the planner shows the index it has
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))
        db.session.rollback()
        assert "Index Only Scan" in plan and "using ix_event_audit_id_id" in plan, plan
