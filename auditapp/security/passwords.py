"""What makes a password acceptable: long, not trivially patterned, and not on a list of the
passwords attackers try first (NCSC and OWASP ASVS 2.1: length and a deny list, no composition rules)."""

import gzip
import string
from functools import cache

from auditapp.config import PACKAGE

MIN_LENGTH = 12
DATA = PACKAGE / "data"
# Stripped from both ends before looking a password up, so "Password1234!" counts as "password".
DECORATION = string.digits + string.punctuation + string.whitespace


@cache
def _common() -> frozenset[str]:
    # The 20,000 most common passwords, as shipped by Django (compiled by Royce Williams).
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


@cache
def _service_words() -> frozenset[str]:
    lines = (DATA / "service-words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password will not do, in words for the person choosing it; None if it will."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if not password.strip():
        return "Password must not be only spaces"
    if len(set(password)) == 1:
        return "Password must not be one character repeated"
    folded = password.lower()
    squeezed = "".join(folded.split())
    core = squeezed.strip(DECORATION)
    guessable = _common() | _service_words()
    if {folded, squeezed, core} & guessable or not core and squeezed.isdigit():
        return "Password is too easy to guess: try three random words"
    local_part = (email or "").split("@")[0].lower()
    if len(local_part) >= 4 and local_part in folded:
        return "Password must not contain your email address"
    return None
