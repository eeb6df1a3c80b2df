"""Audit type files: the three ready types shipped in auditapp/audit_types/, and the files a
version is exported to and imported from (TOML, one type a file), so a council can keep its types
in its own document control."""

import tomllib
from pathlib import Path

from auditapp.framework.type_content import Design, design_of, problems
from auditapp.models.sets import QUESTION_KINDS

SHIPPED = Path(__file__).resolve().parent.parent / "audit_types"


def read_type_file(text: str, where: str) -> Design:
    """A type's file (TOML: name, purpose, course, family_contact, consent_first, domains, and
    [[questions]] with kind, text, hint, required and, for a grade, [questions.descriptors]),
    checked as a draft is. ValueError names the file and the problem."""
    try:
        data = tomllib.loads(text)
        found = design_of(str(data.get("course", "")), data)
    except (tomllib.TOMLDecodeError, AttributeError, TypeError) as error:
        raise ValueError(f"{where}: not an audit type file ({error})") from error
    wrong = problems(found) or {f"question_{q.number}_kind": f"question {q.number} has an unknown kind"
                                for q in found.questions if q.kind not in QUESTION_KINDS}
    if wrong:
        raise ValueError(f"{where}: " + "; ".join(wrong.values()))
    return found


def type_file(found: Design) -> str:
    """The file a version exports as: read back by read_type_file to the same design."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'

    lines = [f"name = {quoted(found.name)}", f"purpose = {quoted(found.purpose)}", f"course = {quoted(found.course)}",
             f"family_contact = {str(found.family_contact).lower()}",
             f"consent_first = {str(found.consent_first).lower()}",
             "domains = [" + ", ".join(quoted(d) for d in found.domains) + "]"]
    for q in found.questions:
        lines += ["", "[[questions]]", f"kind = {quoted(q.kind)}", f"text = {quoted(q.text)}",
                  f"hint = {quoted(q.hint)}", f"required = {str(q.required).lower()}"]
        if q.kind == "grade":
            lines += ["[questions.descriptors]"] + [f"{key} = {quoted(value)}" for key, value in q.descriptors.items()]
    return "\n".join(lines) + "\n"


def shipped() -> list[Design]:
    """The ready types. None found is a broken installation (the files left out of the package),
    never "no ready types": said at once, not discovered as a missing type later."""
    paths = sorted(SHIPPED.glob("*.toml"))
    if not paths:
        raise FileNotFoundError(f"The ready audit types are missing from {SHIPPED}: reinstall the package")
    return [read_type_file(path.read_text(encoding="utf-8"), path.name) for path in paths]
