"""Calibration exercises (issue 25), through HTTP and the database: setting one up, the panel's
agreed grades hidden and fixed, blind and final grading, the results for a participant and for the
QA lead, the record over time, the due rule and holding new auditors out of allocation, and that
calibration never enters a monthly figure or a case's history."""

import io
import re
from datetime import date, timedelta

import pytest
from builders import (
    calibration_exercise,
    closed_calibration,
    fresh_exercise,
    person,
    sampled_month,
    signed_off_audit,
)
from sqlalchemy import func, select

from auditapp import clock, history
from auditapp.extensions import db
from auditapp.models import (
    AgreedGrade,
    CalibrationExercise,
    CalibrationMember,
    CalibrationSubmission,
    Event,
    ReadRecord,
)
from auditapp.reports.summary import summarise


def auditors(world, count: int = 6):
    return [u for team in world.auditors.values() for u in team][:count]


def setup_form(world, **given) -> dict:
    form = {"title": "Calibration: a child protection plan", "case_reference": world.cases[0].reference,
            "domains": ["voice", "plan"], "takes_part": "named",
            "named": "\n".join(u.email for u in auditors(world, 3)), "panel": [str(world.seniors[0].id)],
            "closes_on": (clock.today() + timedelta(days=7)).strftime("%d/%m/%Y"), "submit": "x"}
    return {**form, **given}


def grading_form(exercise, grade: int = 3, **given) -> dict:
    form = {"version": "0", "overall_grade": str(grade), "submit": "x"}
    for key in exercise.domain_keys:
        form |= {f"{key}_grade": str(grade), f"{key}_evidence": "Seen", f"{key}_impact": "Safer"}
    return {**form, **given}


def page_text(client, url: str) -> str:
    """The page without its one-time tokens, so two readings of the same figures compare equal, and
    without the agreement page's calibration trend, which is shown apart from its figures."""
    page = re.sub(r'(csrf[-_]token[^>]*value=|data-csrf-token=)"[^"]*"', "", client.get(url).get_data(as_text=True))
    page = re.sub(r'<h2 class="govuk-heading-m">Calibration exercises</h2>.*?</table>\s*</div>', "", page, flags=re.S)
    return re.sub(r"\s+", " ", page)


# Setting up


def test_the_qa_lead_sets_up_an_exercise_with_a_panel_and_named_participants(world, as_user):
    response = as_user(world.qa_lead).post("/calibration/new", data=setup_form(world))
    assert response.status_code == 302
    exercise = db.session.scalar(select(CalibrationExercise))
    assert exercise.domains == "voice,plan" and exercise.case_id == world.cases[0].id and exercise.opened_at is None
    assert exercise.descriptor_version.startswith("voice ")  # the descriptors in use, as an audit records them
    members = db.session.execute(select(CalibrationMember.user_id, CalibrationMember.role)).all()
    assert {(u, r) for u, r in members} == ({(world.seniors[0].id, "panel")}
                                            | {(u.id, "participant") for u in auditors(world, 3)})
    assert set(db.session.scalars(select(AgreedGrade.judgement))) == {"voice", "plan", "overall"}
    assert db.session.scalar(select(Event.action).where(Event.action == history.CALIBRATION_SET_UP))
    # The reference case is shown by its reference only: no team, case type or manager.
    page = as_user(world.seniors[0]).get(f"/calibration/{exercise.id}").get_data(as_text=True)
    assert world.cases[0].reference in page and "Child in need" not in page


def test_a_team_or_every_auditor_or_new_auditors_take_part(world, as_user):
    team = world.auditors["Early Help"]
    as_user(world.qa_lead).post("/calibration/new", data=setup_form(world, takes_part="team",
                                                                    team=str(team[0].team_id), named=""))
    newcomer = person("Nia Newcomer", "Early Help", {"is_auditor"})
    as_user(world.qa_lead).post("/calibration/new", data=setup_form(world, takes_part="new", named=""))
    first, second = db.session.scalars(select(CalibrationExercise).order_by(CalibrationExercise.id)).all()
    assert fresh_exercise(first.id).member_ids("participant") == {u.id for u in team}
    # Nobody in the world has audited yet, so every auditor is new; the panel never grades its own exercise.
    assert newcomer.id in fresh_exercise(second.id).member_ids("participant")
    assert world.seniors[0].id not in fresh_exercise(second.id).member_ids("participant")


