"""Hostile input on every form of the URL map (issue 19): each POST route someone may use is sent
what a penetration test sends (NUL and control characters, 100,000 characters, markup, formulas,
SQL, numbers that are not numbers, a forged version, repeated and missing fields, choices that are
not offered). Nothing may answer 500, and a post that is refused must leave the database exactly
as it was: nothing half-saved."""

import hashlib
import re

from sqlalchemy import select
from test_typed_text_kept import KEEP, Forms, forms_to_try
from werkzeug.datastructures import MultiDict

from auditapp.extensions import db

TEXT = {
    "NUL": "before\x00after",
    "control character": "bell\x07 and \x1b escape",
    "100,000 characters": "A" * 100_000,
    "right-to-left and emoji": "\u202eevil\u202c 💥 ünïcödé",
    "markup": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "formula": '=HYPERLINK("https://evil.example","x")',
    "SQL": "'; DROP TABLE audit; --",
    "not a number": "1e309",
    "blank": "   ",
}
HIDDEN = {"version": ["abc", "-1", "99999999999999999999"], "seen": ["x", "-5"]}
# Rows that a refused post may still write, by design: who read what, the session's last use.
WRITTEN_ON_EVERY_REQUEST = {"read_record", "user_session", "sign_in_attempt", "form_stash"}


class WithChoices(Forms):
    """The same forms, with the names of their radios, checkboxes and selects as well."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        a = dict(attrs)
        if self._form is not None and a.get("name") and (
                tag == "select" or (tag == "input" and (a.get("type") or "") in ("radio", "checkbox"))):
            self._form.setdefault("choices", set()).add(a["name"])


def state_of_the_database() -> str:
    digest = hashlib.sha256()
    with db.engine.connect() as connection:  # what is committed, whatever the test's session holds
        for table in db.metadata.sorted_tables:
            if table.name not in WRITTEN_ON_EVERY_REQUEST:
                for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                    digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def hostile_posts(url: str, data: dict, choices: set[str]):
    texts = [name for name in data if name not in KEEP and not name.endswith("-version")
             and data[name].startswith("typed-")]
    for kind, value in TEXT.items():
        yield kind, {**data, **{name: value for name in texts}, **{name: "not-one-offered" for name in choices}}
    for name, values in HIDDEN.items():
        for value in values:
            if name in data:
                yield f"{name}={value}", {**data, name: value}
    yield "every field twice", MultiDict([(k, v) for k, v in data.items()] * 2)
    yield "nothing but the token", {k: v for k, v in data.items() if k == "csrf_token"}


def test_no_form_answers_500_or_half_saves_whatever_it_is_sent(app, world):
    failures, forms, posts, refused, accepted = [], 0, 0, 0, 0
    for url, who, _, client, data, _ in forms_to_try(app, world):
        forms += 1
        parser = WithChoices()
        parser.feed(client.get(url).get_data(as_text=True))
        form = next((f for f in parser.forms if f["action"] in ("", url, url.split("?")[0]) and f["text"]), {})
        for kind, payload in hostile_posts(url, data, form.get("choices", set())):
            before = state_of_the_database()
            response = client.post(url, data=payload)
            posts += 1
            if response.status_code >= 500:
                failures.append(f"{url} as {who}, {kind}: answered {response.status_code}")
            elif response.status_code == 302 or re.search("saved as a draft|Token created",
                                                          response.get_data(as_text=True)):
                # A refused sign-off saves the moderation as a draft, by design, and says so; a new
                # feed token is shown on the page that created it (once: it cannot be redirected to).
                accepted += 1
            else:
                refused += 1
                if state_of_the_database() != before:
                    failures.append(f"{url} as {who}, {kind}: refused ({response.status_code}) "
                                    "but changed the database")
    print(f"hostile posts: {forms} forms, {posts} posts, {refused} refused, {accepted} accepted, "
          f"{len(failures)} failures")
    assert forms >= 20 and posts >= forms * 12
    assert failures == [], "\n".join(failures)
