"""Two tabs on every form, walked over the URL map (the POST routes of the access matrix), so a new
editable form cannot escape: each form over an existing record is opened in one tab, another tab
(the same person) saves first, and the first tab then saves what it typed. It must be refused as a
conflict, with the typed text on the page, and the database must be exactly as the other tab left
it. A POST route that edits no existing record is listed below with the reason; a route in
neither list fails the test."""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from builders import in_full, sign_in
from sqlalchemy import select
from test_access import build_scene, matrix, personas_for

from auditapp.audits.moderation import ModerationEntry, save_moderation
from auditapp.extensions import db
from auditapp.grading import JUDGEMENTS

REFUSED = re.compile(r"changed after you opened (this|the) page|saved by someone else at the same moment"
                     r"|saved from another tab after you opened this page")
# Fields whose text has a shape (an address, a date, a number): the other tab keeps what the page showed.
SHAPED = {"email", "due", "held_on", "starts_on", "ends_on", "attempted_on", "day", "max_audits_per_month", "q",
          "every_months", "target", "target_by", "review_on"}
# Tables any request may write whatever it does: left out of "the database is as the other tab left it".
MOVING = {"read_record": "every page shown is recorded as read",
          "user_session": "each request moves its session's last-seen time",
          "sign_in_attempt": "signing the tabs in", "form_stash": "kept only for ended sessions",
          "history_purge": "the purge's own marker"}

# Routes whose forms edit no existing record, so no other tab's save can go stale under them.
NOT_EDITING = {
    "/sign-in": "signs in: no record", "/sign-out": "signs out: no record",
    "/session/keep-alive": "keeps the session: no record",
    "/people/": "an upload: adds or updates people by email from a file, no form over one record",
    "/people/new": "creates a person (a second with the same email is refused)",
    "/people/teams": "creates a team (a second with the same name is refused)",
    "/people/closure-days": "creates a closure day (the same day twice is refused)",
    "/people/closure-days/<int:closure_id>/remove": "removes a closure day: they are never edited",
    "/people/<int:user_id>/absences": "creates a period away (an overlapping one is refused: test_stale_saves)",
    "/people/<int:user_id>/absences/<int:absence_id>/remove":
        "removes a period away: they are never edited, so only a removal can precede it (then 404); its version "
        "is checked (test_stale_saves)",
    "/cases": "an upload of the case register: no form over one record",
    "/people/feed-tokens": "creates a dashboard feed token",
    "/people/feed-tokens/<int:token_id>/revoke": "revokes a token once (its version is checked; test_feed)",
    "/cases/past-audits": "an upload of past audits: adds audits matched by month and case, edits none",
    "/cases/imports/<int:job_id>": "answers an import's questions once (a second answer finds the import moved on)",
    "/cycles/new": "opens a month (one open month each, by a unique index)",
    "/cycles/<month>": "draws the sample once (a second draw is refused)",
    "/cycles/<month>/cancel": "cancels a month once (refused once cancelled or once work is saved)",
    "/audits/<int:audit_id>/withdraw": "asks once for a withdrawal (refused while one is pending)",
    "/audits/<int:audit_id>/withdrawal": "decides a pending withdrawal once (refused once decided)",
    "/audits/<int:audit_id>/concerns/new": "raises a concern (the same twice within 10 minutes is refused)",
    "/concerns/<int:concern_id>/acknowledge": "records the response once (refused once acknowledged)",
    "/audits/<int:audit_id>/reopen": "reopens a signed-off audit once (refused once open)",
    "/audits/<int:audit_id>/actions/new": "creates an action",
    "/themes": "creates a theme (a second with the same name is refused)",
    "/audits/<int:audit_id>/family": "records an attempt to reach the family: each attempt is its own record",
    "/targeted/new": "starts a targeted audit",
    "/grade-descriptors/draft": "starts the one draft of the descriptors (a second start finds the first)",
    "/audits/<int:audit_id>/single-review": "agrees or returns a single audit once (its version is checked: "
                                            "test_typed_audits)",
    "/audit-types/new": "creates an audit type (a second of the same name is refused)",
    "/audit-types/<int:type_id>/draft/start": "starts a type's one draft (a second start finds the first)",
    "/audit-types/<int:type_id>/retire": "retires a type once (refused once retired; its version is checked: "
                                         "test_audit_types)",
    "/reports/targets": "sets a target from a month: each is a record of its own, never edited",
    "/targeted/<int:cycle_id>": "adds cases to a targeted audit (a case already in it is refused)",
    "/calibration/new": "sets up a calibration exercise",
    "/calibration/<int:exercise_id>/open": "opens an exercise once (refused once open; a change to the agreed "
                                           "grades since the page opened is refused by its version)",
    "/priorities/new": "raises a practice priority",
    "/priorities/<int:priority_id>/links": "links things to a priority (the same link twice adds nothing)",
    "/priorities/<int:priority_id>/links/<int:link_id>/remove": "removes a link: links are never edited",
    "/priorities/<int:priority_id>/activities/new": "records a learning activity",
    "/priorities/<int:priority_id>/targeted": "starts a targeted audit from a priority",
    "/you-said-we-did/new": "records what was changed in response",
    "/documents/self-evaluation/<code>/review": "records the QA lead's review of a year (a history entry: "
        "reviewing again adds one more, never overwrites)",
}


