"""A version of the grade descriptors written out as the TOML files the service reads
(grade_descriptors/, `flask import-descriptors`), so a council can keep them in its own document
control. No Flask here: the command passes in what to write."""

import json
from datetime import date
from pathlib import Path

from auditapp.grading import GRADE_KEYS, Descriptor


def _string(text: str) -> str:
    # A JSON string is a valid TOML basic string: the same quotes and escapes.
    return json.dumps(text, ensure_ascii=False)


def descriptor_toml(descriptor: Descriptor, published: date | None, note: str = "") -> str:
    lines = [f"version = {_string(descriptor.version)}"]
    if published:
        lines.append(f"published = {published.isoformat()}  # the date this version was published")
    lines += [f"domain = {_string(descriptor.name)}"]
    if note:
        lines.append(f"# What changed in this version: {' '.join(note.split())}")
    lines += ["", "[grades]"]
    for grade_key, grade in GRADE_KEYS.items():
        lines.append(f"{grade_key} = [")
        lines += [f"  {_string(line)}," for line in descriptor.indicators.get(grade, [])]
        lines.append("]")
    return "\n".join(lines) + "\n"


def write_descriptors(folder: Path, descriptors: dict[str, Descriptor], published: date | None,
                      note: str = "") -> list[Path]:
    """One file per domain, named by its key (voice.toml …), over any already there."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, descriptor in descriptors.items():
        path = folder / f"{key}.toml"
        path.write_text(descriptor_toml(descriptor, published, note), encoding="utf-8")
        written.append(path)
    return written
