"""The case register: cases known by reference, loaded from the case management system's export."""

import json
from typing import IO, Any

from sqlalchemy import func, insert, select, update

from auditapp import clock, history
from auditapp.errors import Invalid, RuleError
from auditapp.extensions import db
from auditapp.history import record
from auditapp.imports.cases import CaseRow, NeedsCaseTypes, read_cases
from auditapp.imports.columns import CASE_FIELDS, CASE_REQUIRED, IGNORED, column_names, field_key, normalise_word
from auditapp.imports.table import NeedsColumns, Progress
from auditapp.models import CASE_TYPES, Case, ImportJob, ImportWord, Team, User
from auditapp.permissions import Actor, can_manage, require

COLUMN, CASE_TYPE = "column", "case type"
WAITING = {"columns": COLUMN, "case types": CASE_TYPE}  # an import's status while it waits for the QA lead


def import_cases(actor: Actor, stream: IO[bytes], filename: str,
                 progress: Progress | None = None) -> tuple[int, int]:
    """All or nothing: ImportFailed leaves the register untouched. Returns (added, updated).
    NeedsColumns or NeedsCaseTypes (nothing written either) when the file uses words the QA lead
    has not yet matched."""
    require(can_manage(actor), "Only the QA lead can import the case list")
    teams = dict(db.session.execute(select(Team.name, Team.id)).all())
    managers: dict[str, int] = dict(db.session.execute(select(func.lower(User.email), User.id)).all())
    rows = read_cases(stream, filename, set(teams), set(managers), progress,
                      columns=remembered_words(COLUMN), case_types=remembered_words(CASE_TYPE))
    # Columns, not objects: a county's register is tens of thousands of cases.
    existing = {reference.upper(): case_id for reference, case_id in db.session.execute(
        select(Case.reference, Case.id))}
    new, changed = [], []
    for row in rows:
        values = _values(row, teams[row.team], managers[row.manager_email])
        case_id = existing.get(row.reference.upper())
        if case_id is None:
            new.append({"reference": row.reference, **values})
        else:
            changed.append({"id": case_id, **values})
    for chunk in range(0, len(new), 5000):
        db.session.execute(insert(Case), new[chunk:chunk + 5000])
    for chunk in range(0, len(changed), 5000):
        db.session.execute(update(Case), changed[chunk:chunk + 5000])
    record(actor, history.CASE_LIST_IMPORTED, field=filename, after=f"{len(new)} added, {len(changed)} updated")
    db.session.flush()
    return len(new), len(changed)


def _values(row: CaseRow, team_id: int, manager_id: int) -> dict[str, Any]:
    return {
        "team_id": team_id, "manager_id": manager_id, "case_type": row.case_type,
        "open_date": row.open_date, "closed_date": row.closed_date, "age_band": row.age_band,
        "gender": row.gender, "ethnicity": row.ethnicity, "disability": row.disability,
    }


def remembered_words(kind: str) -> dict[str, str]:
    """What the QA lead said this council's exports' words mean: normalised word -> meaning."""
    return dict(db.session.execute(select(ImportWord.word, ImportWord.meaning).where(ImportWord.kind == kind)).all())


def questions_for(waiting: NeedsColumns | NeedsCaseTypes) -> tuple[str, str]:
    """The job's status and questions (JSON) while it waits for the QA lead's answers."""
    if isinstance(waiting, NeedsColumns):
        return "columns", json.dumps({"row": waiting.row, "headers": waiting.headers, "guesses": waiting.guesses})
    words = [{"word": word, "text": found.text, "rows": found.rows, "count": found.count}
             for word, found in waiting.words.items()]
    return "case types", json.dumps({"words": words, "other_problems": waiting.other_problems})


def questions(job: ImportJob) -> dict[str, Any]:
    return json.loads(job.questions or "{}")


def _waiting(job: ImportJob, status: str) -> dict[str, Any]:
    if job.status != status:  # answered in another tab, or never asked
        raise RuleError("This import is no longer waiting for these answers: see where it has got to below")
    return questions(job)


def match_columns(actor: User, job: ImportJob, chosen: dict[str, str]) -> None:
    """The QA lead's column for each of auditapp's fields (field -> the file's header, or "" for
    none), remembered for every later import; the job is queued again to import the same file."""
    require(can_manage(actor), "Only the QA lead can import the case list")
    headers = _waiting(job, "columns")["headers"]
    problems: dict[str, str] = {}
    given: dict[str, str] = {}  # header -> field
    for name in CASE_FIELDS:
        header = chosen.get(name) or ""
        key = field_key(name)  # problems are named as the form names its fields
        if header and header not in headers:
            problems[key] = f"Choose one of the file's columns for the {CASE_FIELDS[name].lower()}"
        elif header in given:
            problems[key] = (f"'{header}' is already chosen for the {CASE_FIELDS[given[header]].lower()}: "
                             "choose a different column for each")
        elif header:
            given[header] = name
        elif name in CASE_REQUIRED:
            problems[key] = f"Choose the column that gives the {CASE_FIELDS[name].lower()}"
    if problems:
        raise Invalid(problems)
    known = column_names(remembered_words(COLUMN))
    words: dict[str, str] = {}
    for header in headers:
        word = normalise_word(header)
        if header in given:
            words[word] = given[header]
        elif word and known.get(word) and word not in words:
            # Recognised as a field the QA lead gave to another column: ignored from now on, or the
            # next import would find two columns for one field.
            words[word] = IGNORED
    _remember(actor, COLUMN, words)
    record(actor, history.IMPORT_WORDS_MATCHED, field=job.filename,
           after="; ".join(f"{CASE_FIELDS[name]}: {header}" for header, name in given.items()))
    job.status, job.questions = "queued", None


def match_case_types(actor: User, job: ImportJob, chosen: dict[str, str]) -> None:
    """The case type each unknown word means (normalised word -> case type key), remembered; the
    job is queued again."""
    require(can_manage(actor), "Only the QA lead can import the case list")
    words = {entry["word"]: entry["text"] for entry in _waiting(job, "case types")["words"]}
    # Problems named as the form names its fields: one per word, in the order the page lists them.
    problems = {f"type_{n}": f"Choose the case type that '{text}' means"
                for n, (word, text) in enumerate(words.items()) if chosen.get(word) not in CASE_TYPES}
    if problems:
        raise Invalid(problems)
    _remember(actor, CASE_TYPE, {word: chosen[word] for word in words})
    record(actor, history.IMPORT_WORDS_MATCHED, field=job.filename,
           after="; ".join(f"{words[word]}: {CASE_TYPES[chosen[word]]}" for word in words))
    job.status, job.questions = "queued", None


def _remember(actor: User, kind: str, words: dict[str, str]) -> None:
    existing = {entry.word: entry for entry in db.session.scalars(
        select(ImportWord).where(ImportWord.kind == kind, ImportWord.word.in_(list(words))))}
    for word, meaning in words.items():
        entry = existing.get(word)
        if entry is None:
            db.session.add(ImportWord(kind=kind, word=word, meaning=meaning, chosen_by_id=actor.id,
                                      chosen_at=clock.now()))
        elif entry.meaning != meaning:
            entry.meaning, entry.chosen_by_id, entry.chosen_at = meaning, actor.id, clock.now()
            entry.version += 1