def test_setting_up_refuses_what_is_missing_and_keeps_what_was_typed(world, as_user):
    page = as_user(world.qa_lead).post("/calibration/new", data=setup_form(
        world, case_reference="", domains=[], named="nobody@example.org", closes_on="1/1/2020",
        title="Keep this title")).get_data(as_text=True)
    assert "Give the reference case one way" in page and "Choose at least one domain" in page
    assert "not the email addresses of active auditors: nobody@example.org" in page
    assert "The closing date must be today or later" in page and "Keep this title" in page
    assert db.session.scalar(select(func.count(CalibrationExercise.id))) == 0


def test_an_uploaded_summary_is_a_pdf_or_word_document_of_10_mb_at_most_served_as_an_attachment(world, as_user):
    qa = as_user(world.qa_lead)
    refused = {
        "notes.txt": (b"plain text", "must be a PDF or Word document"),
        "renamed.pdf": (b"MZ not really a pdf", "is not a real .pdf document"),
        "huge.pdf": (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "must be 10 MB or smaller"),
    }
    for name, (content, message) in refused.items():
        response = qa.post("/calibration/new", content_type="multipart/form-data", data=setup_form(
            world, case_reference="", summary_file=(io.BytesIO(content), name)))
        assert response.status_code in (200, 413), name
        if response.status_code == 200:
            assert message in response.get_data(as_text=True), name
    assert db.session.scalar(select(func.count(CalibrationExercise.id))) == 0
    pdf = b"%PDF-1.7\n% an anonymised summary\n%%EOF"
    assert qa.post("/calibration/new", content_type="multipart/form-data", data=setup_form(
        world, case_reference="", summary_file=(io.BytesIO(pdf), "Summary for panel.pdf"))).status_code == 302
    exercise = db.session.scalar(select(CalibrationExercise))
    download = as_user(auditors(world)[0]).get(f"/calibration/{exercise.id}/case-summary")
    assert download.data == pdf and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="OFFICIAL-SENSITIVE calibration-{exercise.id}-case-summary.pdf"')
    assert db.session.scalar(select(func.count(ReadRecord.id)).where(ReadRecord.what.like("Calibration case%")))


# The panel's agreed grades


def test_the_panel_agrees_the_grades_and_nobody_else_may_know_of_it(world, as_user):
    people = auditors(world, 3)
    exercise = calibration_exercise(world, people, panel=[world.seniors[0]], opened=False)
    form = {"version": str(exercise.version), "voice_grade": "2", "voice_reason": "Child not seen alone",
            "save": "x"}
    assert as_user(world.seniors[0]).post(f"/calibration/{exercise.id}/agreed", data=form).status_code == 302
    assert fresh_exercise(exercise.id).agreed_for("voice").reason == "Child not seen alone"
    # A senior manager not on the panel sees the exercise but not the panel's work; a participant neither.
    assert as_user(world.seniors[1]).get(f"/calibration/{exercise.id}/agreed").status_code == 404
    assert as_user(people[0]).get(f"/calibration/{exercise.id}/agreed").status_code == 404
    outsider = person("Owen Outside", "Early Help", {"is_auditor"})
    for url in ("", "/agreed", "/grade", "/results", "/open"):
        assert as_user(outsider).get(f"/calibration/{exercise.id}{url}").status_code in (403, 404), url
    assert as_user(outsider).get(f"/calibration/{exercise.id}").status_code == 404


