"""Forms of calibration exercises. Participants grade with the audit form's own domain fields
(taken from ReviewForm, not copied), so the two cannot drift apart."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, Optional

from auditapp.forms.audits import ReviewForm
from auditapp.forms.findings import _a_date
from auditapp.forms.widgets import LockedForm, grade_field, long_text
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models.calibration import TAKES_PART


class ExerciseForm(FlaskForm):
    title = StringField("Title of the exercise", widget=GovTextInput(),
                        description="For example, Calibration: a child protection plan, winter 2026",
                        validators=[Length(max=120, message="The title must be 120 characters or fewer")])
    case_reference = StringField("Case reference from the register (optional)", widget=GovTextInput(),
                                 description="Auditors read this case's file in the case-management system. "
                                             "Only its reference is shown here.",
                                 validators=[Length(max=40, message="A case reference is 40 characters or fewer")])
    summary_text = long_text("Or type an anonymised case summary (optional)",
                             "No names, addresses or dates of birth: the summary is read by every participant.",
                             limit=20000, called="The case summary")
    summary_file = FileField("Or upload an anonymised case summary (optional)", widget=GovFileInput(),
                             description="A PDF or Word document, 10 MB or smaller.")
    domains = SelectMultipleField("Domains to grade", choices=list(DOMAINS.items()), widget=GovCheckboxesInput(),
                                  validate_choice=False, description="Participants also give an overall grade.")
    takes_part = RadioField("Who takes part", choices=list(TAKES_PART.items()), widget=GovRadioInput(),
                            validate_choice=False, validators=[Optional()])
    team = SelectField("If one team: which team", widget=GovSelect(), validate_choice=False)
    named = long_text("If named people: their email addresses, one per line", limit=20000,
                      called="The email addresses")
    panel = SelectMultipleField("Senior managers on the panel with you", widget=GovCheckboxesInput(),
                                validate_choice=False,
                                description="The panel agrees the grades participants are compared with.")
    descriptor_version = SelectField("Grade descriptors to grade against", widget=GovSelect(), validate_choice=False,
                                     description="The version in use today, unless the exercise grades a case "
                                                 "as it was graded against an earlier version.")
    closes_on = StringField("Closing date", widget=GovTextInput(), validators=[Optional(), _a_date],
                            description="The last day participants can submit. For example, 27/3/2027")
    submit = SubmitField("Set up the exercise", widget=GovSubmitInput())


class AgreedForm(LockedForm):
    """The panel's grade and reasons for each domain graded and overall (the view shows those judged)."""

    save = SubmitField("Save the agreed grades", widget=GovSubmitInput())


for _key, _name in JUDGEMENTS.items():
    setattr(AgreedForm, f"{_key}_grade", grade_field(f"Agreed grade: {_name}"))
    setattr(AgreedForm, f"{_key}_reason", long_text("Reasons for this grade",
            "What in the case shows this grade, against the descriptors.", called=f"The reasons for {_name}"))


class OpenForm(LockedForm):
    confirm = SubmitField("Open the exercise to participants", widget=GovSubmitInput())


class GradingForm(LockedForm):
    """The audit form's domain fields and overall grade, no more: a calibration has no child to keep safe
    and no actions or family to record."""

    save = SubmitField("Save draft and come back later", widget=GovSubmitInput())
    submit = SubmitField("Submit your grades", widget=GovSubmitInput())

    def page_order(self) -> list[str]:
        return [f"{key}_{part}" for key in DOMAINS for part in ("grade", "evidence", "impact")] + ["overall_grade"]


for _key in DOMAINS:
    for _part in ("grade", "evidence", "impact"):
        setattr(GradingForm, f"{_key}_{_part}", getattr(ReviewForm, f"{_key}_{_part}"))
GradingForm.overall_grade = ReviewForm.overall_grade


class RuleForm(LockedForm):
    before_first_audit = BooleanField("Before an auditor's first live audit, and for anyone never calibrated",
                                      widget=GovCheckboxInput())
    every_months = StringField("Again every this many months (optional)", widget=GovTextInput(),
                               description="For example, 6. Leave empty for no repeat.",
                               validators=[Length(max=3, message="The number of months must be a whole number "
                                                                 "from 1 to 36")])
    when_moderation_changes = BooleanField(
        "When moderation changed more than a third of an auditor's domain grades over the last 3 months",
        widget=GovCheckboxInput())
    hold_out_new = BooleanField("Hold new auditors out of allocation as auditor B until their first calibration",
                                widget=GovCheckboxInput())
    submit = SubmitField("Save the rule", widget=GovSubmitInput())