class Forms(HTMLParser):
    """Every POST form of a page with the values it would send as it stands: text, hidden fields,
    ticked boxes and radios, chosen options, and the button that saves it."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "values": {}, "text": [], "boxes": [], "submit": None}
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        kind = (a.get("type") or "text").lower()
        if tag == "input" and name:
            if kind in ("checkbox", "radio"):
                form["boxes"].append((name, a.get("value") or "y"))
                if "checked" in a:
                    form["values"].setdefault(name, []).append(a.get("value") or "y")
            elif kind == "submit":
                self._button(name, a.get("value") or "x")
            else:
                form["values"][name] = [a.get("value") or ""]
                if kind == "text":
                    form["text"].append(name)
        elif tag == "textarea" and name:
            self._textarea = name
            form["values"][name] = [""]
            form["text"].append(name)
        elif tag == "select" and name:
            self._select = name
            form["values"][name] = []
        elif tag == "option" and self._select:
            chosen = form["values"][self._select]
            if "selected" in a or not chosen:
                form["values"][self._select] = [a.get("value") or ""]
        elif tag == "button" and name:
            self._button(name, a.get("value") or "x")

    def _button(self, name: str, value: str) -> None:
        # The button a tab saves with: "save" (a draft) where the form has one, else its first.
        if self._form["submit"] is None or name.rsplit("-", 1)[-1] == "save":
            self._form["submit"] = (name, value)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["values"][self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_on(client, page: str, action: str, version_field: str) -> dict:
    """The form on `page` that posts to `action` and carries `version_field`."""
    response = client.get(page)
    parser = Forms()
    parser.feed(response.get_data(as_text=True))
    form = next((f for f in parser.forms if version_field in f["values"]
                 and (f["action"].split("?")[0] == action or (not f["action"] and page == action))), None)
    assert form is not None, f"no form posting to {action} with {version_field} on {page} ({response.status_code})"
    return form


def filled(form: dict, prefix: str) -> tuple[dict, dict]:
    """The form's values with each free text replaced by a marker of this tab; and the markers."""
    data = {name: list(values) for name, values in form["values"].items()}
    markers = {name: f"{prefix}-{n}-{re.sub(r'[^a-z]', '', name)}" for n, name in enumerate(form["text"])
               if name not in SHAPED and not name.endswith("version")}
    data.update({name: [marker] for name, marker in markers.items()})
    if form["submit"]:
        data[form["submit"][0]] = [form["submit"][1]]
    return data, markers


def database() -> dict:
    """Every row of every table but those any request moves."""
    db.session.rollback()
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables if table.name not in MOVING}


@dataclass
class Edit:
    url: str                                   # where the form posts
    persona: str                               # who uses it (one of test_access.PERSONAS)
    page: str | None = None                    # where the form is, if not at its own URL
    version_field: str = "version"
    # How the other tab saves first: given its client and its copy of the form's values; True if saved.
    other: Callable | None = None
    # What the first tab changes besides its typed text (a form of choices only has no text).
    stale: Callable[[dict], dict] = lambda data: data
    answered_on_the_page: bool = True          # False: an act answered by a redirect and a message
    of: object = None                          # the audit whose people `persona` names, if not the matrix row's


def post_ok(client, url: str, data: dict) -> bool:
    return client.post(url, data=data).status_code == 302


_saves = itertools.count()


