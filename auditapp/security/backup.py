"""Consistent online backups and restores of the configured database.

SQLite: the online backup API copies a consistent snapshot while the service keeps writing.
PostgreSQL: pg_dump (one consistent snapshot, custom format) and pg_restore in one transaction.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from auditapp.extensions import db


class BackupFailed(Exception):
    pass


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, in PG_BIN, or from the newest installed server."""
    candidates = [shutil.which(name), os.path.join(os.environ.get("PG_BIN", ""), name),
                  *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise BackupFailed(f"{name} was not found: install the PostgreSQL client tools")


def _libpq() -> tuple[str, dict[str, str]]:
    """The database's URL without its password, and an environment with the password in it: a
    command line can be read by anyone on the machine (`ps`), a process's environment cannot."""
    url = make_url(db.engine.url).set(drivername="postgresql")
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return url._replace(password=None).render_as_string(hide_password=False), environment  # (set() ignores None)


def _sqlite_path() -> str:
    path = make_url(db.engine.url).database
    if path is None:  # sqlite:// with no path, which sqlite3 cannot open either
        raise BackupFailed("an in-memory SQLite database has no file to back up or restore into")
    return path


def backup(destination: Path) -> None:
    if db.engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        target = sqlite3.connect(destination)
        try:
            source.backup(target)  # consistent even while other connections write
        finally:
            target.close()
            source.close()
        return
    url, environment = _libpq()
    result = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={destination}", url],
                            capture_output=True, text=True, env=environment)
    if result.returncode:
        raise BackupFailed(result.stderr.strip())


def restore(source: Path) -> None:
    """Replace everything in the configured database with the backup's contents."""
    if not source.exists():
        raise BackupFailed(f"{source} does not exist")
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the old contents open
    if db.engine.dialect.name == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path())
        try:
            backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
        return
    url, environment = _libpq()
    result = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                             f"--dbname={url}", str(source)], capture_output=True, text=True, env=environment)
    if result.returncode:
        raise BackupFailed(result.stderr.strip())
