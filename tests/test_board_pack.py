"""The pack the improvement board reads (issue 23): charts that tell the truth, sheets for paper,
and a first page that says what changed. Read through HTTP and from the workbook's own XML."""

import io
import re
import zipfile

from builders import confirmed_action, ready_for_moderation, sampled_month, signed_off_audit
from openpyxl import load_workbook

from auditapp.extensions import db


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
