"""Every form keeps what was typed when it is refused: walked over the URL map, so a new form
cannot escape it. Each POST route that someone may use is opened as that person, every text box
of its form is filled with a marker (choices left unmade, so most rules refuse), and it is
posted: a refusal (200) must show each marker again; an acceptance (302) is fine."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from conftest import person, sign_in
from test_access import build_scene, matrix, personas_for

from auditapp.extensions import db
from auditapp.models import User
from auditapp.models.loading import PERSON_ROW
from auditapp.permissions import SYSTEM
from auditapp.security.people import save_user

ALLOWED = {200, 302}
KEEP = {"version", "seen", "csrf_token", "progress-version", "verify-version"}


class Forms(HTMLParser):
    """The POST forms of a page: their action, text boxes and hidden fields, and first submit button."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "text": [], "hidden": {}, "submit": None}
            self.forms.append(self._form)
        elif self._form is not None and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if tag == "textarea" or (tag == "input" and kind in ("text", "email", "search", "number")):
                self._form["text"].append(a["name"])
            elif tag == "input" and kind == "hidden":
                self._form["hidden"][a["name"]] = a.get("value") or ""
            elif (tag == "button" or (tag == "input" and kind == "submit")) and self._form["submit"] is None:
                self._form["submit"] = a["name"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms_to_try(app, world):
    """(url, who, user, form fields with markers) for the first form of every POST route someone may use."""
    scene = build_scene(world)
    gone = person("Dee Parted", "Service leadership", {"is_qa_lead"})
    gone = db.session.get(User, gone.id, options=PERSON_ROW, populate_existing=True)
    save_user(SYSTEM, gone, name=gone.name, email=gone.email, team=gone.team, roles={"is_qa_lead"}, active=False)
    db.session.commit()
    clients = {}
    for method, url, audit, expected in matrix(scene):
        if method != "POST" or url in ("/sign-out", "/session/keep-alive", "/sign-in"):
            continue
        personas = personas_for(world, audit, gone)
        allowed = [p for p, status in expected.items() if status in ALLOWED and personas[p] is not None
                   and p != "deactivated"]
        if not allowed:
            continue
        user = personas[allowed[0]]
        client = clients.get(user.id) or clients.setdefault(user.id, sign_in(app.test_client(), user))
        page = client.get(url)
        if page.status_code != 200:
            continue
        parser = Forms()
        parser.feed(page.get_data(as_text=True))
        form = next((f for f in parser.forms if f["action"] in ("", url, url.split("?")[0]) and f["text"]), None)
        if form is None:
            continue
        data, markers = dict(form["hidden"]), {}
        for n, name in enumerate(form["text"]):
            if name not in KEEP:
                markers[name] = data[name] = f"typed-{n}-{re.sub(r'[^a-z]', '', name)}"
        if form["submit"]:
            data[form["submit"]] = "x"
        yield url, allowed[0], user, client, data, markers


def test_every_refused_form_shows_again_what_was_typed(app, world):
    lost, tried = [], 0
    for url, who, _, client, data, markers in forms_to_try(app, world):
        tried += 1
        response = client.post(url, data=data)
        if response.status_code == 200:
            body = response.get_data(as_text=True)
            missing = [name for name, marker in markers.items() if marker not in body]
            if missing:
                lost.append(f"{url} as {who}: lost {missing}")
        elif response.status_code != 302:
            lost.append(f"{url} as {who}: answered {response.status_code}")
    print(f"refusals: {tried} forms tried")
    assert tried >= 20
    assert lost == [], "\n".join(lost)


def test_every_form_sent_after_the_session_ended_comes_back_after_signing_in(app, world):
    lost, tried = [], 0
    for url, who, user, _, data, markers in forms_to_try(app, world):
        tried += 1
        client = sign_in(app.test_client(), user)
        client.post("/sign-out")
        ended = client.post(url, data=data)
        if ended.status_code != 401:
            lost.append(f"{url} as {who}: not kept ({ended.status_code})")
            continue
        link = re.search(r'href="(/sign-in\?next=[^"]+)"', ended.get_data(as_text=True)).group(1)
        carry_on = parse_qs(urlsplit(html.unescape(link)).query)["next"][0]
        sign_in(client, user)
        body = client.get(carry_on).get_data(as_text=True)
        missing = [name for name, marker in markers.items() if marker not in body]
        if missing:
            lost.append(f"{url} as {who}: not restored {missing}")
    print(f"ended sessions: {tried} forms tried")
    assert tried >= 20
    assert lost == [], "\n".join(lost)
