"""One way to save a form: every view saves through `views.saving`, so a new view cannot write the
save shape out again (commit, catch a RuleError or a Conflict, reload) and drift from the others.

The views' source is read, not run: a handler for any refusal (RuleError or any subclass of it,
found by walking the class tree, so a new refusal is covered the day it is added) or a call to
`db.session.commit()` anywhere in auditapp/views/ but the helper's own module fails the build,
naming the file and line. Signing in and out (auth.py) is the one exception: a refused sign-in is
committed on purpose (the failed attempt counts towards the limits), which `saving` would undo.
"""

import ast
from pathlib import Path

from builders import sampled_month
from sqlalchemy import func, select

from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.models import Action
from auditapp.views import saving

VIEWS = Path(__file__).resolve().parent.parent / "auditapp" / "views"
HELPER = VIEWS / "__init__.py"
COMMITS_ON_PURPOSE = {"auth.py"}


def _refusals() -> set[str]:
    found, waiting = set(), [RuleError]
    while waiting:
        kind = waiting.pop()
        found.add(kind.__name__)
        waiting.extend(kind.__subclasses__())
    return found


def _names(node: ast.expr | None) -> set[str]:
    """The class names an `except` clause catches: `except X`, `except a.X`, `except (X, Y)`."""
    if node is None:
        return {"BaseException"}  # a bare except catches every refusal too
    if isinstance(node, ast.Tuple):
        return set().union(*(_names(item) for item in node.elts))
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Name):
        return {node.id}
    return set()


def _view_modules() -> list[Path]:
    return sorted(path for path in VIEWS.glob("*.py") if path != HELPER)


def test_no_view_catches_a_refusal_itself():
    refusals = _refusals() | {"BaseException", "Exception"}
    found = [f"{path.name}:{handler.lineno} catches {', '.join(sorted(_names(handler.type) & refusals))}"
             for path in _view_modules()
             for handler in ast.walk(ast.parse(path.read_text()))
             if isinstance(handler, ast.ExceptHandler) and _names(handler.type) & refusals]
    assert not found, "save through views.saving instead: " + "; ".join(found)


def test_no_view_commits_itself():
    found = [f"{path.name}:{call.lineno}"
             for path in _view_modules() if path.name not in COMMITS_ON_PURPOSE
             for call in ast.walk(ast.parse(path.read_text()))
             if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "commit"]
    assert not found, "commit through views.saving instead: " + ", ".join(found)


def test_the_walk_would_see_a_new_one():
    # The guard itself: a view written the old way is caught, so the tests above cannot pass vacuously.
    old_way = ast.parse("try:\n    rule()\n    db.session.commit()\nexcept conflicts.Conflict:\n    pass\n")
    handler = next(node for node in ast.walk(old_way) if isinstance(node, ast.ExceptHandler))
    assert _names(handler.type) & _refusals() == {"Conflict"}
    assert len(_view_modules()) >= 15 and saving.__doc__


def test_an_invalid_refusal_marks_every_field_it_names_and_saves_nothing(world, as_user):
    # The rule names every problem at once (errors.Invalid): the view no longer validates first.
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    form = {"description": "   ", "owner": str(audit.auditor_a.id), "priority": "urgent", "due": "2/1/2020",
            "domain": "voice", "theme": ""}
    page = as_user(audit.auditor_a).post(f"/audits/{audit.id}/actions/new", data=form).get_data(as_text=True)
    assert "Say what must happen" in page and "The due date must be today or later" in page
    assert db.session.scalar(select(func.count(Action.id))) == 0
