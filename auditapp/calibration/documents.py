"""An uploaded anonymised case summary: PDF or Word only, at most 10 MB, known by its first bytes
(a renamed file is refused), and named on download with the protective marking."""

import re

from auditapp.errors import RuleError

MAX_BYTES = 10 * 1024 * 1024
# What each kind of document starts with: a PDF's header, a .docx's zip archive (holding word/), and
# the compound-file header of an older .doc.
_SIGNATURES = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}


def checked_document(filename: str, content: bytes) -> tuple[str, str]:
    """(kind, a safe name) for an upload that is a PDF or Word document of at most 10 MB; a
    RuleError at the upload's field for anything else."""
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind not in _SIGNATURES:
        raise RuleError("The case summary must be a PDF or Word document (.pdf, .docx or .doc)", "summary_file")
    if len(content) > MAX_BYTES:
        raise RuleError("The case summary must be 10 MB or smaller", "summary_file")
    if not content.startswith(_SIGNATURES[kind]) or (kind == "docx" and b"word/" not in content[:65536]):
        raise RuleError(f"The file is not a real .{kind} document: upload the case summary as a PDF or Word "
                        "document", "summary_file")
    return kind, safe_name(filename)


def safe_name(filename: str) -> str:
    """Letters, digits, dots, dashes and spaces only, so the name is safe in a header and on disk."""
    base = re.sub(r"[^A-Za-z0-9. -]+", "-", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .-")
    return base[:150] or "case-summary"


def download_name(marking: str, exercise_id: int, kind: str) -> str:
    """The protective marking first, as the council's document handling expects to see it."""
    return f"{safe_name(marking)} calibration-{exercise_id}-case-summary.{kind}"