def test_the_agreed_grades_cannot_change_once_the_exercise_is_open(world, as_user):
    exercise = calibration_exercise(world, auditors(world, 3), panel=[world.seniors[0]], opened=False, agreed=2)
    page = as_user(world.qa_lead).get(f"/calibration/{exercise.id}/open").get_data(as_text=True)
    assert "Once it opens, the agreed grades cannot be changed" in page
    assert as_user(world.qa_lead).post(f"/calibration/{exercise.id}/open", data={
        "version": str(exercise.version), "confirm": "x"}).status_code == 302
    assert fresh_exercise(exercise.id).opened_at is not None
    response = as_user(world.seniors[0]).post(f"/calibration/{exercise.id}/agreed", data={
        "version": str(fresh_exercise(exercise.id).version), "voice_grade": "4", "save": "x"})
    assert response.status_code == 403
    assert fresh_exercise(exercise.id).agreed_for("voice").grade == 2
    assert db.session.scalar(select(Event.id).where(Event.action == history.CALIBRATION_OPENED))


def test_an_exercise_opens_only_once_every_grade_and_reason_is_agreed(world, as_user):
    from auditapp.calibration import exercises
    setup = exercises.Setup(title="Half agreed", case_reference=world.cases[0].reference, domains=["plan"],
                            takes_part="all", closes_on=clock.today())
    exercise = exercises.set_up(world.qa_lead, setup)
    db.session.commit()
    page = as_user(world.qa_lead).get(f"/calibration/{exercise.id}/open").get_data(as_text=True)
    assert "It cannot open yet" in page
    response = as_user(world.qa_lead).post(f"/calibration/{exercise.id}/open", data={
        "version": str(exercise.version), "confirm": "x"})
    assert "need an agreed grade and reasons" in response.get_data(as_text=True)
    assert fresh_exercise(exercise.id).opened_at is None


# Grading, blind and final


def test_participants_grade_blind_and_a_submission_is_final(world, as_user):
    first, second, third = auditors(world, 3)
    exercise = calibration_exercise(world, [first, second, third], agreed=2, closes_on=clock.today() + timedelta(3))
    page = as_user(first).get(f"/calibration/{exercise.id}/grade").get_data(as_text=True)
    assert "Grade for quality of plan" in page and "Evidence for this grade" in page  # the audit form's own fields
    assert "The agreed grades" not in as_user(first).get(f"/calibration/{exercise.id}").get_data(as_text=True)
    draft = grading_form(exercise, 4, submit=None, save="x")
    draft.pop("submit")
    assert as_user(first).post(f"/calibration/{exercise.id}/grade", data=draft).status_code == 302
    submission = db.session.scalar(select(CalibrationSubmission))
    assert submission.submitted_at is None and submission.overall_grade == 4
    incomplete = as_user(first).post(f"/calibration/{exercise.id}/grade", data={
        "version": str(submission.version), "plan_evidence": "", "submit": "x"}).get_data(as_text=True)
    assert "Enter the evidence for the quality of plan grade" in incomplete
    assert as_user(first).post(f"/calibration/{exercise.id}/grade", data=grading_form(
        exercise, 4, version=str(submission.version))).status_code == 302
    db.session.expire_all()
    assert db.session.get(CalibrationSubmission, submission.id).submitted_at is not None
    # Final: another post changes nothing; the agreed grades and the results stay hidden until it closes.
    assert as_user(first).post(f"/calibration/{exercise.id}/grade", data=grading_form(
        exercise, 1, version="9")).status_code == 403
    db.session.expire_all()
    assert db.session.get(CalibrationSubmission, submission.id).overall_grade == 4
    assert as_user(first).get(f"/calibration/{exercise.id}/results").status_code == 404
    assert "The agreed grades" not in as_user(first).get(f"/calibration/{exercise.id}").get_data(as_text=True)
    # The other participant sees nothing of the first one's grades, and no history entry holds them.
    other = as_user(second).get(f"/calibration/{exercise.id}/grade").get_data(as_text=True)
    assert 'value="4" checked' not in other
    assert all(e.after in (None, "") or "Outstanding" not in e.after
               for e in db.session.scalars(select(Event).where(Event.action.like("Calibration%"))))
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action.like("Calibration%"),
                                                                Event.audit_id.is_not(None))) == 0


