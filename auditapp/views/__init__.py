"""Blueprints, one per journey. Each view: load or 404, check permission, validate, one rule call, commit, redirect."""

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm

from auditapp import permissions
from auditapp.conflicts import changes_since, history_mark
from auditapp.errors import RuleError
from auditapp.exports.cells import CONTROL
from auditapp.extensions import db
from auditapp.forms.widgets import tampered_choice


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
    """Undo the half-done work and put the rule's message at its field (or the top of the form)."""
    db.session.rollback()
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def refused_as_stale(form: FlaskForm, conflict: RuleError, saved_version: int) -> None:
    """A save from a page opened before someone else's save: undone, everything typed kept, and the
    form moved on to the saved version, so saving again from this page (once looked at) goes through."""
    show_rule_error(form, conflict)
    form.version.data = str(saved_version)


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


def after_conflict(form, conflict, audit_id: int, version_of, seen: int | None,
                   review_role: str | None = None, actions: set[str] | None = None):
    """Undo a refused (conflicting) save, keep what was typed, move the form on to the saved
    version, and return the reloaded audit with the history entries made since the form was opened."""
    db.session.rollback()
    audit = permissions.get_audit(audit_id, current_user, reload=True)
    form.form_errors.append(conflict.message)
    form.version.data, form.seen.data = version_of(audit), history_mark(audit)
    return audit, changes_since(audit, seen, review_role, actions)
