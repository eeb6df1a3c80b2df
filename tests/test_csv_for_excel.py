"""Every CSV the service writes opens intact in Excel (issue 27): UTF-8 with a byte-order mark, so
"Siân" and "Zoë" are not read as Windows-1252 when the file is double-clicked. Walked over the
access matrix, so a CSV added later is held to it too."""

import csv
import io

from builders import month_sampled_by, this_month
from test_access import build_scene, matrix, personas_for

from auditapp.extensions import db
from auditapp.models import Team

BOM = b"\xef\xbb\xbf"


def test_the_allocation_download_keeps_welsh_and_accented_names(world, as_user):
    audits = month_sampled_by(world.qa_lead, per_team=1)
    team = db.session.get(Team, audits[0].case.team_id)
    team.name = "Tîm Siân a Zoë"
    db.session.commit()
    response = as_user(world.qa_lead).get(f"/cycles/{this_month()}/allocation.csv")
    body = response.get_data()
    assert body.startswith(BOM) and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Tîm Siân a Zoë".encode() in body  # UTF-8 itself, not Windows-1252
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "case reference" and any(row[1] == "Tîm Siân a Zoë" for row in rows[1:])


def test_the_command_line_writes_the_same_file_and_prints_plain_text(world, app, tmp_path):
    path = tmp_path / "allocation.csv"
    result = app.test_cli_runner().invoke(args=["draw-sample", this_month(), "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(BOM + b"case reference,")
    printed = app.test_cli_runner().invoke(args=["draw-sample", this_month()])
    assert not printed.stdout.startswith("\ufeff")  # a terminal or a pipe: no mark before the first name


def test_every_csv_any_route_answers_starts_with_the_byte_order_mark(app, world):
    from builders import sign_in
    scene = build_scene(world)
    seen = []
    for method, url, audit, expected in matrix(scene):
        if method != "GET":
            continue
        allowed = [p for p, status in expected.items() if status == 200]
        user = next((u for p, u in personas_for(world, audit, world.qa_lead).items() if p in allowed and u), None)
        if user is None:
            continue
        response = sign_in(app.test_client(), user).get(url)
        if response.mimetype == "text/csv":
            seen.append(url)
            assert response.get_data().startswith(BOM), url
            assert response.mimetype_params.get("charset") == "utf-8", url
    assert seen  # the walk found the CSVs there are