def test_after_the_closing_date_nobody_can_grade(world, as_user):
    first = auditors(world, 1)[0]
    exercise = closed_calibration(world, {}, others=[first])
    assert as_user(first).get(f"/calibration/{exercise.id}/grade").status_code == 403
    # Not submitted, so no results and no agreed grades for them, even once closed.
    assert as_user(first).get(f"/calibration/{exercise.id}/results").status_code == 404


# Results


def test_results_per_participant_domain_and_for_the_group(world, as_user):
    people = auditors(world, 6)
    # The panel agreed Good everywhere; three of six graded the plan Inadequate, one Requires improvement.
    plans = [1, 1, 1, 2, 3, 3]
    exercise = closed_calibration(world, {p: (3, plan) for p, plan in zip(people, plans, strict=True)},
                                  panel=[world.seniors[0]])
    from auditapp.calibration.results import results
    found = results(exercise)
    plan = next(s for s in found.spreads if s.judgement == "plan")
    assert plan.counts == {4: 0, 3: 2, 2: 1, 1: 3} and plan.agreed == 3
    assert [s.judgement for s in found.furthest] == ["plan"]
    worst = found.result_of(people[0].id)
    plan_mark = next(m for m in worst.marks if m.judgement == "plan")
    assert (plan_mark.closeness, plan_mark.crossed_good_line, worst.distance) == ("Further", True, 2)
    near = next(m for m in found.result_of(people[3].id).marks if m.judgement == "plan")
    assert (near.closeness, near.crossed_good_line) == ("One grade away", True)

    # The participant: their own result, the agreed grades and reasons, and the anonymous spread.
    mine = as_user(people[0]).get(f"/calibration/{exercise.id}/results").get_data(as_text=True)
    assert "Your result" in mine and "The panel&#39;s reasons" in mine and 'id="spread"' in mine
    assert "Furthest from the panel: <strong>Quality of plan</strong>" in mine
    assert people[1].name not in mine and "Everyone&#39;s results" not in mine
    # The QA lead and senior managers: everyone's, by name.
    for reader in (world.qa_lead, world.seniors[1]):
        page = as_user(reader).get(f"/calibration/{exercise.id}/results").get_data(as_text=True)
        assert all(p.name in page for p in people) and "Inadequate (further)" in page
    assert as_user(world.leader).get(f"/calibration/{exercise.id}/results").status_code == 404


def test_a_spread_of_fewer_than_five_is_not_shown_to_participants(world, as_user):
    people = auditors(world, 3)
    exercise = closed_calibration(world, {p: (3, 3) for p in people})
    page = as_user(people[0]).get(f"/calibration/{exercise.id}/results").get_data(as_text=True)
    assert "Fewer than 5 people submitted" in page and 'id="spread"' not in page
    assert 'id="spread"' in as_user(world.qa_lead).get(f"/calibration/{exercise.id}/results").get_data(as_text=True)


# Over time, the due rule, holding out of allocation


def test_each_auditors_record_over_time_is_theirs_and_the_qa_leads_only(world, as_user):
    people = auditors(world, 6)
    closed_calibration(world, {p: (3, 1) for p in people}, closed_on=clock.today() - timedelta(days=60))
    closed_calibration(world, {p: (3, 3) for p in people})
    audit = signed_off_audit(sampled_month("2026-11", per_team=1)[0], grade_a=4, grade_b=2, final=2)
    db.session.commit()
    auditor = audit.auditor_a
    page = as_user(auditor).get(f"/calibration/people/{auditor.id}").get_data(as_text=True)
    if auditor in people:
        assert page.count("Calibration: a child protection plan") == 2
    assert "Moderation changed 6 of 6 domain grades" in page and "6 lowered" in page
    assert as_user(world.qa_lead).get(f"/calibration/people/{auditor.id}").status_code == 200
    for other in (audit.auditor_b, world.seniors[0], world.leader):
        assert as_user(other).get(f"/calibration/people/{auditor.id}").status_code == 404