def edits(scene) -> dict[str, Edit]:
    d, ready, signed_off = scene.draft, scene.ready, scene.signed_off
    theme = str(scene.theme.id)

    def other_allocation(client, data):
        # Another auditor B from outside the case's team: one the rules accept.
        options = re.findall(r'<option value="(\d+)"', client.get(f"/audits/{d.id}/allocation").get_data(as_text=True))
        return any(post_ok(client, f"/audits/{d.id}/allocation", data | {"auditor_b": [o]})
                   for o in options if o != str(d.auditor_b_id))

    def other_review_save(client, _):
        form = form_on(client, f"/audits/{d.id}/review/A", f"/audits/{d.id}/review/A", "version")
        return post_ok(client, f"/audits/{d.id}/review/A", filled(form, "other")[0])

    def other_moderation_save(client, _):
        url = f"/audits/{ready.id}/moderate"
        return post_ok(client, url, filled(form_on(client, url, url, "version"), "other")[0])

    def other_action_edit(client, _):
        url = f"/actions/{scene.proposal.id}/edit"
        return post_ok(client, url, filled(form_on(client, url, url, "version"), "other")[0])

    def other_draft_save(client, _):
        # New words each time: a save that changes nothing moves no version on.
        url = "/grade-descriptors/draft/plan"
        return post_ok(client, url, filled(form_on(client, url, url, "version"), f"other{next(_saves)}")[0])

    def other_type_draft_save(client, _):
        url = f"/audit-types/{scene.audit_type.id}/draft"
        return post_ok(client, url, filled(form_on(client, url, url, "version"), f"other{next(_saves)}")[0])

    def retire_and_offer_again(client, data):
        url = f"/themes/{theme}/retire"
        saved = post_ok(client, url, data | {"retired": ["1"]})
        again = form_on(client, "/themes", url, "version")["values"]
        return saved and post_ok(client, url, again | {"retired": ["0"]})

    return {
        "/people/<int:user_id>": Edit(f"/people/{d.auditor_b_id}", "qa_lead"),
        "/people/teams/<int:team_id>": Edit(f"/people/teams/{d.case.team_id}", "qa_lead"),
        "/audits/<int:audit_id>/allocation": Edit(f"/audits/{d.id}/allocation", "qa_lead", other=other_allocation),
        "/audits/<int:audit_id>/review/<role>": Edit(f"/audits/{d.id}/review/A", "auditor_a"),
        "/audits/<int:audit_id>/review/<role>/check": Edit(
            f"/audits/{d.id}/review/A/check", "auditor_a", other=other_review_save, of=d, answered_on_the_page=False),
        "/audits/<int:audit_id>/moderate": Edit(f"/audits/{ready.id}/moderate", "moderator"),
        "/audits/<int:audit_id>/moderate/check": Edit(
            f"/audits/{ready.id}/moderate/check", "moderator", other=other_moderation_save,
            answered_on_the_page=False),
        "/actions/<int:action_id>/edit": Edit(f"/actions/{scene.proposal.id}/edit", "auditor_a"),
        "/actions/<int:action_id>/remove": Edit(
            f"/actions/{scene.proposal.id}/remove", "auditor_a", other=other_action_edit),
        "/actions/<int:action_id>": Edit(f"/actions/{scene.action.id}", "auditor_a", version_field="progress-version"),
        "/themes/<int:theme_id>/retire": Edit(f"/themes/{theme}/retire", "qa_lead", page="/themes",
                                              other=retire_and_offer_again, answered_on_the_page=False),
        "/audits/<int:audit_id>/themes/<role>": Edit(
            f"/audits/{d.id}/themes/A", "auditor_a",
            other=lambda client, data: post_ok(client, f"/audits/{d.id}/themes/A", data | {"worry": [theme]}),
            stale=lambda data: data | {"strength": [theme]}),
        "/audits/<int:audit_id>/reply": Edit(f"/audits/{signed_off.id}/reply", "auditor_a"),
        "/audits/<int:audit_id>/reply/response": Edit(f"/audits/{signed_off.id}/reply/response", "moderator"),
        "/audits/<int:audit_id>/family/feedback": Edit(
            f"/audits/{d.id}/family/feedback", "auditor_b",
            other=lambda client, data: post_ok(client, f"/audits/{d.id}/family/feedback",
                                               data | {"outcome": ["not_contacted"]}),
            stale=lambda data: data | {"outcome": ["not_contacted"]}),
        "/targeted/<int:cycle_id>/change": Edit(f"/targeted/{scene.targeted.id}/change", "qa_lead"),
        "/grade-descriptors/draft/<key>": Edit("/grade-descriptors/draft/voice", "qa_lead"),
        # Publishing or discarding a draft another editor has changed since: refused, the note kept.
        "/grade-descriptors/draft/publish": Edit("/grade-descriptors/draft/publish", "qa_lead",
                                                 other=other_draft_save),
        "/grade-descriptors/draft/discard": Edit("/grade-descriptors/draft/discard", "qa_lead",
                                                 page="/grade-descriptors/draft", other=other_draft_save,
                                                 answered_on_the_page=False),
        "/audit-types/<int:type_id>/draft": Edit(f"/audit-types/{scene.audit_type.id}/draft", "qa_lead"),
        "/audit-types/<int:type_id>/draft/publish": Edit(f"/audit-types/{scene.audit_type.id}/draft/publish",
                                                         "qa_lead", other=other_type_draft_save),
        "/audit-types/<int:type_id>/draft/discard": Edit(f"/audit-types/{scene.audit_type.id}/draft/discard",
                                                         "qa_lead", page=f"/audit-types/{scene.audit_type.id}/draft",
                                                         other=other_type_draft_save, answered_on_the_page=False),
        "/calibration/<int:exercise_id>/agreed": Edit(f"/calibration/{scene.draft_exercise.id}/agreed", "moderator"),
        "/calibration/<int:exercise_id>/grade": Edit(f"/calibration/{scene.exercise.id}/grade", "auditor_a"),
        "/calibration/rule": Edit("/calibration/rule", "qa_lead"),
        "/priorities/<int:priority_id>/edit": Edit(f"/priorities/{scene.priority.id}/edit", "qa_lead"),
        # The other tab closes it; the first tab's close, opened before, is refused as stale.
        "/priorities/<int:priority_id>/close": Edit(
            f"/priorities/{scene.priority.id}/close", "qa_lead",
            other=lambda client, data: post_ok(client, f"/priorities/{scene.priority.id}/close",
                                               data | {"outcome": ["met"]}),
            stale=lambda data: data | {"outcome": ["not_met"]}),
        "/reports/<month>/commentary": Edit(f"/reports/{scene.month}/commentary", "qa_lead"),
    }


