"""The pack the improvement board reads (issue 23): charts that tell the truth, sheets for paper,
and a first page that says what changed. Read through HTTP and from the workbook's own XML."""

import io
import re
import zipfile

from builders import confirmed_action, ready_for_moderation, sampled_month, signed_off_audit
from openpyxl import load_workbook
from sqlalchemy import select

from auditapp.extensions import db
from auditapp.models import Case


def _download(client, month: str) -> bytes:
    response = client.get(f"/reports/{month}.xlsx")
    assert response.status_code == 200
    return response.data


def _chart_xml(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return [z.read(name).decode() for name in sorted(z.namelist()) if re.match(r"xl/charts/chart\d+\.xml", name)]


def test_the_charts_say_values_only_draw_straight_lines_from_zero_and_name_the_month(world, as_user):
    for audit in sampled_month("2026-09", per_team=1) + sampled_month("2026-10", per_team=1):
        signed_off_audit(audit)
    db.session.commit()
    bars, line = _chart_xml(_download(as_user(world.leader), "2026-10"))
    for xml in (bars, line):
        labels = re.findall(r"<(?:c:)?dLbls>(.*?)</(?:c:)?dLbls>", xml, re.S)
        assert labels, "every series is labelled"
        for block in labels:
            # LibreOffice adds series and category names unless told not to: each flag is off, the value on.
            for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
                assert re.search(rf'<(?:c:)?{flag} val="(0|false)"', block), flag
        assert re.search(r'<(?:c:)?min val="0', xml), "the value axis starts at zero"
        assert re.search(r'<(?:c:)?delete val="(0|false)"', xml), "axes are drawn"
    assert "Moderated grades by domain, October 2026" in bars
    assert "% Good or better overall, September to October 2026" in line  # the first month with audits on
    assert not re.search(r'<(?:c:)?smooth val="(1|true)"', line) and re.search(r'<(?:c:)?smooth val="(0|false)"', line)
    assert re.search(r'<(?:c:)?symbol val="circle"', line), "a marker at each real month"
    assert "2026-10" not in bars + line


def test_a_bar_too_narrow_for_its_label_has_none_and_its_figure_stays_in_the_table(world, as_user):
    audits = sampled_month("2026-10", per_team=3)
    for i, audit in enumerate(audits):
        signed_off_audit(audit, final=1 if i == 0 else 3)
    db.session.commit()
    content = _download(as_user(world.leader), "2026-10")
    series = re.findall(r"<(?:c:)?ser>.*?</(?:c:)?ser>", _chart_xml(content)[0], re.S)

    def unlabelled(xml: str) -> set[int]:
        return {int(i) for i in re.findall(
            r'<(?:c:)?dLbl><(?:c:)?idx val="(\d+)"\s*/>(?:(?!</(?:c:)?dLbl>).)*<(?:c:)?showVal val="(?:0|false)"',
            xml, re.S)}

    # No Outstanding at all: a zero-width bar's "0" would sit on its neighbour's label, so none is drawn.
    assert unlabelled(series[0]) == set(range(7))
    assert unlabelled(series[1]) == set()  # every Good bar is wide enough for its count
    domains = {row[0]: row for row in load_workbook(io.BytesIO(content))["Domains"].iter_rows(values_only=True)}
    assert domains["Overall"][1:5] == (0, 8, 0, 1)  # the unlabelled counts are in the table


def test_the_sheets_print_what_a_reader_needs_and_start_with_the_first_month_with_audits(world, as_user):
    audit = ready_for_moderation(sampled_month("2026-10", per_team=1)[0])
    confirmed_action(audit, world.auditors["Early Help"][0], description="Speak with the father about the plan")
    db.session.commit()
    book = load_workbook(io.BytesIO(_download(as_user(world.qa_lead), "2026-10")))
    actions = book["Actions"]
    header = [c.value for c in actions[2]]
    assert "What must happen" in header
    said = [row[header.index("What must happen")] for row in actions.iter_rows(min_row=3, values_only=True)]
    assert "Speak with the father about the plan" in said
    # The service began in October: no columns of zeros for the eleven months before it.
    themes = book["Themes"]
    assert [c.value for c in themes[2]] == ["Theme", "October 2026", "12 months"]
    assert [row[0] for row in book["Trend"].iter_rows(min_row=2, max_row=2, values_only=True)] == ["October 2026"]
    assert book["Trend"]["A3"].value is None
    audits = book["Audits"]
    # Twelve columns print; all 32 stay for filtering.
    assert audits.print_area.endswith(f"$A$1:$L${audits.max_row}") and audits.max_row == 4
    assert audits.max_column == 32


def _two_months(world, grades_before: list[int], grades_now: list[int]) -> None:
    """September and October 2026 signed off with these overall grades (1 Inadequate .. 4 Outstanding)."""
    # A case audited in September is not drawn again in October: twice the world's cases.
    for case in list(world.cases):
        db.session.add(Case(reference=f"{case.reference}X", team_id=case.team_id, case_type=case.case_type,
                            manager_id=case.manager_id, open_date=case.open_date))
    db.session.commit()
    for month, grades in (("2026-09", grades_before), ("2026-10", grades_now)):
        audits = sampled_month(month, per_team=4)
        for audit, grade in zip(audits, grades):
            signed_off_audit(audit, final=grade)
    db.session.commit()


def _summary_rows(book) -> dict:
    """The Summary sheet's rows by their first cell; the first page's come first, so they are kept."""
    rows: dict = {}
    for row in book["Summary"].iter_rows(values_only=True):
        if row[0]:
            rows.setdefault(row[0], row)
    return rows


def test_the_first_page_says_this_month_last_month_and_the_change_in_words(world, as_user):
    # September: 5 of 10 Good or better (50%); October: 7 of 12 (58%): up 8 points.
    _two_months(world, [3] * 5 + [2] * 5, [3] * 7 + [2] * 4 + [1])
    page = as_user(world.leader).get("/reports/?month=2026-10").get_data(as_text=True)
    assert "What changed since September 2026" in page
    row = re.search(r"Good or better overall</th>(.*?)</tr>", page, re.S).group(1)
    assert "58% (n=12)" in row and "50% (n=10)" in row and "Up 8 points" in row and "No target set" in row
    inadequate = re.search(r"Inadequate overall</th>(.*?)</tr>", page, re.S).group(1)
    assert "8% (n=12)" in inadequate and "0% (n=10)" in inadequate and "Up 8 points" in inadequate
    rows = _summary_rows(load_workbook(io.BytesIO(_download(as_user(world.leader), "2026-10"))))
    assert rows["Measure"][1:4] == ("October 2026", "n", "September 2026")
    good = rows["Good or better overall"]
    assert good[1] == 7 / 12 and good[2] == 12 and good[3] == 0.5 and good[4] == 10 and good[5] == "Up 8 points"


def test_targets_give_each_month_its_status_in_words_and_a_change_never_rewrites_the_past(world, as_user):
    _two_months(world, [3] * 5 + [2] * 5, [3] * 7 + [2] * 4 + [1])
    qa = as_user(world.qa_lead)
    # The first target on a measure may start in the past: no month had a status on it before.
    response = qa.post("/reports/targets", data={"measure": "good_overall", "percent": "60", "starts": "2026-09"})
    assert response.status_code == 302
    october = qa.get("/reports/?month=2026-10").get_data(as_text=True)
    row = re.search(r"Good or better overall</th>(.*?)</tr>", october, re.S).group(1)
    # 58% against at least 60%: 2 points short, so close; the word is on the page, not only the colour.
    assert "at least 60%" in row and 'govuk-tag--yellow">Close<' in row
    # A change may not start in a month already reported...
    refused = qa.post("/reports/targets", data={"measure": "good_overall", "percent": "50", "starts": "2026-10"})
    assert refused.status_code == 200 and "A change to a target starts this month" in refused.get_data(as_text=True)
    # ...and one from this month on leaves October's status as it was reported.
    assert qa.post("/reports/targets", data={"measure": "good_overall", "percent": "50",
                                             "starts": "2026-11"}).status_code == 302
    again = qa.get("/reports/?month=2026-10").get_data(as_text=True)
    assert 'govuk-tag--yellow">Close<' in re.search(r"Good or better overall</th>(.*?)</tr>", again, re.S).group(1)
    from auditapp import history
    from auditapp.models import Event
    entries = db.session.scalars(select(Event).where(Event.action == history.TARGET_SET).order_by(Event.id)).all()
    assert [(e.field, e.before, e.after) for e in entries] == [
        ("Good or better overall, from September 2026", None, "60%"),
        ("Good or better overall, from November 2026", "60% from 2026-09", "50%")]
    targets_page = qa.get("/reports/targets").get_data(as_text=True)
    assert "at least 50%" in targets_page and "Quinn Lead" in targets_page
    # In the workbook: the status in words beside its colour, and the target line on the trend chart.
    content = _download(qa, "2026-10")
    book = load_workbook(io.BytesIO(content))
    good = _summary_rows(book)["Good or better overall"]
    assert good[6] == "at least 60%" and good[7] == "Close"
    trend = book["Trend"]
    header = [c.value for c in trend[1]]
    column = header.index("Target: % Good or better overall")
    assert [row[column] for row in trend.iter_rows(min_row=2, max_row=3, values_only=True)] == [0.6, 0.6]
    line = _chart_xml(content)[1]
    assert len(re.findall(r"<(?:c:)?ser>", line)) == 2 and 'prstDash val="dash"' in line


def test_the_commentary_is_the_qa_leads_and_senior_managers_only_once_allowed(world, as_user):
    _two_months(world, [3] * 5, [3] * 5)
    senior, qa = as_user(world.seniors[0]), as_user(world.qa_lead)
    assert senior.get("/reports/2026-10/commentary").status_code == 403
    assert as_user(world.leader).get("/reports/2026-10/commentary").status_code == 403
    assert qa.get("/reports/2026-09/commentary").status_code == 200
    assert qa.get("/reports/1999-01/commentary").status_code == 404
    form = qa.get("/reports/2026-10/commentary").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"', form)
    assert version
    saved = qa.post("/reports/2026-10/commentary", data={
        "told": "Plans are stronger; fathers are still missed.", "doing": "Practice week on fathers in November.",
        "seniors_may_write": "yes", "version": "0"})
    assert saved.status_code == 302
    page = as_user(world.leader).get("/reports/?month=2026-10").get_data(as_text=True)
    assert "fathers are still missed" in page and "Practice week on fathers" in page and "Written by Quinn Lead" in page
    # Allowed for October, a senior manager may now change it; the history has every change.
    assert senior.post("/reports/2026-10/commentary", data={"doing": "Practice week, and a fathers' champion.",
                                                            "version": "1"}).status_code == 302
    rows = _summary_rows(load_workbook(io.BytesIO(_download(qa, "2026-10"))))
    assert "Plans are stronger; fathers are still missed." in rows
    assert "Practice week, and a fathers' champion." in rows
    assert any(str(k).startswith(f"Written by {world.seniors[0].name}") for k in rows)
    from auditapp import history
    from auditapp.models import Event
    fields = db.session.scalars(select(Event.field).where(Event.action == history.COMMENTARY_SAVED)).all()
    assert sorted(fields) == ["Senior managers may write the commentary, October 2026",
                              "What the audits tell us, October 2026", "What we are doing about it, October 2026",
                              "What we are doing about it, October 2026"]
    # A stale tab is refused with what it typed kept; September stays the QA lead's alone.
    stale = senior.post("/reports/2026-10/commentary", data={"told": "Typed in an old tab", "version": "1"})
    assert stale.status_code == 200 and "Typed in an old tab" in stale.get_data(as_text=True)
    assert senior.get("/reports/2026-09/commentary").status_code == 403
