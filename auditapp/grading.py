"""The six practice domains, the four grades, and the service's grade descriptors."""

import tomllib
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from pathlib import Path


class Grade(IntEnum):
    # Ordered so that comparisons and "grade steps" are plain arithmetic.
    INADEQUATE = 1
    REQUIRES_IMPROVEMENT = 2
    GOOD = 3
    OUTSTANDING = 4

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]

    @property
    def is_good_or_better(self) -> bool:
        return self >= Grade.GOOD


GRADE_LABELS = {
    Grade.OUTSTANDING: "Outstanding",
    Grade.GOOD: "Good",
    Grade.REQUIRES_IMPROVEMENT: "Requires improvement",
    Grade.INADEQUATE: "Inadequate",
}

# One palette for the grades wherever they are drawn (web charts and tags, Excel charts and cells):
# a strong colour for bars and lines (at least 3:1 against white) and a light tint for table cells
# and tags (dark text on it). Never the only cue: every use also prints the grade's name or number.
GRADE_PALETTE = {
    Grade.OUTSTANDING: {"strong": "005A30", "tint": "CCE2D8", "tag": "green"},
    Grade.GOOD: {"strong": "1D70B8", "tint": "BBD4EA", "tag": "blue"},
    Grade.REQUIRES_IMPROVEMENT: {"strong": "8C5E00", "tint": "FCD6C3", "tag": "orange"},
    Grade.INADEQUATE: {"strong": "D4351C", "tint": "F4CDC6", "tag": "red"},
}

# Best first, the order in which the grades are offered and reported.
GRADES_BEST_FIRST = sorted(Grade, reverse=True)

DOMAINS = {
    "voice": "Voice of the child in assessment and planning",
    "assessment": "Quality of assessment",
    "plan": "Quality of plan",
    "partnership": "Quality of partnership working",
    "oversight": "Supervision and management oversight",
    "diversity": "Recognition and inclusion of diversity",
}
OVERALL = "overall"
# The six domains and the overall judgement: every place grades are set or counted.
JUDGEMENTS = {**DOMAINS, OVERALL: "Overall"}


def domains_judged(keys: list[str]) -> dict[str, str]:
    """The domains an audit judges (all six, or a targeted audit's choice), in the form's order."""
    return {key: name for key, name in DOMAINS.items() if key in keys}


def judgements_made(keys: list[str]) -> dict[str, str]:
    """Those domains and the overall grade: what auditors grade and the moderator decides."""
    return {**domains_judged(keys), OVERALL: JUDGEMENTS[OVERALL]}


def grade_from_value(value) -> Grade | None:
    """Grade from a stored or posted value; None for empty, ValueError for anything else."""
    if value in (None, ""):
        return None
    return Grade(int(value))


def grade_label(value) -> str:
    grade = grade_from_value(value)
    return grade.label if grade else ""


def grade_words(*by_judgement: dict) -> list[str | None]:
    """For each judgement in turn, each given set's grade as its word (None where there is none):
    the grade columns of the audits sheets, A, B and moderated side by side. A dictionary look-up
    per cell, since the full history has 250,000 of them."""
    return [GRADE_LABELS.get(grades[key]) for key in JUDGEMENTS for grades in by_judgement]


def crosses_good_line(first: int, second: int) -> bool:
    """True when one grade is Good or better and the other is below Good."""
    return (first >= Grade.GOOD) != (second >= Grade.GOOD)


@dataclass(frozen=True)
class Descriptor:
    key: str
    name: str
    version: str
    indicators: dict[Grade, list[str]]
    published: date | None = None


MAX_INDICATORS = 10  # for each grade of each domain

# Each grade's key in the descriptor files and the stored versions, best first.
GRADE_KEYS = {
    "outstanding": Grade.OUTSTANDING,
    "good": Grade.GOOD,
    "requires_improvement": Grade.REQUIRES_IMPROVEMENT,
    "inadequate": Grade.INADEQUATE,
}


def load_descriptors(folder: Path) -> dict[str, Descriptor]:
    """Read one TOML file per domain; fail loudly on a missing domain or grade."""
    descriptors = {}
    for key, name in DOMAINS.items():
        path = folder / f"{key}.toml"
        try:
            with path.open("rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ValueError(f"{path}: {error}") from None
        if data.get("domain") != name:
            raise ValueError(f"{path}: domain must be {name!r}")
        indicators = {}
        for grade_key, grade in GRADE_KEYS.items():
            items = data.get("grades", {}).get(grade_key, [])
            # The same bounds as a draft in the service (framework/descriptors.py), so an exported
            # version always reads back in.
            if not 1 <= len(items) <= MAX_INDICATORS or not all(isinstance(i, str) and i.strip() for i in items):
                raise ValueError(f"{path}: {grade_key} needs 1 to {MAX_INDICATORS} indicators, each some words")
            indicators[grade] = list(items)
        published = data.get("published")
        if published is not None and not isinstance(published, date):
            raise ValueError(f"{path}: published must be a date, like 2026-11-22")
        descriptors[key] = Descriptor(key, name, str(data["version"]), indicators, published)
    return descriptors


def descriptors_version(descriptors: dict[str, Descriptor]) -> str:
    """The version of the whole set, as recorded on each audit."""
    return "; ".join(f"{d.key} {d.version}" for d in descriptors.values())


def published_text(recorded: str | None, descriptors: dict[str, Descriptor]) -> str:
    """A recorded version ("voice 2026.1; plan 2026.1; ...") as people know it: by the date it was
    published ("published 22 November 2026"), not by a version number and domain keys."""
    pairs = dict(part.split(" ", 1) for part in (recorded or "").split("; ") if " " in part)
    published = [d.published for d in descriptors.values() if pairs.get(d.key) == d.version and d.published]
    if not pairs or len(published) < len(pairs):
        return "an earlier version" if pairs else ""
    return "published " + max(published).strftime("%-d %B %Y")
