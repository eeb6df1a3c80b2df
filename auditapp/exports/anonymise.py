"""The self-evaluation's examples, made safe to send outside the council (issue 26): a case's
reference becomes "Case 1", "Case 2"; anything shaped like a reference becomes "[case]"; and a
capitalised word that does not start a sentence and is not in the list of ordinary words
(data/ordinary-words.txt, with the service's own team names and framework words) becomes "[name]",
as does any word that is part of a person's name held by the service, wherever it stands. It errs
towards hiding words: a place or agency missing from the list is hidden too, never a name shown."""

import re
from functools import cache
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_REFERENCE = re.compile(r"\b[A-Za-z]{0,4}[-/]?\d{3,}[A-Za-z0-9/-]*\b")
_SENTENCE_END = ".!?:;\n\"“(•-"
DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def ordinary_words() -> frozenset[str]:
    lines = (DATA / "ordinary-words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END


def anonymise(text: str, labels: dict[str, str], names: frozenset[str], ordinary: frozenset[str]) -> str:
    """`labels`: case reference -> "Case 1"; `names`: lower-case parts of people's names;
    `ordinary`: lower-case words kept when capitalised."""
    for reference, label in sorted(labels.items(), key=lambda item: -len(item[0])):
        text = re.sub(rf"\b{re.escape(reference)}\b", label, text, flags=re.IGNORECASE)
    text = _REFERENCE.sub("[case]", text)

    def replace(found: re.Match[str]) -> str:
        word = found.group()
        bare = word.lower().rstrip("'’s") if word.lower().endswith(("'s", "’s")) else word.lower()
        if bare in names:
            return "[name]"
        if not word[0].isupper() or len(word) == 1 or word.isupper():  # "auditor B", "CIN", "CAMHS"
            return word
        if _starts_sentence(text, found.start()) or bare in ordinary or word.lower() in ordinary:
            return word
        return "[name]"

    return _WORD.sub(replace, text)
