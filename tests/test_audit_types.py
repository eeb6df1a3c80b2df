"""Audit types defined in the service (issue 24): a new type's draft seen only by editors, its
questions added, moved and removed, refused with the field named and the typing kept, published as
a dated version with a note, the differences from the version before, retired but never deleted,
optimistic locking between two editors, and every change in the history."""

import re

from builders import person
from sqlalchemy import select

from auditapp import history
from auditapp.extensions import db
from auditapp.framework import audit_types, type_files
from auditapp.models import AuditType, AuditTypeVersion, Event
from auditapp.permissions import SYSTEM

GRADE = {"outstanding": "Reflective, every time", "good": "Reflective", "requires_improvement": "Sometimes reflective",
         "inadequate": "Never reflective"}


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="(\d*)"', page).group(1)


def created(client, name="Neglect toolkit check", course="single") -> AuditType:
    response = client.post("/audit-types/new", data={"name": name, "purpose": "Is the toolkit used?", "course": course})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(AuditType).where(AuditType.name == name)).one()


def draft_data(client, kind: AuditType, questions: list[dict], **settings) -> dict:
    """The draft form as its page carries it (version, history mark), with these questions and settings."""
    page = client.get(f"/audit-types/{kind.id}/draft").get_data(as_text=True)
    data = {"version": hidden(page, "version"), "seen": hidden(page, "seen"), "count": str(len(questions)),
            "name": kind.name, "purpose": "Is the toolkit used?", "course": "single", "save": "Save the draft"}
    for n, q in enumerate(questions, 1):
        data |= {f"question_{n}_{part}": value for part, value in q.items() if part != "required"}
        if q.get("required", True):
            data[f"question_{n}_required"] = "y"
    return data | settings


def grade_question(text="Was the toolkit used well?", **descriptors) -> dict:
    return {"kind": "grade", "text": text, "hint": "", **(GRADE | descriptors)}


def yes_no(text="Toolkit on file") -> dict:
    return {"kind": "yes no", "text": text, "hint": "Look in the documents tab"}


def published(client, kind: AuditType, note="First version") -> AuditTypeVersion:
    page = client.get(f"/audit-types/{kind.id}/draft/publish").get_data(as_text=True)
    response = client.post(f"/audit-types/{kind.id}/draft/publish",
                           data={"note": note, "version": hidden(page, "version"), "seen": hidden(page, "seen")})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = audit_types.latest(kind.id)
    assert found is not None
    return found


def test_a_type_is_drafted_then_published_as_a_dated_version_everyone_can_read(world, as_user):
    qa = as_user(world.qa_lead)
    kind = created(qa)
    assert qa.post(f"/audit-types/{kind.id}/draft",
                   data=draft_data(qa, kind, [grade_question(), yes_no()])).status_code == 302
    # Nobody but editors sees the draft, or even that the unpublished type exists.
    auditor = as_user(world.auditors["Assessment North"][0])
    assert auditor.get(f"/audit-types/{kind.id}/draft").status_code == 403
    assert auditor.get(f"/audit-types/{kind.id}").status_code == 404
    assert "Neglect toolkit check" not in auditor.get("/audit-types").get_data(as_text=True)
    row = published(qa, kind)
    assert (row.number, row.state, row.course, row.published_by_id) == (1, "published", "single", world.qa_lead.id)
    page = auditor.get(f"/audit-types/{kind.id}").get_data(as_text=True)
    assert "Version 1, published 23 November 2026 by Quinn Lead" in page
    assert "Was the toolkit used well?" in page and "Reflective, every time" in page
    assert "Yes, no or not applicable, required. Hint: Look in the documents tab" in page
    listed = auditor.get("/audit-types").get_data(as_text=True)
    assert "Neglect toolkit check" in listed and "In use" in listed
    actions = [e.action for e in db.session.scalars(select(Event).where(
        Event.field == history.type_field(kind.id)).order_by(Event.id))]
    assert actions == [history.AUDIT_TYPE_CREATED, history.AUDIT_TYPE_DRAFT_CHANGED, history.AUDIT_TYPE_PUBLISHED]


