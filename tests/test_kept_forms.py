"""Typed text kept after a session ended (stash.py) is kept only for a browser whose own session
just ended, within limits, and for a day: nobody can write to the database without signing in."""

from datetime import timedelta

from builders import fresh, sign_in
from sqlalchemy import func, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import FormStash
from auditapp.security.stash import COOKIE

# The team form: one text box, open to the QA lead.
FORM = "/people/teams"


def kept() -> int:
    fresh()
    return db.session.scalar(select(func.count(FormStash.id)))


def signed_out_browser(app, user):
    client = sign_in(app.test_client(), user)
    client.post("/sign-out")
    return client


def test_a_browser_that_never_signed_in_writes_nothing(app, client, world):
    response = client.post(FORM, data={"name": "x" * 1000})
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    # A cookie naming a session that does not exist is no better.
    with client.session_transaction() as session:
        session["sid"] = "made-up-token"
        session["ended_sid"] = "another-made-up-token"
    assert client.post(FORM, data={"name": "x" * 1000}).status_code == 302
    assert kept() == 0


def test_after_signing_out_a_form_is_kept_but_a_huge_post_is_not_and_the_page_says_so(app, world):
    client = signed_out_browser(app, world.qa_lead)
    huge = client.post(FORM, data={"name": "x" * (9 * 1024 * 1024)})
    page = huge.get_data(as_text=True)
    assert huge.status_code == 401 and "your answers were not kept" in page and "more than 256 KB" in page
    assert COOKIE not in huge.headers.get("Set-Cookie", "")
    assert kept() == 0
    over = client.post(FORM, data={"name": "z" * (257 * 1024)})  # read, measured, refused
    assert "your answers were not kept" in over.get_data(as_text=True)
    # The longest form filled to every limit, in a script of three-byte characters, is kept.
    long_but_typed = client.post(FORM, data={f"answer_{n}": "\u0b85" * 5000 for n in range(15)})
    assert long_but_typed.status_code == 401 and "your answers are kept" in long_but_typed.get_data(as_text=True)
    assert kept() == 1
    fresh()
    assert len(db.session.scalar(select(FormStash.data)).encode()) < 256 * 1024


def test_only_ten_are_kept_for_an_ended_session(app, world):
    client = signed_out_browser(app, world.qa_lead)
    answers = [client.post(FORM, data={"name": f"Team {n}"}).get_data(as_text=True) for n in range(12)]
    assert all("your answers are kept" in page for page in answers[:10])
    assert all("too many forms sent after it ended" in page for page in answers[10:])
    assert kept() == 10


def test_only_fifty_are_kept_for_one_address(app, world):
    for _ in range(5):
        client = signed_out_browser(app, world.qa_lead)
        for n in range(10):
            client.post(FORM, data={"name": f"Team {n}"})
    assert kept() == 50
    last = signed_out_browser(app, world.qa_lead).post(FORM, data={"name": "one more"})
    assert "your answers were not kept" in last.get_data(as_text=True)
    assert kept() == 50
    # People behind one untrusted proxy are counted apart (their forwarded-for chains differ).
    behind = signed_out_browser(app, world.qa_lead).post(
        FORM, data={"name": "from behind the proxy"}, headers={"X-Forwarded-For": "10.1.2.3"})
    assert "your answers are kept" in behind.get_data(as_text=True)


def test_kept_forms_go_after_a_day_when_one_is_asked_for_and_on_the_scheduled_purge(app, world):
    start = clock.now()
    client = signed_out_browser(app, world.qa_lead)
    client.post(FORM, data={"name": "typed yesterday"})
    assert kept() == 1
    with clock.frozen_at(start + timedelta(hours=25)):
        # Coming back for it a day late: it has gone (and so has everything else past its day).
        key = client.get_cookie(COOKIE).value
        page = sign_in(client, world.qa_lead).get(f"{FORM}?restore={key}").get_data(as_text=True)
        assert "typed yesterday" not in page
        assert kept() == 0
        for _ in range(2):
            signed_out_browser(app, world.qa_lead).post(FORM, data={"name": "typed today"})
    with clock.frozen_at(start + timedelta(hours=50)):
        fresh()
        result = app.test_cli_runner().invoke(args=["purge", "--older-than-years", "7", "--yes"])
        assert result.exit_code == 0, result.output
        assert "2 kept forms nobody came back for" in result.output
        assert kept() == 0