def test_the_qa_lead_sets_the_rule_and_sees_who_is_due(world, as_user):
    people = auditors(world, 8)
    closed_calibration(world, {p: (3, 3) for p in people[:2]}, closed_on=clock.today() - timedelta(days=200))
    closed_calibration(world, {p: (3, 3) for p in people[2:4]})
    audit = signed_off_audit(sampled_month("2026-11", per_team=1)[0], grade_a=4, grade_b=3, final=2)
    db.session.commit()
    qa = as_user(world.qa_lead)
    page = qa.get("/calibration/rule").get_data(as_text=True)
    assert "before an auditor&#39;s first live audit" in page
    refused = qa.post("/calibration/rule", data={"version": "0", "every_months": "lots", "submit": "x"})
    assert "a whole number from 1 to 36" in refused.get_data(as_text=True)
    assert qa.post("/calibration/rule", data={"version": "0", "before_first_audit": "y", "every_months": "6",
                                              "when_moderation_changes": "y", "submit": "x"}).status_code == 302
    page = qa.get("/calibration/rule").get_data(as_text=True)
    due_table = page.split('id="due"')[1].split("</table>")[0]
    assert people[0].name in due_table and "Last calibrated over 6 months ago" in due_table
    assert people[2].name not in due_table or "moderation changed" in due_table
    assert people[4].name in due_table  # never calibrated
    assert "moderation changed 6 of their 6 domain grades" in due_table
    assert audit.auditor_a.name in due_table and audit.auditor_b.name in due_table
    assert db.session.scalar(select(Event.after).where(Event.action == history.CALIBRATION_RULE_SET)).startswith(
        "before an auditor's first live audit; every 6 months")


def test_new_auditors_can_be_held_out_of_allocation_until_their_first_calibration(world, as_user):
    closed_calibration(world, {p: (3, 3) for p in auditors(world, 99)})  # everyone else calibrated
    newcomer = person("Nia Newcomer", "Early Help", {"is_auditor"})
    qa = as_user(world.qa_lead)
    assert qa.post("/calibration/rule", data={"version": "0", "before_first_audit": "y", "hold_out_new": "y",
                                              "submit": "x"}).status_code == 302
    assert "Nia Newcomer" in qa.get("/calibration/rule").get_data(as_text=True).split('id="held-out"')[1]
    audits = sampled_month("2026-11", per_team=2)
    db.session.commit()
    assert all(a.auditor_b_id != newcomer.id for a in audits)
    note = db.session.scalar(select(Event.after).where(Event.action == history.passed_over("2026-11")))
    assert "Nia Newcomer (held out of allocation until their first calibration exercise)" in note


# Never in the monthly figures or a case's history


def test_calibration_never_enters_the_monthly_figures_or_the_cases_history(world, as_user):
    audits = sampled_month("2026-11", per_team=1)
    for audit in audits[:3]:
        signed_off_audit(audit)
    db.session.commit()
    today = clock.today()
    before = summarise("2026-11", today)
    dashboard_before, agreement_before = page_text(as_user(world.qa_lead), "/reports/?month=2026-11"), page_text(
        as_user(world.qa_lead), "/reports/agreement?month=2026-11")
    # An exercise on a case in the sample, graded far from everyone, closed within the month.
    reference = audits[0].case.reference
    world.cases[0] = audits[0].case
    closed_calibration(world, {p: (1, 1) for p in auditors(world, 6)}, agreed=4,
                       closed_on=date(2026, 11, 10))
    assert world.cases[0].reference == reference
    after = summarise("2026-11", today)
    assert repr(after.headline) == repr(before.headline)
    assert page_text(as_user(world.qa_lead), "/reports/?month=2026-11") == dashboard_before
    assert page_text(as_user(world.qa_lead), "/reports/agreement?month=2026-11") == agreement_before
    assert db.session.scalar(select(func.count(Event.id)).where(Event.audit_id == audits[0].id,
                                                                Event.action.like("Calibration%"))) == 0
    shown = as_user(world.qa_lead).get(f"/audits/{audits[0].id}").get_data(as_text=True)
    assert history.CALIBRATION_SUBMITTED not in shown and "Calibration: a child protection plan" not in shown