def moderated_draft(audit) -> None:
    """A complete moderation saved, so its check page opens."""
    audit = in_full(audit)
    entry = ModerationEntry(key_issues_a="yes", key_issues_b="partly", feedback_a="Well evidenced",
                            feedback_b="Look harder at impact")
    entry.grades = dict.fromkeys(JUDGEMENTS, 2)
    entry.rationales = dict.fromkeys(JUDGEMENTS, "The independent view is better evidenced")
    save_moderation(audit.moderator, audit, entry)
    db.session.commit()


def test_every_stale_save_is_refused_with_the_typed_text_and_nothing_overwritten(app, world):
    scene = build_scene(world)
    moderated_draft(scene.ready)
    specs = edits(scene)
    adapter = app.url_map.bind("localhost")
    posted_rules = {rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    # Every POST route is either swept here or listed with its reason: a new form cannot escape.
    assert posted_rules - set(specs) - set(NOT_EDITING) == set()
    assert set(specs) & set(NOT_EDITING) == set()

    walked, tried, refused, wrong = set(), 0, 0, []
    for method, url, audit, _ in matrix(scene):
        if method != "POST":
            continue
        rule = adapter.match(url.split("?")[0], method="POST", return_rule=True)[0].rule
        if rule in NOT_EDITING or rule in walked:
            continue
        walked.add(rule)
        edit = specs[rule]
        user = personas_for(world, edit.of or audit, None)[edit.persona]
        first, second = sign_in(app.test_client(), user), sign_in(app.test_client(), user)
        page = edit.page or edit.url
        first_form = form_on(first, page, edit.url, edit.version_field)
        second_form = form_on(second, page, edit.url, edit.version_field)
        theirs = filled(second_form, "other")[0]
        if not (edit.other or (lambda client, data, url=edit.url: post_ok(client, url, data)))(second, theirs):
            wrong.append(f"{rule}: the other tab could not save")
            continue
        before = database()
        typed, markers = filled(first_form, "typed")
        tried += 1
        response = first.post(edit.url, data=edit.stale(typed), follow_redirects=not edit.answered_on_the_page)
        body = response.get_data(as_text=True)
        problems = []
        if response.status_code != 200 or not REFUSED.search(body):
            problems.append(f"not refused as a conflict ({response.status_code})")
        if edit.answered_on_the_page:
            problems += [f"lost {name}" for name, marker in markers.items() if marker not in body]
            ticked = [(name, v) for name, values in edit.stale(typed).items() for v in values
                      if (name, v) in first_form["boxes"] and name not in markers]
            problems += [f"unticked {name}={v}" for name, v in ticked
                         if not re.search(rf'name="{name}"[^>]*value="{v}"[^>]*checked|'
                                          rf'value="{v}"[^>]*name="{name}"[^>]*checked', body)]
        if database() != before:
            problems.append("the database changed")
        if problems:
            wrong.append(f"{rule} as {edit.persona}: " + "; ".join(problems))
        else:
            refused += 1
    print(f"\nstale saves refused: {refused} of {tried} tried; {len(walked)} editable forms walked, "
          f"{len(NOT_EDITING)} routes listed as editing no existing record")
    assert walked == set(specs), f"never walked: {set(specs) - walked}"
    assert wrong == [], "\n".join(wrong)
    assert refused == tried == len(specs)
