"""Console commands: what the QA lead and the server's administrator run with `flask --app wsgi`."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditapp import clock, history
from auditapp.cli import papers
from auditapp.cli.common import _fail, _person
from auditapp.errors import RuleError
from auditapp.exports.allocation import allocation_csv
from auditapp.exports.cells import excel_csv
from auditapp.extensions import db
from auditapp.history import record
from auditapp.history_chain import verify_history
from auditapp.imports.cases import NeedsCaseTypes
from auditapp.imports.columns import CASE_FIELDS, CASE_REQUIRED
from auditapp.imports.table import ImportFailed, NeedsColumns
from auditapp.imports.users import read_people
from auditapp.month.past_audits import import_past_audits
from auditapp.month.register import import_cases
from auditapp.month.sampling import draw_sample, open_cycle, open_cycle_for
from auditapp.outbox import notices
from auditapp.outbox.mail import deliver
from auditapp.permissions import SYSTEM
from auditapp.security.backup import BackupFailed, backup, restore
from auditapp.security.people import apply_people, set_password
from auditapp.security.retention import purge_older_than
from auditapp.security.single_sign_on import unbind
from auditapp.security.stash import forget_expired
from auditapp.workdays import is_working_day

if TYPE_CHECKING:
    # What click.progressbar returns; click names the class only in a private module.
    from click._termui_impl import ProgressBar as ClickProgressBar


def main() -> None:
    """`auditapp ...`: the commands of `flask --app wsgi ...`, for an installed package."""
    from flask.cli import FlaskGroup

    from auditapp import create_app
    FlaskGroup(name="auditapp", create_app=create_app,
               help="The case audit service's commands (those of `flask --app wsgi`).")(prog_name="auditapp")


class ProgressBar:
    """A progress bar on stderr, started once the number of rows is known (stdout stays clean)."""

    bar: "ClickProgressBar[int] | None"

    def __init__(self, label: str):
        self.label, self.bar, self.done = label, None, 0

    def update(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total or done, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(max(0, (self.bar.length or 0) - self.done))
            self.bar.__exit__(None, None, None)


def register(app) -> None:
    @app.cli.command("import-users")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_users_command(path: Path):
        """Add or update people from a CSV or .xlsx with Name, Email, Team, Roles."""
        try:
            with path.open("rb") as stream:
                added, updated = apply_people(SYSTEM, read_people(stream, path.name))
            db.session.commit()
        except ImportFailed as failure:
            _fail(["Nothing was imported:", *failure.lines()])
        except RuleError as error:
            _fail([error.message])
        click.echo(f"{added} people added, {updated} updated")

    @app.cli.command("set-password")
    @click.argument("email")
    def set_password_command(email: str):
        """Set a person's password, read from standard input (never from the command line)."""
        user = _person(email)
        password = sys.stdin.readline().rstrip("\r\n") if not sys.stdin.isatty() else click.prompt(
            "Password", hide_input=True, confirmation_prompt=True)
        try:
            set_password(SYSTEM, user, password)
        except RuleError as error:
            _fail([error.message])
        db.session.commit()
        click.echo(f"Password set for {user.email}")

    @app.cli.command("unbind-council-account")
    @click.argument("email")
    def unbind_command(email: str):
        """Let a person's next single sign-on bind their council account afresh."""
        user = _person(email)
        try:
            unbind(SYSTEM, user)
        except RuleError as error:
            _fail([error.message])
        db.session.commit()
        click.echo(f"The next council account {user.email} signs in with is bound to them")

    @app.cli.command("import-cases")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_cases_command(path: Path):
        """Load the case-list export (.xlsx or .csv): all rows or none."""
        bar = ProgressBar("Checking rows")
        try:
            with path.open("rb") as stream:
                added, updated = import_cases(SYSTEM, stream, path.name, bar.update)
            bar.close()
            db.session.commit()
        except ImportFailed as failure:
            bar.close()
            _fail([f"Nothing was imported: {failure.count:,} problems in {path.name}", *failure.lines()])
        except NeedsColumns as waiting:
            bar.close()
            _fail([f"Nothing was imported: row {waiting.row} of {path.name} does not name every column "
                   f"auditapp needs ({', '.join(CASE_FIELDS[n] for n in CASE_REQUIRED if n not in waiting.guesses)} "
                   "not found). Its columns: " + ", ".join(waiting.headers),
                   "Upload it once on the Case register page to match its columns: the choice is remembered."])
        except NeedsCaseTypes as waiting:
            bar.close()
            _fail([f"Nothing was imported: {path.name} has case types auditapp does not know:",
                   *(f"Case type '{found.text}' ({found.count:,} rows, first on rows "
                     f"{', '.join(map(str, found.rows))})" for found in waiting.words.values()),
                   "Upload it once on the Case register page to say which type each means: the choice is remembered."])
        click.echo(f"{added} cases added, {updated} updated")

    @app.cli.command("import-audits")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_audits_command(path: Path):
        """Load the audits done before auditapp (.xlsx or .csv, one row per audit): all or none."""
        try:
            with path.open("rb") as stream:
                added, unchanged = import_past_audits(SYSTEM, stream, path.name)
            db.session.commit()
        except ImportFailed as failure:
            _fail([f"Nothing was imported: {failure.count:,} problems in {path.name}", *failure.lines()])
        except NeedsColumns as waiting:
            _fail([f"Nothing was imported: no row of {path.name} names every column of the template. "
                   f"The likeliest, row {waiting.row}, has: " + ", ".join(waiting.headers)])
        click.echo(f"{added} past audits imported, {unchanged} already imported")

    @app.cli.command("draw-sample")
    @click.argument("month")
    @click.option("--per-team", type=click.IntRange(min=1), help="Cases per team (default from config).")
    @click.option("--seed", type=click.IntRange(min=0), help="Repeat a previous draw.")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the allocation to this CSV file (one Excel opens intact) instead of printing it.")
    def draw_sample_command(month: str, per_team: int | None, seed: int | None, output: Path | None):
        """Open the month's cycle if needed, draw and allocate the sample, print it as CSV."""
        try:
            cycle = open_cycle_for(month) or open_cycle(SYSTEM, month)
            allocation = allocation_csv(draw_sample(SYSTEM, cycle, seed, per_team))
            month, seed = cycle.month, cycle.seed
            db.session.commit()
        except RuleError as error:
            _fail([error.message])
        click.echo(f"Sample for {month} drawn with seed {seed}", err=True)
        if output is not None:
            output.write_bytes(excel_csv(allocation))
            click.echo(f"Allocation written to {output}", err=True)
        else:  # a terminal or a pipe: plain UTF-8, no byte-order mark before the first column's name
            click.echo(allocation, nl=False)

    papers.register(app)

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(destination: Path):
        """Take a consistent backup of the database while the service runs (safe to schedule)."""
        try:
            backup(destination)
        except BackupFailed as error:
            _fail([f"Backup failed: {error}"])
        click.echo(f"Backup written to {destination} ({destination.stat().st_size:,} bytes)")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(source: Path, yes: bool):
        """Replace everything in the configured database with a backup."""
        if not yes and not click.confirm(f"This replaces everything in the database with {source}. Continue?"):
            _fail(["Nothing was restored"])
        try:
            restore(source)
        except BackupFailed as error:
            _fail([f"Restore failed: {error}"])
        record(SYSTEM, history.DATABASE_RESTORED, field=source.name)
        db.session.commit()
        click.echo(f"Restored from {source}")

    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Send today's reminders and escalations, and retry mail that failed (run daily from cron)."""
        today = clock.today()
        if not is_working_day(today):
            # Nobody is at work to act on mail today; a safeguarding concern's mail leaves from
            # the request that records it, and the next working day's run retries any failure.
            click.echo(f"{today:%A %-d %B %Y} is not a working day: nothing sent today")
            return
        queued = notices.daily(today)
        db.session.commit()
        sent, failed = deliver()
        click.echo(f"{queued} reminders queued today; {sent} messages sent, {failed} failed (retried tomorrow)")
        if failed:
            sys.exit(1)

    @app.cli.command("purge")
    @click.option("--older-than-years", "years", type=int, required=True,
                  help="The retention period: audits from months that began longer ago than this go.")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def purge_command(years: int, yes: bool):
        """Remove audits past the retention period, with their history (recorded in the history)."""
        if not yes and not click.confirm(f"This permanently removes audits more than {years} years old. Continue?"):
            _fail(["Nothing was removed"])
        try:
            purged = purge_older_than(SYSTEM, years)
        except RuleError as error:
            _fail([error.message])
        # Forms kept after a session ended are only ever wanted for a day: scheduled purges clear them.
        forgotten = forget_expired()
        db.session.commit()
        click.echo(str(purged))
        click.echo(f"{forgotten} kept forms nobody came back for within 24 hours removed")

    @app.cli.command("worker")
    @click.option("--workers", type=int, default=1, show_default=True)
    def worker_command(workers: int):
        """Run the background worker (case-list imports, mail): what `huey_consumer worker.huey` runs."""
        from flask import current_app
        from huey.consumer import Consumer

        from auditapp import jobs
        # The proxy's own method: Flask types current_app as the Flask object it stands for.
        jobs.run_tasks_in(current_app._get_current_object())  # type: ignore[attr-defined]
        Consumer(jobs.huey, workers=workers).run()

    @app.cli.command("verify-history")
    def verify_history_command():
        """Check that no history entry was changed or removed since it was written (exit 1 if so)."""
        result = verify_history(db.session())
        db.session.rollback()
        if not result.intact:
            _fail([*result.broken, f"The history is NOT intact: {len(result.broken)} problems shown "
                   f"of {result.entries:,} entries checked"])
        click.echo(f"The history is intact: {result.entries:,} entries, each following from the one before"
                   + (f" ({result.removed:,} emptied at the end of retention)" if result.removed else ""))
        if result.newest_id is not None:
            click.echo(f"Newest entry {result.newest_id}, sealed {result.newest_hash}: keep this line elsewhere "
                       "to show later that nothing before it has gone")

    @app.cli.command("seed-demo")
    @click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True,
                  help="small: the sample export's 300 cases and four months; "
                       "large: a county, 60,000 cases and ten years of audits.")
    def seed_demo_command(scale: str):
        """Build the demonstration data: people, cases, moderated months and this one in progress."""
        from auditapp.demo import seed_demo
        from auditapp.demo.large import seed_large
        try:
            summary = seed_demo() if scale == "small" else seed_large(lambda m: click.echo(m, err=True))
        except RuleError as error:
            _fail([error.message])
        click.echo(summary)
