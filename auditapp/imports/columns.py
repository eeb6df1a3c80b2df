"""The words case-management systems and DfE returns use, in one place: the column names each of
auditapp's case-list fields goes by, and the case-type words, each mapped to auditapp's own.

A council's export arrives as its system writes it (Mosaic, LCS, Eclipse, Liquidlogic's EHM, an
Ofsted Annex A list): the import recognises these names and words, and the QA lead matches any
others once, remembered for the next import (`ImportWord` rows passed in as `remembered`).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# auditapp's fields, in the order the matching page lists them, with the name people read.
CASE_FIELDS = {
    "case reference": "Case reference",
    "team": "Team",
    "case type": "Case type",
    "responsible manager email": "Responsible manager email",
    "open date": "Open date",
    "closed date": "Closed date",
    "age band": "Age band",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
}
CASE_REQUIRED = ["case reference", "team", "case type", "responsible manager email", "open date"]

# Each field's usual names, as the systems write them (compared after `normalise_word`, so case,
# spacing and punctuation do not matter: "Person ID", "person_id" and "Person-ID" are one name).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "case reference": (
        "case reference", "case ref", "case id", "case number", "reference",
        "person id", "person ref", "person reference", "personid",  # Mosaic
        "lcs id", "lcs reference", "client id", "client reference",  # LCS
        "eclipse id", "person number", "child id", "child reference", "child number",  # Eclipse
        "child unique id", "child unique identifier", "unique child id", "upn child id",  # Annex A, CIN census
        "la child id", "la reference", "id",
    ),
    "team": (
        "team", "team name", "worker team", "allocated team", "allocated team name", "responsible team",
        "current team", "owning team", "service team", "case team", "unit", "team unit",
    ),
    "case type": (
        "case type", "case status", "case category", "category", "status", "current status",
        "legal status", "plan type", "current plan", "service type", "involvement type",
        "case type description", "episode type", "primary need", "case status description",
    ),
    "responsible manager email": (
        "responsible manager email", "manager email", "team manager email", "allocated manager email",
        "responsible manager e mail", "manager e mail", "team manager e mail",
        "supervisor email", "supervising manager email", "line manager email", "manager email address",
        "team manager email address", "tm email",
    ),
    "open date": (
        "open date", "opened", "opened on", "date opened", "start date", "case start date", "episode start date",
        "involvement start date", "allocation date", "allocated date", "referral date", "open date time",
        "start date time", "case opened", "case open date", "date case opened", "involvement start",
    ),
    "closed date": (
        "closed date", "close date", "closed", "closed on", "date closed", "end date", "case end date",
        "episode end date", "involvement end date", "closure date", "case closure date", "case closed",
        "case closed date", "date case closed", "end date time", "involvement end",
    ),
    "age band": ("age band", "age group", "age range", "age bracket", "age category"),
    "gender": ("gender", "sex", "gender identity", "legal sex"),
    "ethnicity": ("ethnicity", "ethnic origin", "ethnic group", "ethnicity code", "ethnicity description"),
    "disability": ("disability", "disabled", "has disability", "disability status", "disability flag"),
}

# What systems and DfE returns write for a case type (after `normalise_word`), as auditapp's key.
CASE_TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("early help", "eh", "early help assessment", "eha", "early help plan", "ehap",
                     "family support", "targeted early help", "tac", "team around the child",
                     "team around the family", "taf"), "early_help"),
    **dict.fromkeys(("child in need", "cin", "cin plan", "child in need plan", "children in need", "s17",
                     "section 17", "cin case", "in need"), "child_in_need"),
    **dict.fromkeys(("child protection", "cp", "cpp", "cp plan", "child protection plan", "cpp case",
                     "child subject to a child protection plan", "subject to cp plan", "s47 cp plan"),
                    "child_protection"),
    **dict.fromkeys(("child in care", "cic", "lac", "cla", "cic lac", "lac cic", "looked after child",
                     "looked after", "child looked after", "children looked after", "children in care",
                     "looked after children", "in care", "eligible child", "eligible"), "child_in_care"),
    **dict.fromkeys(("care leaver", "cl", "care leavers", "leaving care", "relevant child", "former relevant child",
                     "relevant former relevant child", "relevant or former relevant child", "former relevant",
                     "relevant", "frc", "qualifying care leaver", "qualifying"), "care_leaver"),
}
CASE_TYPE_NAMES = "EH, CIN, CP, CIC/LAC/CLA or care leaver"

IGNORED = ""  # a remembered column word meaning "this column is not one of auditapp's fields"


def normalise_word(value: object) -> str:
    """'Person_ID ', 'person id' and 'Person-ID' are one word: case, spacing and punctuation ignored."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value or "").lower()).split())


def column_names(remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """Normalised column name -> field (or IGNORED), the QA lead's choices over the usual names."""
    names = {normalise_word(name): field for field, names in COLUMN_NAMES.items() for name in names}
    return {**names, **(remembered or {})}


def case_type_words(remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**CASE_TYPE_WORDS, **(remembered or {})}


@dataclass
class HeaderMatch:
    """One row of the file read as headers: which column gives which field."""

    cells: list[str]                      # the row's text, as the file has it
    fields: dict[str, int] = field(default_factory=dict)  # field -> column index
    clashes: dict[str, list[str]] = field(default_factory=dict)  # field -> the 2+ columns giving it

    def matches(self, required: Iterable[str]) -> bool:
        return all(name in self.fields for name in required)


def match_header(cells: Iterable[object], names: Mapping[str, str]) -> HeaderMatch:
    texts = ["" if c is None else " ".join(str(c).split()) for c in cells]
    found = HeaderMatch(texts)
    for index, text in enumerate(texts):
        name = names.get(normalise_word(text))
        if not name:  # unknown, blank or deliberately ignored
            continue
        if name in found.fields:
            found.clashes.setdefault(name, [texts[found.fields[name]]]).append(text)
        else:
            found.fields[name] = index
    return found


def field_key(name: str) -> str:
    """A field's name in a form: 'case reference' -> 'case_reference'."""
    return name.replace(" ", "_")
