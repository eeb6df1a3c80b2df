"""What every version of the council's framework is published with (the grade descriptors and the
audit types alike): a note of what changed, in plain text, of a bounded length. Written once, so the
two editors refuse the same notes in the same words."""

import re

from auditapp.errors import RuleError

# A tag's opening: what would be HTML if shown unescaped. Text is plain throughout the framework.
HTML = re.compile(r"<\s*[/!?a-zA-Z]")
MAX_NOTE = 2000


def version_note(note: str | None) -> str:
    """The note, trimmed; refused at its field when missing, too long or not plain text."""
    note = (note or "").strip()
    if not note:
        raise RuleError("Enter a note of what changed in this version", "note")
    if len(note) > MAX_NOTE:
        raise RuleError(f"The note must be {MAX_NOTE} characters or fewer", "note")
    if HTML.search(note):
        raise RuleError("The note must be plain text: remove the HTML (the part starting with <)", "note")
    return note