# The workbook


def test_the_workbook_has_a_calibration_sheet_with_names_only_in_the_qa_leads_full_export(world, as_user):
    from openpyxl import load_workbook
    sampled_month("2026-11", per_team=1)
    db.session.commit()
    people = auditors(world, 6)
    closed_calibration(world, {p: (3, 1 if n < 3 else 3) for n, p in enumerate(people)},
                       closed_on=date(2026, 11, 16))
    closed_calibration(world, {p: (2, 2) for p in people[:3]}, closed_on=date(2026, 11, 17))
    closed_calibration(world, {p: (2, 2) for p in people}, closed_on=date(2026, 10, 30))  # another month's

    def sheet(user, url="/reports/2026-11.xlsx"):
        book = load_workbook(io.BytesIO(as_user(user).get(url).data))
        return [[c for c in row] for row in book["Calibration"].iter_rows(values_only=True)]

    anonymous = sheet(world.seniors[0])
    text = repr(anonymous)
    assert all(p.name not in text for p in people)
    header = next(r for r in anonymous if r and r[0] == "Exercise")
    plan = next(r for r in anonymous if r and r[4] == "Quality of plan" and r[2] == 6)
    row = dict(zip(header, plan, strict=False))
    assert (row["Good"], row["Inadequate"], row["Further"], row["Crossed the Good line"]) == (3, 3, 3, 3)
    small = [r for r in anonymous if r and r[2] == 3]
    assert small and all(r[6] == "Too few to show (fewer than 5 submitted)" for r in small)
    assert not [r for r in anonymous if r and r[1] and getattr(r[1], "month", None) == 10]
    full = repr(sheet(world.qa_lead))
    assert all(p.name in full for p in people)
    # Filtered by team, even the QA lead's workbook is the anonymous one.
    assert all(p.name not in repr(sheet(world.qa_lead, "/reports/2026-11.xlsx?team=Early+Help")) for p in people)


# The demo


@pytest.mark.dates
def test_the_demo_has_two_past_exercises_one_disagreeing_on_the_plan_and_one_open(app):
    from auditapp.calibration.results import results
    from auditapp.models import User
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    today = clock.today()
    found = [fresh_exercise(e.id) for e in db.session.scalars(select(CalibrationExercise)
                                                              .order_by(CalibrationExercise.closes_on))]
    closed = [e for e in found if e.closed_on(today)]
    open_now = [e for e in found if e.opened_at and not e.closed_on(today)]
    assert len(closed) == 2 and len(open_now) == 1
    assert [s.judgement for s in results(closed[1]).furthest] == ["plan"]
    assert all(results(e).submitted >= 5 for e in closed)
    assert db.session.scalar(select(func.max(Event.at))) <= clock.now()
    from auditapp.demo import PASSWORD
    lowri = db.session.scalar(select(User).where(User.email == "lowri.lloyd@council.example.org"))
    client = app.test_client()
    client.post("/sign-in", data={"email": lowri.email, "password": PASSWORD})
    assert client.get(f"/calibration/{open_now[0].id}/grade").status_code == 200
    page = client.get(f"/calibration/{closed[1].id}/results").get_data(as_text=True)
    assert "Furthest from the panel: <strong>Quality of plan</strong>" in page


