"""No lost work: two tabs on the same record never overwrite each other silently, and an empty or
partial post never erases what was saved."""

import re

import pytest
from builders import month_sampled_by, reload, review_data
from test_moderation import moderation_data

from auditapp.extensions import db
from auditapp.models import Event


def opened(client, url: str) -> dict:
    """Open a form as a browser tab would: the hidden version and history mark it carries."""
    page = client.get(url).get_data(as_text=True)
    return {name: re.search(rf'name="{name}" type="hidden" value="(\d+)"', page).group(1)
            for name in ("version", "seen")}


def test_a_stale_tab_cannot_overwrite_the_draft_saved_in_another(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/review/A"
    first, second = as_user(audit.auditor_a), as_user(audit.auditor_a)
    first_tab, second_tab = opened(first, url), opened(second, url)
    assert second.post(url, data=review_data(4, submit=False, voice_evidence="Typed in the second tab")
                       | second_tab).status_code == 302
    stale = first.post(url, data=review_data(2, submit=False, voice_evidence="Typed in the first tab") | first_tab)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "<title>Error: " in page
    assert "was changed after you opened this page" in page
    assert "Typed in the first tab" in page  # what this tab typed is all still there
    assert "Changed since you opened this page" in page and "‘Typed in the second tab’" in page
    saved = reload(audit).review("A")
    assert saved.grade_for("voice").evidence == "Typed in the second tab" and saved.grade_for("voice").grade == 4
    # Saving again from the conflict page (which now carries the saved version) goes through.
    again = {name: re.search(rf'name="{name}" type="hidden" value="(\d+)"', page).group(1)
             for name in ("version", "seen")}
    assert first.post(url, data=review_data(2, submit=False, voice_evidence="Merged") | again).status_code == 302
    assert reload(audit).review("A").grade_for("voice").evidence == "Merged"


def test_the_conflict_page_never_shows_the_other_auditors_work(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    url_a = f"/audits/{audit.id}/review/A"
    tab = opened(as_user(audit.auditor_a), url_a)
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B",
                                  data=review_data(1, submit=False, voice_evidence="B's secret words"))
    as_user(audit.auditor_a).post(url_a, data=review_data(3, submit=False))
    page = as_user(audit.auditor_a).post(url_a, data=review_data(3, submit=False) | tab).get_data(as_text=True)
    assert "Changed since you opened this page" in page and "B&#39;s secret words" not in page
    assert "B's secret words" not in page


def test_two_moderators_tabs_conflict_instead_of_overwriting(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(2))
    url = f"/audits/{audit.id}/moderate"
    first, second = as_user(audit.moderator), as_user(audit.moderator)
    first_tab, second_tab = opened(first, url), opened(second, url)
    reasons = dict.fromkeys(["voice", "overall"], "Second tab's reason")
    assert second.post(url, data=moderation_data(2, reasons, sign_off=False) | second_tab).status_code == 302
    stale = first.post(url, data=moderation_data(3, {"voice": "First tab's reason"}, sign_off=False) | first_tab)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "This moderation was changed after you opened this page" in page
    assert "First tab&#39;s reason" in page or "First tab's reason" in page
    assert reload(audit).moderated_grade("voice").rationale == "Second tab's reason"


def test_two_allocation_changes_from_stale_forms_conflict(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/allocation"
    qa_first, qa_second = as_user(world.qa_lead), as_user(world.qa_lead)
    first_tab, second_tab = opened(qa_first, url), opened(qa_second, url)
    others = [u for team, people in world.auditors.items() for u in people
              if u.team_id not in (audit.case.team_id,) and u.id != audit.auditor_b_id]
    seniors = world.seniors
    moderator = next(s for s in seniors if s.id != audit.moderator_id)
    assert qa_second.post(url, data={"auditor_b": str(others[0].id), "moderator": str(moderator.id), "reason": "Leave"}
                          | second_tab).status_code == 302
    stale = qa_first.post(url, data={"auditor_b": str(others[1].id), "moderator": str(audit.moderator_id),
                                     "reason": "Ill"} | first_tab)
    assert (stale.status_code == 200
            and "This allocation was changed after you opened this page" in stale.get_data(as_text=True))
    assert reload(audit).auditor_b_id == others[0].id


def test_an_empty_post_changes_nothing_and_a_partial_one_only_its_fields(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/review/A"
    auditor = as_user(audit.auditor_a)
    auditor.post(url, data=review_data(3, submit=False))
    history = db.session.query(Event).count()
    response = auditor.post(url, data={})
    assert response.status_code == 302
    assert "Nothing was saved" in auditor.get(url).get_data(as_text=True)
    saved = reload(audit).review("A")
    assert saved.grade_for("voice").evidence == "Evidence for voice" and saved.overall_grade == 3
    assert auditor.post(url, data={"working_well": "Only this changed", "save": "x"}).status_code == 302
    saved = reload(audit).review("A")
    assert saved.working_well == "Only this changed"
    assert saved.grade_for("plan").grade == 3 and saved.grade_for("plan").evidence == "Evidence for plan"
    assert db.session.query(Event).count() > history


def test_text_over_its_limit_is_refused_with_everything_typed_kept(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/review/A"
    long = "x" * 5001
    page = as_user(audit.auditor_a).post(url, data=review_data(3, submit=False, voice_impact=long,
                                                                 working_well="Kept words")).get_data(as_text=True)
    assert "<title>Error: " in page and "Impact on the child must be 5,000 characters or fewer" in page
    assert "Kept words" in page and long in page and 'data-module="govuk-character-count"' in page
    assert reload(audit).review("A") is None


def test_the_same_concern_twice_within_minutes_is_refused_as_already_raised(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/concerns/new"
    auditor = as_user(audit.auditor_b)
    assert auditor.post(url, data={"details": "Child left alone overnight"}).status_code == 302
    page = auditor.post(url, data={"details": "Child left alone overnight"}).get_data(as_text=True)
    assert "This concern was already raised at" in page
    assert len(reload(audit).concerns) == 1
    assert auditor.post(url, data={"details": "A different worry"}).status_code == 302


def test_out_of_range_and_nonsense_page_numbers_never_fail(world, as_user):
    qa = as_user(world.qa_lead)
    for url in ("/cases?page=99999999999999999999", "/cases?page=-3", "/cases?page=abc", "/people/?page=7",
                "/cycles?page=99999999999999999999"):
        assert qa.get(url).status_code == 200, url
    # The logs page by where a page starts (issue 22): nonsense, or a start past either end, is the newest page.
    for url in ("/people/activity?before=99999999999999999999", "/people/activity?before=abc",
                "/people/activity?after=5000", "/people/activity?before=-1", "/people/reads?after=99999"):
        assert qa.get(url).status_code == 200, url


def test_a_draft_sent_after_signing_out_elsewhere_comes_back_after_signing_in(world, as_user, app):
    from builders import PASSWORD
    audit = month_sampled_by(world.qa_lead)[0]
    url = f"/audits/{audit.id}/review/A"
    tab = as_user(audit.auditor_a)
    tab.get(url)
    tab.post("/sign-out")  # in another tab of the same browser
    response = tab.post(url, data=review_data(2, submit=False, working_well="Typed before the session ended"))
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "your answers are kept" in page
    assert reload(audit).review("A") is None  # nothing half-saved
    carry_on = re.search(r'href="/sign-in\?next=([^"]+)"', page).group(1)
    other_browser = app.test_client()
    other_browser.post("/sign-in", data={"email": audit.auditor_a.email, "password": PASSWORD})
    from urllib.parse import unquote
    target = unquote(carry_on).replace("&amp;", "&")
    assert "Typed before the session ended" not in other_browser.get(target).get_data(as_text=True)
    signed_in = tab.post(f"/sign-in?next={carry_on}", data={"email": audit.auditor_a.email, "password": PASSWORD})
    restored = tab.get(signed_in.location).get_data(as_text=True)
    assert "Typed before the session ended" in restored and "What you typed before you were signed out" in restored
    assert "Typed before the session ended" not in tab.get(signed_in.location).get_data(as_text=True)  # once only
    form = {name: re.search(rf'name="{name}" type="hidden" value="(\d+)"', restored).group(1)
            for name in ("version", "seen")}
    assert tab.post(url, data=review_data(2, submit=False, working_well="Typed before the session ended")
                    | form).status_code == 302
    assert reload(audit).review("A").working_well == "Typed before the session ended"


def test_an_expired_csrf_token_keeps_the_form_too(world, as_user, app):
    audit = month_sampled_by(world.qa_lead)[0]
    # Signed in first: with CSRF on, this sign-in (which sends no token) would itself be refused,
    # and a browser that never signed in has nothing kept (test_kept_forms.py).
    client = as_user(audit.auditor_b)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/audits/{audit.id}/review/B",
                               data=review_data(3, submit=False, csrf_token="from-an-old-session"))
        assert response.status_code == 401 and "your answers are kept" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_idle_and_absolute_time_limits_with_stay_signed_in(world, as_user):
    import time_machine
    with time_machine.travel("2026-11-23 09:00", tick=False) as traveller:
        client = as_user(world.qa_lead)
        assert client.get("/").status_code == 200
        traveller.shift(25 * 60)
        assert client.post("/session/keep-alive").status_code == 204  # "Stay signed in"
        traveller.shift(25 * 60)
        assert client.get("/").status_code == 200
        traveller.shift(31 * 60)
        assert client.get("/").status_code == 302  # idle for 31 minutes: signed out
        client = as_user(world.qa_lead)
        for _ in range(25):  # active all day, but no session outlives 12 hours
            traveller.shift(29 * 60)
            client.get("/")
        assert client.get("/").status_code == 302


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_control_character_is_refused_at_its_field_and_the_rest_is_kept(world, as_user, bad):
    audit = month_sampled_by(world.qa_lead)[0]
    a = as_user(audit.auditor_a)
    page = a.post(f"/audits/{audit.id}/review/A", data=review_data(
        3, submit=False, voice_evidence=f"Seen alone{bad} twice", working_well="Kept words")).get_data(as_text=True)
    assert "contains a character that cannot be saved" in page and "Kept words" in page
    assert "Seen alone twice" in page  # what was typed, less the character
    assert audit.review("A") is None or reload(audit).review("A") is None
    for url, data in (("/themes", {"name": f"Neglect{bad}"}), ("/people/teams", {"name": f"Team{bad}"})):
        response = as_user(world.qa_lead).post(url, data=data)
        assert (response.status_code == 200
                and "contains a character that cannot be saved" in response.get_data(as_text=True))


def test_a_control_character_already_stored_never_breaks_a_workbook(world, as_user):
    import io

    from builders import signed_off_audit
    from openpyxl import load_workbook

    from auditapp.extensions import db
    from auditapp.models import Team
    audits = month_sampled_by(world.qa_lead)
    signed_off_audit(audits[0])
    team = db.session.get(Team, audits[0].case.team_id)
    team.name = "Early\x01Help"  # as if written before the forms refused it
    db.session.commit()
    response = as_user(world.qa_lead).get("/reports/2026-11.xlsx")
    assert response.status_code == 200
    assert "EarlyHelp" in {c.value
                           for row in load_workbook(io.BytesIO(response.data))["Audits"].iter_rows() for c in row}


def test_an_empty_post_to_the_allocation_or_the_theme_tags_changes_nothing(world, as_user):
    from auditapp.findings.themes import add_theme
    from auditapp.models import ThemeTag
    audit = month_sampled_by(world.qa_lead)[0]
    theme = add_theme(world.qa_lead, "Fathers")
    db.session.commit()
    a = as_user(audit.auditor_a)
    a.post(f"/audits/{audit.id}/themes/A", data={"worry": [str(theme.id)], "submit": "Save themes"})
    before = reload(audit).allocation_version
    page = as_user(world.qa_lead).post(f"/audits/{audit.id}/allocation", data={}, follow_redirects=True)
    assert "Nothing was saved" in page.get_data(as_text=True) and reload(audit).allocation_version == before
    page = a.post(f"/audits/{audit.id}/themes/A", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Nothing was saved" in page
    db.session.rollback()
    assert db.session.query(ThemeTag).filter_by(audit_id=audit.id, role="A").count() == 1
