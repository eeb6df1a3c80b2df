"""The console commands that write the service's papers: the summary workbook, the board's pack,
the quarterly report, the self-evaluation, every audit, and the grade descriptors and audit types
in and out."""

import tomllib
from pathlib import Path

import click

from auditapp import clock
from auditapp.calibration import results as calibration_results
from auditapp.cli.common import _fail, _period, period_arguments
from auditapp.errors import RuleError
from auditapp.exports.descriptors import write_descriptors
from auditapp.exports.documents import docx_bytes, pdf_bytes
from auditapp.exports.history import write_history
from auditapp.exports.quarterly import quarterly_document
from auditapp.exports.self_evaluation import self_evaluation_document
from auditapp.exports.workbook import workbook_bytes
from auditapp.extensions import db
from auditapp.framework import audit_types, type_files
from auditapp.framework import descriptors as descriptor_versions
from auditapp.grading import load_descriptors
from auditapp.learning.review import reviewed
from auditapp.permissions import SYSTEM
from auditapp.reports.summary import summarise
from auditapp.views.reports import pack_bytes


def register(app) -> None:
    @app.cli.command("export-month")
    @period_arguments
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the .xlsx workbook.")
    def export_month_command(period: str, kind: str | None, output: Path):
        """Write the summary workbook, the same file the QA lead downloads, for a month (2026-10), a
        quarter of the financial year (2026-27-Q3) or a financial year to date (2026-27)."""
        span = _period(period, kind)
        # The same file as the QA lead's full download, so its Calibration sheet names the participants.
        output.write_bytes(workbook_bytes(summarise(span.end, clock.today(), period=span.count, kind=span.kind),
                                          calibration=calibration_results.closed_in_month(span.end, clock.today()),
                                          named=True))
        click.echo(f"Summary for {span.words} written to {output}")

    @app.cli.command("export-pack")
    @period_arguments
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the .pdf.")
    def export_pack_command(period: str, kind: str | None, output: Path):
        """Write the board's pack as a PDF (A4, tagged), the same file the dashboard offers, for a
        month (2026-10), a quarter of the financial year (2026-27-Q3) or a financial year to date (2026-27)."""
        span = _period(period, kind)
        summary = summarise(span.end, clock.today(), period=span.count, kind=span.kind)
        output.write_bytes(pack_bytes(summary))
        click.echo(f"Pack for {span.words} written to {output}")

    @app.cli.command("export-quarterly")
    @click.argument("quarter")
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the report (.docx, or .pdf with --pdf).")
    @click.option("--pdf", "as_pdf", is_flag=True, help="Write a tagged PDF instead of a Word document.")
    def export_quarterly_command(quarter: str, output: Path, as_pdf: bool):
        """Write the quarterly QA report for a quarter of the financial year (2026-27-Q3), the same
        file the QA lead and senior managers download: a Word document, or with --pdf a tagged PDF."""
        span = _period(quarter, None)
        if span.kind != "quarter":
            _fail(["Give a quarter of the financial year, for example 2026-27-Q3"])
        document = quarterly_document(span, clock.today(), app.config["PROTECTIVE_MARKING"])
        output.write_bytes(pdf_bytes(document) if as_pdf else docx_bytes(document))
        click.echo(f"Quarterly report for {span.words} written to {output}")

    @app.cli.command("export-self-evaluation")
    @click.argument("year")
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the self-evaluation (.docx, or .pdf with --pdf).")
    @click.option("--pdf", "as_pdf", is_flag=True, help="Write a tagged PDF instead of a Word document.")
    @click.option("--draft", is_flag=True, help="Before the QA lead's review: every page is marked DRAFT.")
    def export_self_evaluation_command(year: str, output: Path, as_pdf: bool, draft: bool):
        """Write the year's self-evaluation evidence (2026-27), arranged by Ofsted's three questions.
        It needs the QA lead's review first (on the Documents page), or --draft."""
        span = _period(year, None)
        if span.kind != "year":
            _fail(["Give a financial year, for example 2026-27"])
        code = year.strip()
        if not draft and reviewed(code) is None:
            _fail([f"The self-evaluation for {code} has not been reviewed by the QA lead yet: they review it "
                   "on the Documents page. Give --draft to write it marked DRAFT on every page."])
        document = self_evaluation_document(span, clock.today(), app.config["PROTECTIVE_MARKING"], draft=draft)
        output.write_bytes(pdf_bytes(document) if as_pdf else docx_bytes(document))
        click.echo(f"Self-evaluation for {span.words}{' (DRAFT)' if draft else ''} written to {output}")

    @app.cli.command("import-descriptors")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--note", default="", help="What changed in this version (default: imported from files).")
    def import_descriptors_command(folder: Path, note: str):
        """Publish the descriptor files in FOLDER (one .toml per domain) as the next version."""
        try:
            found = load_descriptors(folder)
            version = descriptor_versions.import_descriptors(SYSTEM, found, note)
        except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
            _fail([f"Nothing was imported: {error}"])
        except RuleError as error:
            _fail([f"Nothing was imported: {error.message}"])
        db.session.commit()
        if version is None:
            click.echo("These descriptors are already the current version: nothing was imported")
        else:
            click.echo(f"Version {version.number} of the grade descriptors imported, {version.published_words}")

    @app.cli.command("export-descriptors")
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--version", "number", type=click.IntRange(min=1), help="A version's number (default: current).")
    def export_descriptors_command(folder: Path, number: int | None):
        """Write a version of the grade descriptors to FOLDER as one .toml file per domain."""
        version = descriptor_versions.numbered(number) if number else descriptor_versions.current()
        if version is None:
            _fail([f"There is no version {number} of the grade descriptors"])
        written = write_descriptors(folder, version.descriptors, version.published_on, version.note)
        click.echo(f"Version {version.number} written to {folder} ({len(written)} files)")

    @app.cli.command("import-audit-types")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--note", default="", help="What changed (default: imported from an audit type file).")
    def import_audit_types_command(folder: Path, note: str):
        """Publish each audit type file in FOLDER (.toml) as the next version of the type of its name."""
        paths = sorted(folder.glob("*.toml"))
        try:
            found = [type_files.read_type_file(path.read_text(encoding="utf-8"), path.name) for path in paths]
            published = [audit_types.import_type(SYSTEM, design, note) for design in found]
        except (OSError, ValueError) as error:
            _fail([f"Nothing was imported: {error}"])
        except RuleError as error:
            _fail([f"Nothing was imported: {error.message}"])
        db.session.commit()
        for design, row in zip(found, published):
            click.echo(f"{design.name}: " + (f"version {row.number} imported" if row else "already the newest version"))

    @app.cli.command("export-audit-types")
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    def export_audit_types_command(folder: Path):
        """Write the newest version of each audit type in use (not retired) to FOLDER, one .toml file a type."""
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for kind, row in audit_types.startable():
            name = "".join(c if c.isalnum() else "-" for c in kind.name.lower()).strip("-")
            (folder / f"{name}.toml").write_text(type_files.type_file(audit_types.design(row)), encoding="utf-8")
            written += 1
        click.echo(f"{written} audit types written to {folder}")

    @app.cli.command("export-audits")
    @click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the .xlsx workbook.")
    def export_audits_command(output: Path):
        """Write every audit ever sampled, one row each (the full-history export)."""
        count = write_history(str(output), clock.today())
        click.echo(f"{count:,} audits written to {output}")