def test_a_published_version_never_changes_and_the_next_shows_what_changed(world, as_user):
    qa = as_user(world.qa_lead)
    kind = created(qa)
    qa.post(f"/audit-types/{kind.id}/draft", data=draft_data(qa, kind, [grade_question(), yes_no()]))
    first = published(qa, kind)
    assert qa.post(f"/audit-types/{kind.id}/draft").status_code == 404  # no draft now: nothing to save into
    assert qa.post(f"/audit-types/{kind.id}/draft/start").status_code == 302
    # Publishing the copy unchanged is refused.
    page = qa.get(f"/audit-types/{kind.id}/draft/publish").get_data(as_text=True)
    refused = qa.post(f"/audit-types/{kind.id}/draft/publish", data={
        "note": "No change", "version": hidden(page, "version"), "seen": hidden(page, "seen")})
    assert refused.status_code == 200 and "Nothing has changed since version 1" in refused.get_data(as_text=True)
    changed = [grade_question(good="Reflective, and it shaped the plan"), yes_no("Toolkit scored"),
               {"kind": "number", "text": "How many visits?", "hint": "", "required": False}]
    assert qa.post(f"/audit-types/{kind.id}/draft", data=draft_data(qa, kind, changed)).status_code == 302
    second = published(qa, kind, note="Clearer good; visits counted")
    assert second.number == 2
    db.session.refresh(first)
    assert len(first.content["questions"]) == 2 and first.content["questions"][0]["descriptors"]["good"] == "Reflective"
    page = as_user(world.leader).get(f"/audit-types/{kind.id}").get_data(as_text=True)
    assert "What changed from version 1" in page and "short descriptors changed for good" in page
    assert "Question 3: How many visits?" in page and "Toolkit scored" in page
    old = as_user(world.leader).get(f"/audit-types/{kind.id}/versions/1").get_data(as_text=True)
    assert "How many visits?" not in old and "A later version has been published" in old
    versions = as_user(world.leader).get(f"/audit-types/{kind.id}/versions").get_data(as_text=True)
    assert "Clearer good; visits counted" in versions and "First version" in versions


def test_refusals_name_the_field_and_keep_the_typing(world, as_user):
    qa = as_user(world.qa_lead)
    kind = created(qa)
    cases = [
        ([grade_question(text="Was drift challenged?", good="")], "question_1_good",
         "Enter question 1&#39;s short descriptor for good", "Was drift challenged?"),
        ([{"kind": "text", "text": "", "hint": "A hint typed without its question"}], "question_1_text",
         "Enter the text of question 1", "A hint typed without its question"),
        ([yes_no("<b>Bold</b> item")], "question_1_text", "must be plain text", "&lt;b&gt;Bold&lt;/b&gt; item"),
        ([yes_no("A" * 501)], "question_1_text", "500 characters or fewer", "A" * 501),
        ([], "", "there is nothing to answer", "Is the toolkit used?"),
    ]
    for questions, field, message, kept in cases:
        response = qa.post(f"/audit-types/{kind.id}/draft", data=draft_data(qa, kind, questions))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, message
        assert kept in page, kept
        if field:
            assert f'href="#{field}"' in page  # the error summary links to the field
    assert db.session.get(AuditTypeVersion, audit_types.draft_of(kind.id).id).content["questions"] == []
    # A new type's name must be new, and plain.
    for name, message in (("Neglect toolkit check", "There is already an audit type called"),
                          ("<i>x</i>", "must be plain text")):
        page = qa.post("/audit-types/new", data={"name": name, "course": "single"}).get_data(as_text=True)
        assert message in page


def test_questions_are_added_moved_and_removed_keeping_the_typing_until_saved(world, as_user):
    qa = as_user(world.qa_lead)
    kind = created(qa)
    data = draft_data(qa, kind, [yes_no("First item"), yes_no("Second item")])
    moved = qa.post(f"/audit-types/{kind.id}/draft", data=data | {"act": "down-1"}).get_data(as_text=True)
    assert "not saved yet" in moved
    assert moved.index("Second item") < moved.index("First item")
    added = qa.post(f"/audit-types/{kind.id}/draft", data=data | {"act": "add"}).get_data(as_text=True)
    assert 'name="question_3_text"' in added and hidden(added, "count") == "3"
    removed = qa.post(f"/audit-types/{kind.id}/draft", data=data | {"act": "remove-1"}).get_data(as_text=True)
    assert "First item" not in removed and 'value="Second item"' in removed
    assert audit_types.draft_of(kind.id).content["questions"] == []  # nothing saved by rearranging
    assert qa.post(f"/audit-types/{kind.id}/draft", data=data | {"act": "sideways-1"}).status_code == 400


