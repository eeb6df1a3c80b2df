"""Reading a case-list export into checked rows, ready for the register."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from auditapp.imports.columns import (
    CASE_FIELDS,
    CASE_REQUIRED,
    CASE_TYPE_NAMES,
    case_type_words,
    column_names,
    normalise_word,
)
from auditapp.imports.table import MAX_PROBLEMS_SHOWN, ImportFailed, Progress, Row, parse_date, read_mapped_table

REQUIRED = CASE_REQUIRED
OPTIONAL = [name for name in CASE_FIELDS if name not in CASE_REQUIRED]
ROWS_SHOWN_PER_WORD = 10


@dataclass
class UnknownWord:
    text: str  # as the file first writes it
    rows: list[int] = field(default_factory=list)  # the first ROWS_SHOWN_PER_WORD
    count: int = 0


class NeedsCaseTypes(Exception):
    """Case-type words auditapp does not know, each with its rows, for the QA lead to say which
    type each means (remembered for the next import); nothing is imported until they have."""

    def __init__(self, words: dict[str, UnknownWord], other_problems: int):
        super().__init__(f"{len(words)} case-type word(s) to match")
        self.words, self.other_problems = words, other_problems

@dataclass(slots=True)
class CaseRow:
    number: int
    reference: str
    team: str
    case_type: str
    manager_email: str
    open_date: date
    closed_date: date | None
    age_band: str | None
    gender: str | None
    ethnicity: str | None
    disability: str | None


def read_cases(
    stream: IO[bytes], filename: str, team_names: set[str], manager_emails: set[str],
    progress: Progress | None = None, columns: Mapping[str, str] | None = None,
    case_types: Mapping[str, str] | None = None,
) -> list[CaseRow]:
    """Every row checked; ImportFailed lists the problems, row by row, if any row is wrong.
    `columns` and `case_types` are the QA lead's remembered choices (normalised word -> field or
    type) over the usual names; NeedsColumns or NeedsCaseTypes when the file uses others."""
    rows = read_mapped_table(stream, filename, REQUIRED, column_names(columns), progress)
    types = case_type_words(case_types)
    unknown: dict[str, UnknownWord] = {}
    problems: list[str] = []
    count = 0
    cases: list[CaseRow] = []
    first_seen: dict[str, int] = {}
    teams_by_key = {name.lower(): name for name in team_names}
    seen_any = False

    for row in rows:
        seen_any = True
        word = normalise_word(row.text("case type"))
        if word and word not in types:
            entry = unknown.setdefault(word, UnknownWord(row.text("case type")))
            entry.count += 1
            if len(entry.rows) < ROWS_SHOWN_PER_WORD:
                entry.rows.append(row.number)
        found = _check_row(row, teams_by_key, manager_emails, types)
        row_problems = found if isinstance(found, list) else []
        reference = row.text("case reference")
        if reference.upper() in first_seen:
            row_problems.append(
                f"case reference {reference} is also on row {first_seen[reference.upper()]}")
        elif reference:
            first_seen[reference.upper()] = row.number
        if row_problems:
            count += len(row_problems)
            if len(problems) < MAX_PROBLEMS_SHOWN:
                problems += [f"Row {row.number}: {p}" for p in row_problems]
        elif not count and isinstance(found, CaseRow):  # once a row is wrong nothing is imported
            cases.append(found)

    if not seen_any:
        problems.append("The file has a header row but no cases")
        count += 1
    if unknown:
        raise NeedsCaseTypes(unknown, count - sum(word.count for word in unknown.values()))
    if problems:
        raise ImportFailed(problems, count)
    return cases


def _check_row(row: Row, teams_by_key: dict[str, str], manager_emails: set[str],
               types: Mapping[str, str]) -> "list[str] | CaseRow":
    problems = []
    values = {column: row.text(column) for column in REQUIRED + OPTIONAL}
    for column in REQUIRED:
        if not values[column]:
            problems.append(f"{column.capitalize()} is missing")

    team = teams_by_key.get(values["team"].lower())
    if values["team"] and team is None:
        problems.append(f"team '{values['team']}' is not a known team")

    case_type = types.get(normalise_word(values["case type"]))
    if values["case type"] and case_type is None:
        problems.append(f"case type '{values['case type']}' is not one of {CASE_TYPE_NAMES}")

    email = values["responsible manager email"].lower()
    if email and email not in manager_emails:
        problems.append(f"responsible manager {email} is not a known manager")

    open_date = _date(row, "open date", problems)
    closed_date = _date(row, "closed date", problems)
    if open_date and closed_date and closed_date < open_date:
        problems.append("closed date is before the open date")

    if problems:
        return problems
    # Each is missing (a required column left blank) only with a problem recorded above.
    assert team is not None and case_type is not None and open_date is not None
    return CaseRow(
        number=row.number,
        reference=values["case reference"],
        team=team,
        case_type=case_type,
        manager_email=email,
        open_date=open_date,
        closed_date=closed_date,
        age_band=values["age band"] or None,
        gender=values["gender"] or None,
        ethnicity=values["ethnicity"] or None,
        disability=values["disability"] or None,
    )


def _date(row: Row, column: str, problems: list[str]) -> date | None:
    value = row.values.get(column)
    if value is None or str(value).strip() == "":
        return None
    try:
        return parse_date(value)
    except ValueError:
        problems.append(f"{column} '{row.text(column)}' is not a real date (use dd/mm/yyyy)")
        return None
