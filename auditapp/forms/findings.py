"""Forms for what goes with an audit: actions, themes, the practitioner's reply and the family's feedback."""

from datetime import date, datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from auditapp.audits.family_words import ASKED
from auditapp.forms.widgets import LockedForm, long_text
from auditapp.grading import DOMAINS
from auditapp.models.families import CONTACT_METHODS, CONTACT_WHO, OUTCOMES, RATINGS, RESPONDENTS
from auditapp.models.findings import PRIORITIES


def parse_day(text: str | None) -> date | None:
    """27/3/2027, 27 3 2027 or 2027-03-27; None when empty; ValueError when not a date."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _a_date(form, field) -> None:
    try:
        parse_day(field.data)
    except ValueError:
        raise ValidationError(f"{field.label.text.split(' (')[0]} must be a real date, like 27/3/2027") from None


class ActionForm(LockedForm):
    description = long_text("What must happen", "One action a named person can do and show evidence of.",
                         limit=2000, called="The action")
    owner = SelectField("Who owns it", widget=GovSelect(), validate_choice=False,
                        validators=[InputRequired("Choose who owns the action")])
    priority = RadioField("Priority", choices=[(k, v) for k, v in PRIORITIES.items()], widget=GovRadioInput(),
                          validate_choice=False, default="standard",
                          validators=[InputRequired("Choose the priority")])
    due = StringField("Due date (optional)", widget=GovTextInput(), validators=[Optional(), _a_date],
                      description="For example, 27/3/2027. Leave empty for the priority's usual time: "
                                  "immediate 1, urgent 5, standard 20 working days.")
    domain = SelectField("Domain it comes from (optional)", widget=GovSelect(), validate_choice=False,
                         choices=[("", "None")] + list(DOMAINS.items()))
    theme = SelectField("Theme it comes from (optional)", widget=GovSelect(), validate_choice=False)
    save = SubmitField("Save action", widget=GovSubmitInput())
    confirm = SubmitField("Confirm action", widget=GovSubmitInput())


class RemoveActionForm(LockedForm):
    reason = long_text("Why is this action removed?", limit=1000, called="The reason")
    submit = SubmitField("Remove action", widget=GovSubmitInput())


class ProgressForm(LockedForm):
    progress = long_text("Progress so far", "What has been done, and what is next.", limit=2000,
                     called="The progress")
    evidence = long_text("What was done", "Only when it is done: what changed for the child.", limit=2000,
                     called="What was done")
    location = StringField("Where the case file records it", widget=GovTextInput(),
                           description="For example, the case note or plan and its date.",
                           validators=[Length(max=300, message="Where it is recorded must be 300 characters or fewer")])
    save = SubmitField("Save progress", widget=GovSubmitInput())
    done = SubmitField("Mark as done", widget=GovSubmitInput())


class VerifyForm(LockedForm):
    decision = RadioField("Is the evidence enough to close the action?",
                          choices=[("accept", "Yes: verify and close the action"),
                                   ("send_back", "No: send it back to the owner")],
                          widget=GovRadioInput(), validate_choice=False,
                          validators=[InputRequired("Choose whether the evidence is enough")])
    reason = long_text("If not, what is still needed", limit=1000, called="What is still needed")
    # Closing cannot be undone: "Check your answers" first, whose button posts confirmed=yes.
    confirmed = HiddenField()
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class ThemeTagsForm(LockedForm):
    strength = SelectMultipleField("Themes seen as strengths", widget=GovCheckboxesInput(), validate_choice=False,
                                   description="Select all that apply")
    worry = SelectMultipleField("Themes seen as worries", widget=GovCheckboxesInput(), validate_choice=False,
                                description="Select all that apply")
    submit = SubmitField("Save themes", widget=GovSubmitInput())


class ThemeForm(FlaskForm):
    name = StringField("Theme name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the theme's name"),
                                   Length(max=80, message="The theme's name must be 80 characters or fewer")])
    submit = SubmitField("Add theme", widget=GovSubmitInput())


class ReplyForm(LockedForm):
    held = RadioField("Was the reflective conversation with the practitioner held?",
                      choices=[("yes", "Yes"), ("no", "No")], widget=GovRadioInput(), validate_choice=False,
                      validators=[InputRequired("Say whether the conversation was held")])
    held_on = StringField("Date it was held", widget=GovTextInput(), validators=[Optional(), _a_date],
                          description="For example, 27/3/2027")
    not_held_reason = long_text("If not, why not", limit=1000, called="The reason")
    practitioner_view = long_text("The practitioner's view of the work and of the audit's findings", limit=5000,
                              called="The practitioner's view")
    disputes = RadioField("Does the practitioner dispute a finding?", choices=[("yes", "Yes"), ("no", "No")],
                          widget=GovRadioInput(), validate_choice=False, default="no",
                          validators=[InputRequired("Say whether the practitioner disputes a finding")])
    dispute_details = long_text("Which finding, and why", limit=3000, called="The dispute")
    submit = SubmitField("Save the practitioner's reply", widget=GovSubmitInput())


class DisputeResponseForm(LockedForm):
    response = long_text("Your response to the dispute", limit=3000, called="The response")
    submit = SubmitField("Save response", widget=GovSubmitInput())


class FamilyContactForm(FlaskForm):
    attempted_on = StringField("Date of the attempt", widget=GovTextInput(), description="For example, 27/3/2027",
                               validators=[InputRequired("Enter the date of the attempt"), _a_date])
    who = RadioField("Who did you try to reach?", choices=list(CONTACT_WHO.items()), widget=GovRadioInput(),
                     validate_choice=False, validators=[InputRequired("Choose who you tried to reach")])
    method = RadioField("How?", choices=list(CONTACT_METHODS.items()), widget=GovRadioInput(),
                        validate_choice=False, validators=[InputRequired("Choose how you tried to reach them")])
    submit = SubmitField("Record the attempt", widget=GovSubmitInput())


class FamilyFeedbackForm(LockedForm):
    outcome = RadioField("Outcome", choices=list(OUTCOMES.items()), widget=GovRadioInput(), validate_choice=False,
                         validators=[InputRequired("Choose the outcome of contacting the family")])
    not_contacted_reason = long_text("If not contacted, why not",
                                 "For example, contact could put the child at risk, or the family asked not to be "
                                 "contacted.", limit=1000, called="The reason")
    submit = SubmitField("Save the family's feedback", widget=GovSubmitInput())


RATING_CHOICES = [("", "Not answered")] + [(str(k), v) for k, v in RATINGS.items()]
for _who, _label in RESPONDENTS.items():
    for _key, _question in ASKED[_who].items():  # put to each as they would be asked
        setattr(FamilyFeedbackForm, f"{_who}_{_key}", SelectField(
            _question, choices=RATING_CHOICES, widget=GovSelect(), validate_choice=False))
        setattr(FamilyFeedbackForm, f"{_who}_{_key}_words", long_text(
            "In their own words (optional)", limit=2000, called="Their words"))
    setattr(FamilyFeedbackForm, f"{_who}_change_words", long_text(
        "What would they change?" if _who == "parent" else "What would you change?", limit=2000,
        called="What they would change"))


OWN = "own"  # a targeted audit of its own domains and questions: a type is made for it


class TargetedDesignForm(FlaskForm):
    title = StringField("Theme of the targeted audit", widget=GovTextInput(),
                        description="For example, Private fostering arrangements",
                        validators=[InputRequired("Enter the theme of the targeted audit"),
                                    Length(max=120, message="The theme must be 120 characters or fewer")])
    domains = SelectMultipleField("Domains to judge", choices=list(DOMAINS.items()), widget=GovCheckboxesInput(),
                                  validate_choice=False,
                                  description="None is chosen yet: choose all six, or those the theme is about")
    questions = long_text("Questions of its own (optional)", "One per line. Each auditor answers them in the audit.",
                          limit=3000, called="The questions")
    submit = SubmitField("Start the targeted audit", widget=GovSubmitInput())


class TargetedAuditForm(TargetedDesignForm):
    # Its choices are the published types, set by the view, then OWN.
    audit_type = RadioField("Type of audit", widget=GovRadioInput(), validate_choice=False, choices=[(OWN, OWN)],
                            description="Its questions and how it runs come from the type's newest version, "
                                        "kept for this audit even if the type changes later")


class TargetedChangeForm(TargetedDesignForm, LockedForm):
    submit = SubmitField("Save the changes", widget=GovSubmitInput())


class TargetedCasesForm(FlaskForm):
    chosen = SelectMultipleField("Cases found", widget=GovCheckboxesInput(), validate_choice=False)
    references = long_text("Or enter case references, one per line", limit=20000, called="The references")
    file = FileField("Or upload a list (.csv or .xlsx, references in the first column)", widget=GovFileInput(),
                     validators=[FileAllowed(["xlsx", "csv"], "The file must be a .xlsx or .csv file")])
    confirm_twice = BooleanField("Audit them here as well, though they are already being audited elsewhere",
                                 widget=GovCheckboxInput())
    submit = SubmitField("Add these cases", widget=GovSubmitInput())
