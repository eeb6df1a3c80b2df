"""Migration 0028: every targeted audit made before audit types becomes an audit of a type of its
own, with its domains and questions in a published version 1, and every saved answer untouched."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from auditapp.extensions import db
from auditapp.framework.type_content import design_of
from auditapp.models import AuditType, AuditTypeVersion, Cycle, ReviewAnswer

ROWS_AT_0027 = [
    "INSERT INTO team (id, name) VALUES (1, 'Early Help')",
    'INSERT INTO "user" (id, name, email, team_id, is_auditor, is_senior_manager, is_qa_lead, is_leadership,'
    " active, is_practice_lead) VALUES (1, 'A', 'a@x.org', 1, true, true, true, false, true, false)",
    'INSERT INTO "case" (id, reference, team_id, case_type, manager_id, open_date)'
    " VALUES (1, 'C1', 1, 'early_help', 1, '2025-01-01')",
    "INSERT INTO cycle (id, month, per_team, lookback_months, opened_at, kind)"
    " VALUES (1, '2026-10', 2, 12, '2026-10-01 09:00:00', 'random')",
    # Two targeted audits of the same theme: one judging two domains with two questions, one all six.
    "INSERT INTO cycle (id, month, per_team, lookback_months, opened_at, opened_by_id, kind, title, domains,"
    " questions) VALUES (2, '2026-10', 0, 0, '2026-10-05 10:00:00', 1, 'targeted', 'Neglect',"
    " 'oversight,voice', 'Was the neglect toolkit used?\n\nWho saw the child alone?')",
    "INSERT INTO cycle (id, month, per_team, lookback_months, opened_at, opened_by_id, kind, title)"
    " VALUES (3, '2026-11', 0, 0, '2026-11-05 10:00:00', 1, 'targeted', 'Neglect')",
    "INSERT INTO audit (id, cycle_id, case_id, auditor_a_id, auditor_b_id, moderator_id, allocated_at,"
    " auditor_due) VALUES (1, 2, 1, 1, 1, 1, '2026-10-05', '2026-10-19')",
    "INSERT INTO review (id, audit_id, role, updated_at) VALUES (1, 1, 'A', '2026-10-06')",
    "INSERT INTO review_answer (id, review_id, number, answer) VALUES (1, 1, 1, 'Yes, at the strategy stage')",
    "INSERT INTO review_answer (id, review_id, number, answer) VALUES (2, 1, 2, 'The social worker, twice')",
]


def test_targeted_audits_become_types_with_their_questions_and_answers_unchanged(app):
    downgrade(revision="0027")
    with db.engine.begin() as connection:
        for statement in ROWS_AT_0027:
            connection.execute(text(statement))
    upgrade()  # 0028, then 0028b: the three ready types
    db.session.expire_all()

    types = {t.name: t for t in db.session.scalars(select(AuditType))}
    assert set(types) == {"Monthly random audit", "Neglect", "Neglect (2)", "Supervision-record audit",
                          "Practice observation", "Case-file compliance check"}
    assert types["Monthly random audit"].built_in and not types["Neglect"].built_in
    cycles = {c.id: c for c in db.session.scalars(select(Cycle))}
    assert cycles[1].type_version_id is None  # the random sample is the built-in type: no version

    assert (cycles[1].course, cycles[2].course) == (None, "blind dual")
    first = db.session.get(AuditTypeVersion, cycles[2].type_version_id)
    assert first is not None and first.audit_type_id == types["Neglect"].id
    assert (first.state, first.number, first.course) == ("published", 1, "blind dual")
    design = design_of(first.course, first.content)
    assert design.domains == ("voice", "oversight")
    assert [(q.number, q.kind, q.text, q.required) for q in design.questions] == [
        (1, "text", "Was the neglect toolkit used?", True), (2, "text", "Who saw the child alone?", True)]

    second = db.session.get(AuditTypeVersion, cycles[3].type_version_id)
    assert second is not None and second.audit_type_id == types["Neglect (2)"].id
    assert len(design_of(second.course, second.content).domains) == 6 and not second.content["questions"]

    answers = {a.number: a.answer for a in db.session.scalars(select(ReviewAnswer).order_by(ReviewAnswer.number))}
    assert answers == {1: "Yes, at the strategy stage", 2: "The social worker, twice"}
    assert {q.number: q.text for q in design.questions}[2] == "Who saw the child alone?"


def test_the_three_ready_types_are_version_1_of_theirs_in_a_new_database(app):
    downgrade(revision="0028")
    upgrade()
    db.session.expire_all()
    rows = {row.content["name"]: row for row in db.session.scalars(select(AuditTypeVersion))}
    assert {name: (row.state, row.number, row.course) for name, row in rows.items()} == {
        "Supervision-record audit": ("published", 1, "single with review"),
        "Practice observation": ("published", 1, "single with review"),
        "Case-file compliance check": ("published", 1, "single")}
    observation = design_of("single with review", rows["Practice observation"].content)
    assert observation.consent_first and [q.kind for q in observation.questions][:2] == ["date", "text"]
    compliance = design_of("single", rows["Case-file compliance check"].content)
    assert [q.kind for q in compliance.questions].count("yes no") == 6
    supervision = design_of("single with review", rows["Supervision-record audit"].content)
    assert all(len(q.descriptors) == 4 for q in supervision.questions if q.kind == "grade")
