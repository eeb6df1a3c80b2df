"""One process on a machine computes a remembered figure while the others that want it wait, then
read what it stored.

When the figures' version moves (a sign-off), every worker's next report page misses at the same
moment. Four workers computing the same dashboard on two cores took 200–250 ms each, every one
of them kept from anything else meanwhile, the saves included; one computing while three wait for
it, 140–160 ms (measured in gunicorn's workers on the large county, PostgreSQL).

The lock is a file lock (flock), so the kernel lets it go if the process holding it dies. Figures
are spread over a fixed number of lock files, so the folder never grows. A thread holds at most one
turn at a time (a figure computed inside another's computation is part of that turn), so no two
turns can wait for each other. Nobody waits longer than WAIT seconds: past that, a worker computes
the figure itself, as it would with no lock at all."""

import fcntl
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

SLOTS = 256
WAIT = 10.0  # seconds; a figure takes well under one
POLL = 0.002  # seconds between tries while another process has the turn
_held = threading.local()


def default_folder() -> str:
    return os.path.join(tempfile.gettempdir(), f"auditapp-figures-{os.getuid()}")


def inside_a_turn() -> bool:
    """True while this thread is computing a figure in its own turn: what it computes now is part of that."""
    return bool(getattr(_held, "turn", False))


@contextmanager
def turn(key: str, folder: str) -> Iterator[bool]:
    """This thread's turn at computing the figure `key` (hexadecimal) on this machine; yields True
    when it had to wait for another's, which will have stored the figure by then, unless it failed."""
    if inside_a_turn():
        yield False  # inside this thread's own turn already
        return
    descriptor = _open(os.path.join(folder, f"{int(key[:8], 16) % SLOTS}.lock"), folder)
    try:
        # With no lock to be had the turn is this thread's alone, but still a turn: what it computes
        # inside is part of this figure (and stored after the response, remembered.py).
        waited = descriptor is not None and not _lock(descriptor)
        _held.turn = True
        try:
            yield waited
        finally:
            _held.turn = False
    finally:
        if descriptor is not None:
            os.close(descriptor)  # lets the lock go


def _open(path: str, folder: str) -> int | None:
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if os.stat(folder).st_uid != os.getuid():
            # In a shared temporary folder, someone else's folder could hold our turns for ever.
            raise PermissionError(f"{folder} belongs to someone else")
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        # Only time is lost: every worker computes for itself, as before the lock.
        log.warning("No lock file for remembered figures in %s: %s", folder, error)
        return None


def _lock(descriptor: int) -> bool:
    """Takes the lock; True if nobody held it. Tries again every POLL seconds, about WAIT in all
    (counted in tries, not read from a clock, so a test's frozen clock cannot make it wait for ever)."""
    if _try(descriptor):
        return True
    for _ in range(int(WAIT / POLL)):
        time.sleep(POLL)
        if _try(descriptor):
            return False
    log.warning("Waited %.0f s for another worker's figure: computing it here", WAIT)
    return False


def _try(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
