"""Blueprints, one per journey. Each view: load or 404, check permission, validate, one rule call
through `saving` (which commits once or shows the refusal), redirect."""

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm

from auditapp import permissions
from auditapp.conflicts import Conflict, changes_since, history_mark
from auditapp.errors import Invalid, RuleError
from auditapp.exports.cells import CONTROL
from auditapp.extensions import db
from auditapp.forms.widgets import tampered_choice
from auditapp.models import Audit
from auditapp.months import check_month


def form_posted(form: FlaskForm) -> bool:
    """validate_on_submit, refusing crafted values for choice fields outright, and text holding a
    control character at its field (the rest of the form kept), for every form in one place."""
    if form.is_submitted() and tampered_choice(form):
        abort(400)  # a value the page never offered: a crafted request, not a matter of permission
    valid = form.validate_on_submit()
    if form.is_submitted():
        for field in form:
            if isinstance(field.data, str) and CONTROL.search(field.data):
                field.errors = [*field.errors, f"{field.label.text} contains a character that cannot be "
                                "saved (a control character): remove it and try again"]
                field.data = CONTROL.sub("", field.data)
                valid = False
    return valid


def show_rule_error(form: FlaskForm, error: RuleError) -> None:
    """Undo the half-done work and put the rule's message at its field (or the top of the form);
    an Invalid refusal puts each of its problems at its field."""
    db.session.rollback()
    problems = error.problems if isinstance(error, Invalid) else {error.field or "": error.message}
    for name, message in problems.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


class saving:
    """The one way a view saves, so "commit once, or show the refusal keeping what was typed" is
    written once, not at every form:

        with saving(form, reload=...) as save:
            rule_function(current_user, ...)
        if save.saved:
            flash(...)
            return redirect(...)  # Post/Redirect/Get

    If nothing in the block refuses, the transaction commits once and `saved` is true. A RuleError
    is rolled back and shown at its field (an Invalid at each of its fields); the form still holds
    what was typed, so the page shows it again. A Conflict (saved elsewhere since the page was
    opened) is rolled back too; then `reload()` loads again what the page shows (the rollback
    expired it) and returns (that, the version now saved): the form moves on to that version, so
    saving again from this page goes through, and `reloaded` holds the first part for the view.
    With no form (a button on a list) only a Conflict is caught, kept in `refused` for the view
    to say; any other refusal is left to the error pages (errors.py), as is any other error and a
    unique key met at the commit (transactions.py, which runs the view again)."""

    def __init__(self, form: FlaskForm | None, reload: Callable[[], tuple[Any, int]] | None = None):
        self.form, self.reload = form, reload
        self.saved = False
        self.refused: RuleError | None = None
        self.reloaded: Any = None

    def __enter__(self) -> "saving":
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if error is None:
            db.session.commit()
            self.saved = True
            return False
        if not isinstance(error, Conflict if self.form is None else RuleError):
            return False
        self.refused = error
        db.session.rollback()
        if self.form is None:
            return True
        if isinstance(error, Conflict) and self.reload is not None:
            self.form.form_errors.append(error.message)
            self.reloaded, version = self.reload()
            self.form.open_at(version)
        else:
            show_rule_error(self.form, error)
        return True


def audit_reload(form: FlaskForm, audit_id: int, version_of: Callable[[Audit], int], review_role: str | None = None,
                 actions: set[str] | None = None) -> Callable[[], tuple[Any, int]]:
    """saving()'s reload for a form on an audit: the audit loaded afresh with the history entries
    made since the form was opened (the page lists them as what changed), the form's mark moved on."""
    seen = form.opened_at()[1]

    def reload() -> tuple[tuple[Audit, list], int]:
        audit = permissions.get_audit(audit_id, current_user, reload=True)
        form.seen.data = history_mark(audit)
        return (audit, changes_since(audit, seen, review_role, actions)), version_of(audit)

    return reload


def month_or_404(text: str) -> str:
    """A month named in a URL (2026-11), or 404: a malformed address names no page."""
    try:
        return check_month(text)
    except RuleError:
        abort(404)


def add_field_errors(form: FlaskForm, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form[name].errors = [*form[name].errors, message]


def error_summary_items(form: FlaskForm) -> list[dict]:
    """The GOV.UK error summary's list: each message links to its field, in the page's order (a
    form whose fields are added in a loop says its order with `page_order`)."""
    items = [{"text": message} for message in form.form_errors]
    order = {name: n for n, name in enumerate(getattr(form, "page_order", lambda: [])())}
    for field in sorted(form, key=lambda f: order.get(f.name, len(order))):
        if field.errors:
            items.append({"text": field.errors[0], "href": f"#{field.id}"})
    return items


FORM_CONTROLS = {"csrf_token", "version", "seen"}


def posted_any(form: FlaskForm) -> bool:
    """Whether the post carried any of the form's answers: an empty post must change nothing."""
    return any(field.raw_data for field in form
               if field.name not in FORM_CONTROLS and field.type not in ("SubmitField", "HiddenField"))


def posted(field) -> bool:
    """Whether this field was in the post (an absent field keeps its saved value)."""
    return bool(field.raw_data)