def test_a_second_editor_is_refused_with_what_changed_and_keeps_their_typing(world, as_user):
    practice_lead = person("Pat Practice", "Service leadership", {"is_practice_lead", "is_auditor"})
    first, second = as_user(world.qa_lead), as_user(practice_lead)
    kind = created(first)
    first_tab = draft_data(first, kind, [yes_no("Typed by the QA lead")])
    second_tab = draft_data(second, kind, [yes_no("Typed by the practice lead")])
    assert first.post(f"/audit-types/{kind.id}/draft", data=first_tab).status_code == 302
    stale = second.post(f"/audit-types/{kind.id}/draft", data=second_tab)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "was changed after you opened this page" in page
    assert "Typed by the practice lead" in page and "Changed since you opened this page" in page
    assert "Typed by the QA lead" in page  # the other editor's save, listed
    assert audit_types.draft_of(kind.id).content["questions"][0]["text"] == "Typed by the QA lead"
    again = second_tab | {"version": hidden(page, "version"), "seen": hidden(page, "seen")}
    assert second.post(f"/audit-types/{kind.id}/draft", data=again).status_code == 302
    assert audit_types.draft_of(kind.id).content["questions"][0]["text"] == "Typed by the practice lead"


def test_a_retired_type_is_marked_never_deleted_and_the_built_in_type_never_changes(world, as_user):
    qa = as_user(world.qa_lead)
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    kind = db.session.scalars(select(AuditType).where(AuditType.name == "Case-file compliance check")).one()
    page = qa.get(f"/audit-types/{kind.id}/retire").get_data(as_text=True)
    assert qa.post(f"/audit-types/{kind.id}/retire", data={
        "version": hidden(page, "version"), "seen": hidden(page, "seen")}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AuditType, kind.id).retired_at is not None
    assert audit_types.latest(kind.id) is not None  # its versions stay readable
    assert kind.id not in [t.id for t, _ in audit_types.startable()]
    listed = as_user(world.leader).get("/audit-types").get_data(as_text=True)
    assert "Retired" in listed and listed.index("Monthly random audit") < listed.index("Case-file compliance check")
    assert "Retired" in as_user(world.leader).get(f"/audit-types/{kind.id}").get_data(as_text=True)
    assert qa.post(f"/audit-types/{kind.id}/draft/start").status_code == 404
    monthly = db.session.scalars(select(AuditType).where(AuditType.built_in.is_(True))).one()
    assert qa.get(f"/audit-types/{monthly.id}/draft").status_code == 404
    assert qa.get(f"/audit-types/{monthly.id}/retire").status_code == 404
    assert "grade descriptors" in qa.get(f"/audit-types/{monthly.id}").get_data(as_text=True)


def test_a_type_file_reads_back_as_the_version_it_was_written_from(world):
    audit_types.ensure_shipped(SYSTEM)
    for row in db.session.scalars(select(AuditTypeVersion)):
        design = audit_types.design(row)
        assert type_files.read_type_file(type_files.type_file(design), "exported.toml") == design
    broken = 'name = "x"\ncourse = "single"\n[[questions]]\nkind = "grade"\ntext = "Drift"\n'
    try:
        type_files.read_type_file(broken, "broken.toml")
    except ValueError as error:
        assert "broken.toml" in str(error) and "short descriptor" in str(error)
    else:
        raise AssertionError("a grade question without descriptors was read")


def test_types_go_out_to_files_and_edited_files_come_back_as_the_next_version(app, world, tmp_path):
    audit_types.ensure_shipped(SYSTEM)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export-audit-types", str(tmp_path)])
    assert result.exit_code == 0 and "3 audit types written" in result.output
    result = runner.invoke(args=["import-audit-types", str(tmp_path)])
    assert result.exit_code == 0 and result.output.count("already the newest version") == 3
    path = tmp_path / "case-file-compliance-check.toml"
    path.write_text(path.read_text().replace("A genogram", "A genogram, up to date"))
    result = runner.invoke(args=["import-audit-types", str(tmp_path), "--note", "From document control"])
    assert result.exit_code == 0 and "Case-file compliance check: version 2 imported" in result.output
    db.session.expire_all()
    kind = db.session.scalars(select(AuditType).where(AuditType.name == "Case-file compliance check")).one()
    newest = audit_types.latest(kind.id)
    assert newest.number == 2 and newest.note == "From document control"
    assert "A genogram, up to date" in [q["text"] for q in newest.content["questions"]]
    path.write_text(path.read_text().replace('kind = "yes no"', 'kind = "grade"', 1))
    result = runner.invoke(args=["import-audit-types", str(tmp_path)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output and "short descriptor" in result.output
    db.session.expire_all()
    assert audit_types.latest(kind.id).number == 2