def test_the_agreement_page_shows_each_exercises_closeness_as_a_trend_without_names(world, as_user):
    sampled_month("2026-11", per_team=1)
    db.session.commit()
    people = auditors(world, 6)
    closed_calibration(world, {p: (3, 1 if n < 3 else 3) for n, p in enumerate(people)},
                       closed_on=date(2026, 11, 16))
    closed_calibration(world, {p: (2, 2) for p in people[:2]}, closed_on=date(2026, 11, 17))
    page = as_user(world.leader).get("/reports/agreement?month=2026-11").get_data(as_text=True)
    trend = page.split('id="calibration-trend"')[1].split("</table>")[0]
    # 36 domain grades: 33 exact (the plan wrong for three); three crossed the line.
    assert "92% (n=36)" in trend and "8% (n=36)" in trend and "Quality of plan" in trend
    assert "Too few to show" in trend and all(p.name not in page for p in people)


def test_purge_removes_calibration_exercises_past_retention_with_every_grade(app, world):
    from auditapp.models import CalibrationGrade
    people = auditors(world, 3)
    old = closed_calibration(world, {p: (3, 2) for p in people}, closed_on=date(2018, 3, 5)).id
    recent = closed_calibration(world, {p: (3, 2) for p in people}).id
    result = app.test_cli_runner().invoke(args=["purge", "--older-than-years", "7", "--yes"])
    assert result.exit_code == 0, result.output
    assert set(db.session.scalars(select(CalibrationExercise.id))) == {recent}
    members = select(func.count(CalibrationMember.id)).where(CalibrationMember.exercise_id == old)
    assert db.session.scalar(members) == 0
    assert db.session.scalar(select(func.count(CalibrationSubmission.id))) == 3
    assert db.session.scalar(select(func.count(AgreedGrade.id))) == 7
    assert db.session.scalar(select(func.count(CalibrationGrade.id))) == 18


def test_an_exercise_grades_against_the_version_the_qa_lead_chooses_today_by_default(world, as_user):
    from auditapp.framework import descriptors
    from auditapp.grading import GRADE_KEYS
    from auditapp.permissions import SYSTEM
    descriptors.ensure_first(SYSTEM)
    draft = descriptors.start_draft(world.qa_lead)
    revised = {key: f"Revised: {grade.label}" for key, grade in GRADE_KEYS.items()}
    descriptors.save_domain(world.qa_lead, draft, "voice", revised)
    descriptors.publish(world.qa_lead, draft, "The voice domain revised")
    db.session.commit()
    first, second = descriptors.numbered(1), descriptors.numbered(2)
    qa = as_user(world.qa_lead)
    page = qa.get("/calibration/new").get_data(as_text=True)
    assert "Version 2" in page and "(in use today)" in page and "Version 1" in page
    assert qa.post("/calibration/new", data=setup_form(world)).status_code == 302
    assert qa.post("/calibration/new", data=setup_form(world, title="Re-grading as in 2025",
                                                       descriptor_version=first.recorded)).status_code == 302
    chosen = dict(db.session.execute(select(CalibrationExercise.title, CalibrationExercise.descriptor_version)).all())
    assert chosen == {"Calibration: a child protection plan": second.recorded, "Re-grading as in 2025": first.recorded}
    # A version the page never offered is a crafted request (400); the rule refuses one it does not know.
    assert qa.post("/calibration/new", data=setup_form(world, descriptor_version="voice 1999.9")).status_code == 400
    from auditapp.calibration import exercises
    from auditapp.errors import Invalid
    with pytest.raises(Invalid) as refused:
        exercises.set_up(world.qa_lead, exercises.Setup(
            title="Unknown version", case_reference=world.cases[0].reference, domains=["plan"], takes_part="named",
            named_emails=[u.email for u in auditors(world, 2)], closes_on=clock.today(),
            descriptor_version="voice 1999.9"))
    assert refused.value.problems["descriptor_version"] == "Choose a published version of the grade descriptors"
    db.session.rollback()
    assert db.session.scalar(select(func.count(CalibrationExercise.id))) == 2
