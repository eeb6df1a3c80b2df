"""Reading the audits a council did before auditapp, one row per audit, from its spreadsheet.

Each row: the month, the case reference, auditor A, auditor B and the moderator (email or name of
a known person), and for each domain and overall the grade of A, of B and the moderated one, with
optional dates and key-issues ratings. Grades are understood as words ("Good", "requires
improvement"), initials ("RI", "O", "G", "I") or Ofsted's numbers (1 Outstanding to 4 Inadequate).
All or nothing: ImportFailed lists the problems by row.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, TypeVar

from auditapp.grading import JUDGEMENTS, Grade
from auditapp.imports.columns import normalise_word
from auditapp.imports.table import MAX_PROBLEMS_SHOWN, ImportFailed, Row, parse_date, read_mapped_table

T = TypeVar("T")

# Short names for the columns: "Auditor A: Voice", "Auditor B: Plan", "Moderated: Overall".
SHORT = {"voice": "Voice", "assessment": "Assessment", "plan": "Plan", "partnership": "Partnership",
         "oversight": "Oversight", "diversity": "Diversity", "overall": "Overall"}
WHO = {"A": "Auditor A", "B": "Auditor B", "M": "Moderated"}


def grade_column(who: str, judgement: str) -> str:
    return f"{WHO[who]}: {SHORT[judgement]}"


PEOPLE = {"month": "Month", "case reference": "Case reference", "auditor a": "Auditor A",
          "auditor b": "Auditor B", "moderator": "Moderator"}
DATES = {"allocated on": "Allocated on", "a submitted on": "Auditor A submitted on",
         "b submitted on": "Auditor B submitted on", "signed off on": "Moderated on"}
KEYS = {"key issues a": "Key issues: auditor A", "key issues b": "Key issues: auditor B"}
GRADE_FIELDS = {f"{who} {key}": grade_column(who, key) for key in JUDGEMENTS for who in "ABM"}
# Every column of the template, in its order: auditapp's field -> the header the template writes.
COLUMNS = {**PEOPLE, **GRADE_FIELDS, **DATES, **KEYS}
REQUIRED = list(PEOPLE) + list(GRADE_FIELDS)
# Other names a council's own spreadsheet may use for the same columns.
OTHER_NAMES = {
    "month": ("audit month", "month audited", "month of audit"),
    "case reference": ("case ref", "case id", "person id", "child id", "child unique id", "lcs id", "reference"),
    "auditor a": ("auditor a email", "first auditor", "case manager", "auditor 1"),
    "auditor b": ("auditor b email", "second auditor", "independent auditor", "auditor 2"),
    "moderator": ("moderator email", "moderated by", "senior manager"),
    "signed off on": ("moderated", "signed off", "date moderated", "moderation date"),
}


def column_names() -> dict[str, str]:
    names = {normalise_word(header): name for name, header in COLUMNS.items()}
    names.update({normalise_word(other): name for name, others in OTHER_NAMES.items() for other in others})
    return names


GRADE_WORDS = {
    **dict.fromkeys(("outstanding", "o", "out", "1"), Grade.OUTSTANDING),
    **dict.fromkeys(("good", "g", "2"), Grade.GOOD),
    **dict.fromkeys(("requires improvement", "requires improvement to be good", "ri", "r i", "requires improvment",
                     "3"), Grade.REQUIRES_IMPROVEMENT),
    **dict.fromkeys(("inadequate", "i", "inad", "4"), Grade.INADEQUATE),
}
KEY_ISSUES_WORDS = {"yes": "yes", "y": "yes", "partly": "partly", "partially": "partly", "part": "partly",
                    "no": "no", "n": "no"}
MONTH_FORMATS = ("%Y-%m", "%B %Y", "%b %Y", "%b-%y", "%b-%Y", "%m/%Y", "%B-%Y", "%Y/%m")


@dataclass(slots=True)
class PastAuditRow:
    number: int
    month: str
    case_id: int
    auditor_a_id: int
    auditor_b_id: int
    moderator_id: int
    grades: dict[str, dict[str, int]]  # "A" / "B" / "M" -> judgement -> grade
    dates: dict[str, date | None] = field(default_factory=dict)
    key_issues: dict[str, str | None] = field(default_factory=dict)


def parse_grade(value: object) -> Grade | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return GRADE_WORDS.get(normalise_word(value))


def _remembering(parse: Callable[[object], T]) -> Callable[[object], T]:
    """`parse`, worked out once per distinct cell value of a file: 6,000 rows hold 126,000 grade
    cells but a handful of different values (a third of the import's checking time)."""
    known: dict[tuple[type, object], T] = {}

    def parsed(value: object) -> T:
        if not isinstance(value, (str, int, float)):  # dates and the like: as they come
            return parse(value)
        key = (type(value), value)  # 1, 1.0 and True hash alike but need not parse alike
        if key not in known:
            known[key] = parse(value)
        return known[key]
    return parsed


def parse_month(value: object) -> str:
    """'2024-11', 'November 2024', 'Nov-24', '11/2024' or a date in the month; ValueError if none."""
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = " ".join(str(value).split())
    for fmt in MONTH_FORMATS:
        try:
            moment = datetime.strptime(text, fmt)
            return f"{moment.year:04d}-{moment.month:02d}"
        except ValueError:
            continue
    day = parse_date(text)  # raises ValueError for anything else
    return f"{day.year:04d}-{day.month:02d}"


def read_past_audits(stream: IO[bytes], filename: str, cases: Mapping[str, int], people: Mapping[str, int],
                     this_month: str) -> list[PastAuditRow]:
    """Every row checked. `cases`: upper-case reference -> id; `people`: lower-case email or name -> id."""
    return [row for batch in checked_past_audits(stream, filename, cases, people, this_month) for row in batch]


def checked_past_audits(stream: IO[bytes], filename: str, cases: Mapping[str, int], people: Mapping[str, int],
                        this_month: str, batch: int = 1000) -> Iterator[list[PastAuditRow]]:
    """The rows in batches as they are read and checked, so that writing one batch can go on while
    the next is read; none once a row has a problem. ImportFailed at the end if any row had one:
    a caller writing batches must then undo what it wrote (all or nothing)."""
    rows = read_mapped_table(stream, filename, REQUIRED, column_names())
    grade_of, month_of_cell = _remembering(parse_grade), _remembering(_month_or_problem)
    problems: list[str] = []
    count = 0
    audits: list[PastAuditRow] = []
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        found = _check(row, cases, people, this_month, grade_of, month_of_cell)
        row_problems = found if isinstance(found, list) else []
        if isinstance(found, PastAuditRow):
            key = (found.month, found.case_id)
            if key in seen:
                row_problems.append(f"the same case and month is also on row {seen[key]}")
            seen.setdefault(key, row.number)
        if row_problems:
            count += len(row_problems)
            if len(problems) < MAX_PROBLEMS_SHOWN:
                problems += [f"Row {row.number}: {p}" for p in row_problems]
        elif not count and isinstance(found, PastAuditRow):
            audits.append(found)
            if len(audits) >= batch:
                yield audits
                audits = []
    if not seen and not count:
        problems.append("The file has a header row but no audits")
        count += 1
    if problems:
        raise ImportFailed(problems, count)
    if audits:
        yield audits


def _month_or_problem(value: object) -> str | None:
    try:
        return parse_month(value)
    except ValueError:
        return None


# (judgement, role, column) of each grade cell, in the order checked: 21 names a row, made once.
_GRADE_CELLS = [(judgement, role, f"{role} {judgement}") for judgement in JUDGEMENTS for role in "ABM"]


def _check(row: Row, cases: Mapping[str, int], people: Mapping[str, int], this_month: str,
           grade_of: Callable[[object], Grade | None] = parse_grade,
           month_of_cell: Callable[[object], str | None] = _month_or_problem) -> "list[str] | PastAuditRow":
    problems: list[str] = []
    month = None
    if not row.text("month"):
        problems.append("Month is missing")
    else:
        month = month_of_cell(row.values["month"])
        if month is None:
            problems.append(f"month '{row.text('month')}' is not a month (write it as November 2024 or 2024-11)")
        else:
            if month >= this_month:
                problems.append(f"month '{row.text('month')}' is not before this month: only past audits are imported")
    reference = row.text("case reference")
    case_id = cases.get(reference.upper())
    if not reference:
        problems.append("Case reference is missing")
    elif case_id is None:
        problems.append(f"case {reference} is not in the case register")
    who: dict[str, int | None] = {}
    for name in ("auditor a", "auditor b", "moderator"):
        text = row.text(name)
        who[name] = people.get(text.lower())
        if not text:
            problems.append(f"{PEOPLE[name]} is missing")
        elif who[name] is None:
            problems.append(f"{PEOPLE[name]} '{text}' is not a known person (use their email address)")
    if who["auditor a"] is not None and who["auditor a"] == who["auditor b"]:
        problems.append("auditor A and auditor B are the same person")
    grades: dict[str, dict[str, int]] = {"A": {}, "B": {}, "M": {}}
    values = row.values
    for judgement, role, column in _GRADE_CELLS:
        grade = grade_of(values.get(column))
        if grade is None:
            text = row.text(column)
            problems.append(f"{grade_column(role, judgement)} is missing" if not text else
                            f"{grade_column(role, judgement)} '{text}' is not a grade (Outstanding, Good, "
                            "Requires improvement or Inadequate; O, G, RI or I; or 1 to 4)")
        else:
            grades[role][judgement] = int(grade)
    dates: dict[str, date | None] = {}
    for name, label in DATES.items():
        value = row.values.get(name)
        if value is None or str(value).strip() == "":
            dates[name] = None
            continue
        try:
            dates[name] = parse_date(value)
        except ValueError:
            problems.append(f"{label.lower()} '{row.text(name)}' is not a real date (use dd/mm/yyyy)")
    key_issues: dict[str, str | None] = {}
    for name, label in KEYS.items():
        text = row.text(name)
        key_issues[name[-1].upper()] = KEY_ISSUES_WORDS.get(normalise_word(text)) if text else None
        if text and key_issues[name[-1].upper()] is None:
            problems.append(f"{label.lower()} '{text}' is not Yes, Partly or No")
    if problems:
        return problems
    assert month is not None and case_id is not None  # each is missing only with a problem recorded above
    a, b, m = who["auditor a"], who["auditor b"], who["moderator"]
    assert a is not None and b is not None and m is not None
    return PastAuditRow(row.number, month, case_id, a, b, m, grades, dates, key_issues)


