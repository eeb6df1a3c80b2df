"""The questions an import may ask the QA lead: which column gives each field, and what each
unknown case-type word means. Built per import, since the choices are the file's own words."""

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from auditapp.imports.columns import CASE_FIELDS, CASE_REQUIRED, field_key
from auditapp.models import CASE_TYPES

NOT_IN_FILE = "Not in this file"


class ColumnsForm(FlaskForm):
    submit = SubmitField("Import with these columns", widget=GovSubmitInput())

    def page_order(self) -> list[str]:
        return [field_key(name) for name in CASE_FIELDS]


class CaseTypesForm(FlaskForm):
    submit = SubmitField("Import with these case types", widget=GovSubmitInput())
    words: list[dict[str, Any]] = []

    def page_order(self) -> list[str]:
        return [f"type_{n}" for n in range(len(self.words))]


def columns_form(headers: list[str], guesses: dict[str, str]) -> ColumnsForm:
    class Form(ColumnsForm):
        pass

    for name, label in CASE_FIELDS.items():
        needed = "" if name in CASE_REQUIRED else " (optional)"
        setattr(Form, field_key(name), SelectField(
            f"{label}{needed}", widget=GovSelect(), default=guesses.get(name, ""), validate_choice=False,
            choices=[("", NOT_IN_FILE), *((header, header) for header in headers)]))
    return Form()


def case_types_form(words: list[dict[str, Any]]) -> CaseTypesForm:
    class Form(CaseTypesForm):
        pass

    for n, word in enumerate(words):
        setattr(Form, f"type_{n}", SelectField(
            f"'{word['text']}' means", widget=GovSelect(), validate_choice=False,
            choices=[("", "Choose a case type"), *CASE_TYPES.items()]))
    form = Form()
    form.words = words
    return form
