"""Forms for practice priorities, the work under them, and "you said, we did"."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from auditapp.forms.findings import parse_day
from auditapp.forms.widgets import LockedForm, long_text
from auditapp.grading import DOMAINS, JUDGEMENTS
from auditapp.models.learning import ACTIVITY_KINDS, CLOSED_STATES, MEASURES, RESPONSE_SOURCES


def a_date(form, field) -> None:
    try:
        parse_day(field.data)
    except ValueError:
        raise ValidationError(f"{field.label.text.split(' (')[0]} must be a real date, like 31/3/2027") from None


def whole_number(form, field) -> None:
    text = (field.data or "").strip()
    if text and not (text.isdigit() and len(text) < 7):
        raise ValidationError(f"{field.label.text.split(' (')[0]} must be a whole number, like 75")


def number_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 7 else None


class PriorityForm(LockedForm):
    title = StringField("Title", widget=GovTextInput(), validators=[Length(max=200, message=(
        "The title must be 200 characters or fewer"))],
        description="What must get better, in a few words: for example, Plans say who does what by when")
    why = long_text("Why it is a priority", "What the audits show: the figures, themes, audits, families' "
                    "feedback and practitioners' disputes behind it. Link them on the priority's page.",
                    called="Why it is a priority")
    owner = SelectField("Owner (a senior manager)", widget=GovSelect(), validate_choice=False)
    measure = RadioField("How success is measured", choices=list(MEASURES.items()), widget=GovRadioInput(),
                         validate_choice=False,
                         description="Measured on auditapp's own figures, as the dashboard shows them")
    judgement = SelectField("Grades measured (for % Good or better)", widget=GovSelect(), validate_choice=False,
                            choices=[("", "Choose overall or a domain")] + list(JUDGEMENTS.items()))
    theme = SelectField("Worry theme (for % of audits with a worry)", widget=GovSelect(), validate_choice=False)
    target = StringField("Target percentage (not needed for re-audits)", widget=GovTextInput(),
                         validators=[Optional(), whole_number],
                         description="A whole number: at least this % Good or better, or fewer than this % "
                                     "of audits with the worry")
    target_by = StringField("Target date", widget=GovTextInput(), validators=[Optional(), a_date],
                            description="For example, 31/3/2027")
    review_on = StringField("Review date", widget=GovTextInput(), validators=[Optional(), a_date],
                            description="When the owner and the QA lead next look at its evidence")
    save = SubmitField("Save priority", widget=GovSubmitInput())


class CloseForm(LockedForm):
    outcome = RadioField("Was the priority met?", choices=list(CLOSED_STATES.items()), widget=GovRadioInput(),
                         validate_choice=False, validators=[InputRequired("Choose whether it was met")])
    note = long_text("Closing note", "What the evidence showed, and what happens next.", called="The closing note")
    close = SubmitField("Close priority", widget=GovSubmitInput())


REFERENCE_KINDS = {"audit": "The audit", "feedback": "The family's feedback on it",
                   "dispute": "A practitioner's dispute of its findings"}


class LinkForm(FlaskForm):
    theme = SelectField("Theme", widget=GovSelect(), validate_choice=False)
    domain = SelectField("Domain", widget=GovSelect(), validate_choice=False,
                         choices=[("", "None")] + list(DOMAINS.items()))
    reference = StringField("Case reference (optional)", widget=GovTextInput(),
                            validators=[Length(max=40, message="The case reference must be 40 characters or fewer")],
                            description="The newest signed-off audit of the case is linked")
    reference_kind = RadioField("What of that case's audit", choices=list(REFERENCE_KINDS.items()),
                                widget=GovRadioInput(), validate_choice=False, default="audit")
    action = SelectField("Action raised from an audit", widget=GovSelect(), validate_choice=False)
    link = SubmitField("Link", widget=GovSubmitInput())


class ActivityForm(FlaskForm):
    kind = RadioField("Kind of activity", choices=list(ACTIVITY_KINDS.items()), widget=GovRadioInput(),
                      validate_choice=False)
    what = long_text("What it was", "For example, a briefing for team managers on writing SMART plans.",
                     limit=2000, called="What it was")
    held_on = StringField("Date held or published", widget=GovTextInput(), validators=[Optional(), a_date],
                          description="For example, 14/1/2027")
    reached = long_text("Who it reached", "The teams or people it reached.", limit=2000, called="Who it reached")
    attended = StringField("Number who attended (optional)", widget=GovTextInput(),
                           validators=[Optional(), whole_number])
    material_url = StringField("Link to the material (optional)", widget=GovTextInput(),
                               validators=[Length(max=500, message="The link must be 500 characters or fewer")],
                               description="A web address starting https://")
    save = SubmitField("Save activity", widget=GovSubmitInput())


class ResponseForm(FlaskForm):
    source = RadioField("In response to", choices=list(RESPONSE_SOURCES.items()), widget=GovRadioInput(),
                        validate_choice=False)
    reference = StringField("Case reference", widget=GovTextInput(),
                            validators=[Length(max=40, message="The case reference must be 40 characters or fewer")],
                            description="The newest signed-off audit of the case with that feedback or dispute "
                                        "is linked")
    you_said = long_text("You said", "What they told us, in your own words.", limit=2000, called="You said")
    we_did = long_text("We did", "What was changed in response.", limit=2000, called="We did")
    their_words = long_text("Their own words, quoted (optional)",
                            "Only if they agreed their words may be quoted.", limit=1000,
                            called="Their own words")
    words_consented = BooleanField("They agreed that their own words may be quoted", widget=GovCheckboxInput())
    changed_on = StringField("Date of the change", widget=GovTextInput(), validators=[Optional(), a_date],
                             description="For example, 14/1/2027")
    priority = SelectField("Practice priority it serves (optional)", widget=GovSelect(), validate_choice=False)
    save = SubmitField("Save", widget=GovSubmitInput())
