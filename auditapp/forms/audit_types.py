"""Forms for audit types: a new type, its draft (settings, domains, and a field group per
question, made for the number of questions the draft has), publishing and retiring it."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from auditapp.forms.widgets import LockedForm, long_text
from auditapp.framework.type_content import MAX_DESCRIPTOR, MAX_HINT, MAX_NAME, MAX_PURPOSE, MAX_QUESTION
from auditapp.grading import DOMAINS, GRADE_KEYS
from auditapp.models.sets import COURSES, QUESTION_KINDS

GRADE_PARTS = tuple(GRADE_KEYS)
QUESTION_PARTS = ("kind", "text", "hint", "required", *GRADE_PARTS)


def _name() -> StringField:
    return StringField("Name", widget=GovTextInput(), description="For example, Supervision-record audit",
                       validators=[Length(max=MAX_NAME, message=f"The name must be {MAX_NAME} characters or fewer")])


def _course() -> RadioField:
    return RadioField("How does an audit of this type run?", choices=list(COURSES.items()), widget=GovRadioInput(),
                      validate_choice=False)


class NewTypeForm(FlaskForm):
    name = _name()
    purpose = long_text("Purpose", "What the audit looks for and why: auditors read it before they start",
                        limit=MAX_PURPOSE, called="The purpose")
    course = _course()
    submit = SubmitField("Create the audit type", widget=GovSubmitInput())


class TypeDraftForm(LockedForm):
    """The whole draft. Its questions' fields are question_<n>_<part>, added by draft_form."""

    name = _name()
    purpose = long_text("Purpose", limit=MAX_PURPOSE, called="The purpose")
    course = _course()
    family_contact = BooleanField("The family is contacted for their view (family feedback applies)",
                                  widget=GovCheckboxInput())
    consent_first = BooleanField("The family's consent is recorded before the audit starts (refusing ends it)",
                                 widget=GovCheckboxInput())
    domains = SelectMultipleField("Domains graded against the grade descriptors", choices=list(DOMAINS.items()),
                                  widget=GovCheckboxesInput(), validate_choice=False,
                                  description="None, some or all six. A type with no domain needs a question.")
    count = HiddenField()
    save = SubmitField("Save the draft", widget=GovSubmitInput())

    def page_order(self) -> list[str]:
        numbered = [f"question_{n}_{part}" for n in range(1, question_count(self) + 1) for part in QUESTION_PARTS]
        return ["name", "purpose", "course", "family_contact", "consent_first", "domains", *numbered]


def question_count(form: FlaskForm) -> int:
    return sum(1 for name in form._fields if name.startswith("question_") and name.endswith("_kind"))


def _question_fields(n: int) -> dict:
    called = f"Question {n}"
    fields = {
        f"question_{n}_kind": SelectField(f"{called}: the kind of answer", choices=list(QUESTION_KINDS.items()),
                                          widget=GovSelect(), validate_choice=False),
        f"question_{n}_text": StringField(f"{called}: its wording", widget=GovTextInput(), validators=[
            Length(max=MAX_QUESTION, message=f"{called} must be {MAX_QUESTION} characters or fewer")]),
        f"question_{n}_hint": StringField(f"{called}: hint (optional)", widget=GovTextInput(), validators=[
            Length(max=MAX_HINT, message=f"The hint of question {n} must be {MAX_HINT} characters or fewer")]),
        f"question_{n}_required": BooleanField(f"{called} must be answered before the audit is submitted",
                                               widget=GovCheckboxInput()),
    }
    for key, grade in GRADE_KEYS.items():
        fields[f"question_{n}_{key}"] = StringField(
            f"{called}: short descriptor for {grade.label} (a grade question only)", widget=GovTextInput(),
            validators=[Length(max=MAX_DESCRIPTOR, message=f"Question {n}'s descriptor must be "
                                                           f"{MAX_DESCRIPTOR} characters or fewer")])
    return fields


_MADE: dict[int, type[TypeDraftForm]] = {}


def draft_form(count: int, **kwargs) -> TypeDraftForm:
    """The draft form with `count` questions (classes made once per count, as WTForms binds fields per class)."""
    made = _MADE.get(count)
    if made is None:
        fields: dict = {}
        for n in range(1, count + 1):
            fields |= _question_fields(n)
        made = _MADE.setdefault(count, type(f"TypeDraftForm{count}", (TypeDraftForm,), fields))
    return made(**kwargs)


class PublishTypeForm(LockedForm):
    note = long_text("What changed in this version", "People read this note beside the version, for example "
                     "'Drift: a clearer short descriptor for requires improvement'", limit=2000, called="The note")
    submit = SubmitField("Publish this version", widget=GovSubmitInput())


class DiscardTypeForm(LockedForm):
    submit = SubmitField("Discard the draft", widget=GovSubmitInput())


class RetireTypeForm(LockedForm):
    submit = SubmitField("Retire this audit type", widget=GovSubmitInput())
