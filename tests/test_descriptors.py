"""Grade descriptors edited in the service (issue 24): a draft only editors see, published as a new
dated version with a note, the differences from the version before, each audit keeping the version
it opened with, old versions readable, history, locking and refusals, files in and out."""

import re
import tomllib

import pytest
from builders import month_sampled_by, person, reload, review_data
from sqlalchemy import select

from auditapp import history
from auditapp.extensions import db
from auditapp.framework import descriptors
from auditapp.grading import Grade, load_descriptors
from auditapp.models import DescriptorSet, Event

VOICE = "/grade-descriptors/draft/voice"
NEW_LINE = "The words of the child change the plan, and the record shows how."  # no quote: pages escape them


def voice_form(client, **changes) -> dict:
    """The voice domain's draft form as the page fills it, with `changes` (grade key -> text)."""
    page = client.get(VOICE).get_data(as_text=True)
    assert "Voice of the child" in page
    row = descriptors.draft()
    data = {key: "\n".join(lines) for key, lines in row.content["voice"]["grades"].items()}
    data.update(version=str(row.version), seen=str(descriptors.newest_entry()), **changes)
    return data


def started(client) -> None:
    assert client.post("/grade-descriptors/draft").status_code == 302


def publish_with_a_new_good_line(client, note="Voice: the child's words change the plan") -> None:
    started(client)
    current = descriptors.current().descriptors["voice"]
    good = "\n".join([*current.indicators[Grade.GOOD], NEW_LINE])
    assert client.post(VOICE, data=voice_form(client, good=good)).status_code == 302
    row = descriptors.draft()
    response = client.post("/grade-descriptors/draft/publish",
                           data={"note": note, "version": str(row.version), "seen": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_new_database_starts_with_the_files_as_version_1(world, as_user, app):
    page = as_user(world.seniors[0]).get("/grade-descriptors/versions").get_data(as_text=True)
    assert "Version 1" in page and "Loaded from the files" in page
    assert descriptors.current().recorded == app.config["DESCRIPTOR_VERSION"]
    # Starting a draft stores the files as version 1 first, so the versions' history starts where audits' does.
    started(as_user(world.qa_lead))
    stored = db.session.scalars(select(DescriptorSet).where(DescriptorSet.state == "published")).all()
    assert [(v.number, v.recorded) for v in stored] == [(1, app.config["DESCRIPTOR_VERSION"])]


def test_a_draft_is_seen_by_editors_only_and_published_as_a_dated_version(world, as_user):
    qa = as_user(world.qa_lead)
    publish_with_a_new_good_line(qa)
    version = descriptors.current()
    assert version.number == 2 and version.published_by == world.qa_lead.name
    assert version.note == "Voice: the child's words change the plan"
    assert version.recorded.startswith("voice 2026.2; assessment 2026.1")  # only the changed domain moves on
    page = as_user(world.auditors["Assessment North"][0]).get("/grade-descriptors").get_data(as_text=True)
    assert "Version 2, published 23 November 2026 by Quinn Lead" in page and NEW_LINE in page
    assert "What changed from version 1" in page and "Added" in page
    # The earlier version stays readable, unchanged.
    old = as_user(world.leader).get("/grade-descriptors/versions/1").get_data(as_text=True)
    assert NEW_LINE not in old and "A later version has been published" in old
    assert as_user(world.leader).get("/grade-descriptors/versions/9").status_code == 404


def test_nobody_but_editors_sees_or_changes_a_draft(world, as_user):
    qa = as_user(world.qa_lead)
    started(qa)
    qa.post(VOICE, data=voice_form(qa, good="A draft only editors should read."))
    for other in (world.leader, world.seniors[0], world.auditors["Assessment North"][0]):
        client = as_user(other)
        assert client.get("/grade-descriptors/draft").status_code == 403
        assert client.get(VOICE).status_code == 403
        assert "A draft only editors should read." not in client.get("/grade-descriptors").get_data(as_text=True)
    assert "A draft only editors should read." not in as_user(world.leader).get(
        "/grade-descriptors/versions/1").get_data(as_text=True)


def test_a_practice_lead_named_by_the_qa_lead_edits_and_publishes(world, as_user):
    lead = person("Priya Practice", "Quality Assurance", {"is_auditor", "is_practice_lead"})
    client = as_user(lead)
    assert client.get("/grade-descriptors/draft").status_code == 200
    publish_with_a_new_good_line(client, note="Revised by the practice lead")
    assert descriptors.current().published_by == "Priya Practice"
    published = db.session.scalars(select(Event).where(Event.action == history.DESCRIPTORS_PUBLISHED)).one()
    assert (published.user_id, published.field) == (lead.id, "Version 2")
    assert published.after == "Revised by the practice lead"


def test_the_diff_names_added_removed_and_changed_indicators(world, as_user):
    qa = as_user(world.qa_lead)
    started(qa)
    grades = descriptors.draft().content["voice"]["grades"]
    good = [grades["good"][0] + " Weekly.", *grades["good"][2:], NEW_LINE]  # changed, removed, added
    qa.post(VOICE, data=voice_form(qa, good="\n".join(good)))
    page = qa.get("/grade-descriptors/draft/publish").get_data(as_text=True)
    assert "Added</strong> " + NEW_LINE in page
    assert "Removed</strong> <del>" in page and grades["good"][1].replace("'", "&#39;") in page
    assert "Changed</strong> " in page and "It was: " in page
    [domain] = descriptors.draft_changes(descriptors.draft())
    [good_changes] = domain.grades
    assert good_changes.added == [NEW_LINE] and good_changes.removed == [grades["good"][1]]
    assert good_changes.changed == [(grades["good"][0], grades["good"][0] + " Weekly.")]


@pytest.mark.parametrize(("field", "text", "message"), [
    ("good", "", "Enter at least one indicator for Good (voice of the child in assessment and planning)"),
    ("inadequate", "\n".join(f"Line {n}" for n in range(11)), "has 11 indicators: enter 10 or fewer"),
    ("outstanding", "The child is <b>seen</b>.", "Indicator 1 for Outstanding"),
    ("requires_improvement", "x" * 601, "must be 600 characters or fewer"),
])
def test_a_bad_draft_is_refused_at_its_field_keeping_what_was_typed(world, as_user, field, text, message):
    qa = as_user(world.qa_lead)
    started(qa)
    before = descriptors.draft().content
    data = voice_form(qa, **{field: text})
    data["good" if field != "good" else "outstanding"] = "Typed and kept while refused."
    page = qa.post(VOICE, data=data).get_data(as_text=True)
    assert message in page.replace("&#39;", "'") and f'href="#{field}"' in page
    assert "Typed and kept while refused." in page
    db.session.expire_all()
    assert descriptors.draft().content == before


def test_publishing_needs_a_note_and_a_change(world, as_user):
    qa = as_user(world.qa_lead)
    started(qa)
    row = descriptors.draft()
    page = qa.post("/grade-descriptors/draft/publish", data={"note": "", "version": str(row.version)})
    assert "Enter a note of what changed in this version" in page.get_data(as_text=True)
    page = qa.post("/grade-descriptors/draft/publish", data={"note": "Nothing really", "version": str(row.version)})
    assert "Nothing has changed since version 1" in page.get_data(as_text=True)
    assert descriptors.current().number == 1 and descriptors.draft() is not None


def test_a_second_editor_is_refused_with_what_changed_keeping_their_typing(world, as_user):
    first, second = as_user(world.qa_lead), as_user(person("Pat Practice", "Quality Assurance",
                                                           {"is_practice_lead"}))
    started(first)
    opened_by_second = voice_form(second)
    first.post(VOICE, data=voice_form(first, good="The first editor's wording."))
    opened_by_second["good"] = "The second editor's wording."
    page = second.post(VOICE, data=opened_by_second).get_data(as_text=True)
    assert "This draft was changed after you opened this page" in page
    assert "Changed since you opened this page" in page and "Quinn Lead" in page
    assert "The first editor&#39;s wording." in page  # what changed
    assert "The second editor&#39;s wording." in page  # what they typed, kept
    db.session.expire_all()
    assert descriptors.draft().content["voice"]["grades"]["good"] == ["The first editor's wording."]
    # The page moved on to the version now saved: saving again from it goes through.
    version = re.search(r'<input[^>]*name="version"[^>]*>', page).group(0)
    opened_by_second["version"] = re.search(r'value="(\d+)"', version).group(1)
    assert second.post(VOICE, data=opened_by_second).status_code == 302
    db.session.expire_all()
    assert descriptors.draft().content["voice"]["grades"]["good"] == ["The second editor's wording."]


def test_a_published_version_never_changes(world, as_user):
    qa = as_user(world.qa_lead)
    publish_with_a_new_good_line(qa)
    published = db.session.scalars(select(DescriptorSet).where(DescriptorSet.number == 2)).one()
    with pytest.raises(Exception, match="published version never changes"):
        descriptors.save_domain(world.qa_lead, published, "voice", {"good": "Changed after publishing"})
    db.session.rollback()
    # Editing starts a new draft, from the version just published.
    started(qa)
    assert NEW_LINE in descriptors.draft().content["voice"]["grades"]["good"]
    assert descriptors.draft().id != published.id
    db.session.expire_all()
    assert db.session.get(DescriptorSet, published.id).content["voice"]["grades"]["good"][-1] == NEW_LINE


def test_an_audit_opened_before_a_new_version_keeps_its_version_until_submitted(world, as_user, app):
    audit, later = month_sampled_by(world.qa_lead)[:2]
    a = as_user(audit.auditor_a)
    a.post(f"/audits/{audit.id}/review/A", data=review_data(3, submit=False))
    first = reload(audit).review("A").descriptor_version
    assert first == app.config["DESCRIPTOR_VERSION"]
    publish_with_a_new_good_line(as_user(world.qa_lead))
    # The draft saved before still shows and records version 1 ...
    assert NEW_LINE not in a.get(f"/audits/{audit.id}/review/A").get_data(as_text=True)
    a.post(f"/audits/{audit.id}/review/A", data=review_data(3))
    assert reload(audit).review("A").descriptor_version == first
    # ... and an audit first opened now is graded against version 2.
    b = as_user(later.auditor_a)
    assert NEW_LINE in b.get(f"/audits/{later.id}/review/A").get_data(as_text=True)
    b.post(f"/audits/{later.id}/review/A", data=review_data(3, submit=False))
    assert reload(later).review("A").descriptor_version == descriptors.current().recorded != first


def test_discarding_a_draft_leaves_the_published_version(world, as_user):
    qa = as_user(world.qa_lead)
    started(qa)
    qa.post(VOICE, data=voice_form(qa, good="Never published."))
    row = descriptors.draft()
    assert qa.post("/grade-descriptors/draft/discard", data={"version": str(row.version - 1)}).status_code == 302
    assert descriptors.draft() is not None  # a stale page discards nothing
    assert qa.post("/grade-descriptors/draft/discard", data={"version": str(row.version)}).status_code == 302
    assert descriptors.draft() is None and descriptors.current().number == 1
    actions = db.session.scalars(select(Event.action).where(Event.action.startswith("Grade descriptors"))
                                 .order_by(Event.id)).all()
    assert actions == [history.DESCRIPTORS_LOADED, history.DESCRIPTORS_DRAFT_STARTED,
                       history.DESCRIPTORS_DRAFT_CHANGED, history.DESCRIPTORS_DRAFT_DISCARDED]


def test_export_and_import_move_the_descriptors_in_and_out(world, app, as_user, tmp_path):
    publish_with_a_new_good_line(as_user(world.qa_lead))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export-descriptors", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert NEW_LINE in (tmp_path / "voice.toml").read_text()
    exported = load_descriptors(tmp_path)  # the files read back as the service's own
    assert exported == descriptors.current().descriptors
    with (tmp_path / "voice.toml").open("rb") as f:
        assert tomllib.load(f)["published"].isoformat() == "2026-11-23"
    # The same files again change nothing; edited ones (with their version raised) are the next version.
    result = runner.invoke(args=["import-descriptors", str(tmp_path)])
    assert result.exit_code == 0 and "already the current version" in result.output
    text = (tmp_path / "plan.toml").read_text().replace('version = "2026.1"', 'version = "2027.1"')
    (tmp_path / "plan.toml").write_text(text.replace("The plan", "The child's plan", 1))
    result = runner.invoke(args=["import-descriptors", str(tmp_path), "--note", "From document control"])
    assert result.exit_code == 0, result.output
    assert descriptors.current().number == 3 and "plan 2027.1" in descriptors.current().recorded
    assert descriptors.current().note == "From document control"


def test_import_refuses_incomplete_files_with_exit_status_1(world, app, tmp_path):
    for path in app.config["GRADE_DESCRIPTORS_DIR"].glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text())
    text = (tmp_path / "voice.toml").read_text()
    (tmp_path / "voice.toml").write_text(re.sub(r"\ngood = \[.*?\n\]", "\ngood = []", text, flags=re.S))
    result = app.test_cli_runner().invoke(args=["import-descriptors", str(tmp_path)])
    assert result.exit_code == 1 and "voice.toml" in result.output
    assert descriptors.current().number == 1


def test_the_qa_lead_names_a_practice_lead_on_their_page(world, as_user):
    manager = world.auditors["Early Help"][0]
    qa = as_user(world.qa_lead)
    assert "Practice lead" in qa.get(f"/people/{manager.id}").get_data(as_text=True)
    assert as_user(manager).get("/grade-descriptors/draft").status_code == 403
    form = {"name": manager.name, "email": manager.email, "team": str(manager.team_id),
            "roles": ["is_auditor", "is_practice_lead"], "active": "y", "version": str(manager.version)}
    assert qa.post(f"/people/{manager.id}", data=form).status_code == 302
    page = as_user(manager).get("/grade-descriptors").get_data(as_text=True)
    assert "Start a draft of the next version" in page
    assert as_user(manager).get("/grade-descriptors/draft").status_code == 200


def test_the_versions_and_who_published_them_are_in_the_activity_log(world, as_user):
    qa = as_user(world.qa_lead)
    publish_with_a_new_good_line(qa, note="Clearer voice indicators")
    page = qa.get("/people/activity?kind=Grade+descriptors+published").get_data(as_text=True)
    assert "Clearer voice indicators" in page and "Quinn Lead" in page and "Version 2" in page
    listed = as_user(world.leader).get("/grade-descriptors/versions").get_data(as_text=True)
    assert listed.index("Version 2") < listed.index("Version 1")  # newest first
    assert "Clearer voice indicators" in listed and "Loaded from the files" in listed


def test_the_descriptors_print_one_domain_a_page(world, as_user):
    page = as_user(world.leader).get("/grade-descriptors").get_data(as_text=True)
    sections = re.findall(r'<section class="app-descriptor-domain([^"]*)"', page)
    # Each domain after the first starts a new printed page; the links and buttons do not print.
    assert sections == [""] + [" app-print-break"] * 5
    assert 'class="app-no-print"' in page and "Print the descriptors" in page


def test_the_moderator_grades_against_the_version_the_auditors_used(world, as_user):
    audit = month_sampled_by(world.qa_lead)[0]
    as_user(audit.auditor_a).post(f"/audits/{audit.id}/review/A", data=review_data(3))
    publish_with_a_new_good_line(as_user(world.qa_lead))  # after A, before B
    as_user(audit.auditor_b).post(f"/audits/{audit.id}/review/B", data=review_data(2))
    first = reload(audit).review("A").descriptor_version
    assert reload(audit).review("B").descriptor_version == descriptors.current().recorded != first
    moderator = as_user(audit.moderator)
    assert NEW_LINE not in moderator.get(f"/audits/{audit.id}/moderate").get_data(as_text=True)
    moderator.post(f"/audits/{audit.id}/moderate", data={"voice_grade": "3", "save": "Save"})
    assert reload(audit).descriptor_version == first
