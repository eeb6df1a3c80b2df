"""Signing in, people, teams, periods away and closure days."""


from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from auditapp.forms.widgets import LockedForm
from auditapp.models import ROLE_LABELS


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())



class PersonForm(LockedForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the person's name"), Length(max=120)])
    email = StringField("Email address", widget=GovTextInput(), validators=[
        InputRequired("Enter the email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@council.example.org",
              check_deliverability=False)])
    team = SelectField("Team", widget=GovSelect(), validate_choice=False,
                       validators=[InputRequired("Select a team")])
    roles = SelectMultipleField("Roles", choices=list(ROLE_LABELS.items()), widget=GovCheckboxesInput(),
                                validate_choice=False, description="Select all that apply")
    active = BooleanField("Can sign in and be allocated audits", default=True, widget=GovCheckboxInput())
    max_audits_per_month = IntegerField(
        "Most audits a month (optional)", widget=GovTextInput(), validators=[
            Optional(), NumberRange(0, 50, "The most audits a month must be a number from 0 to 50")],
        description="As auditor A or B. Leave empty for no limit.")
    line_manager = SelectField("Line manager (optional)", widget=GovSelect(), validate_choice=False,
                               description="Told when this person's audits are well overdue, or while they are away.")
    password = PasswordField("New password (optional)", widget=GovPasswordInput(), validators=[Optional()],
                             description="12 characters or more, not a common password. Leave empty to keep "
                                         "the current password.")
    submit = SubmitField("Save", widget=GovSubmitInput())



class AbsenceForm(FlaskForm):
    starts_on = StringField("First day away", widget=GovTextInput(), description="For example, 1/12/2026",
                            validators=[InputRequired("Enter the first day away")])
    ends_on = StringField("Last day away", widget=GovTextInput(), validators=[InputRequired("Enter the last day away")])
    reason = SelectField("Why", widget=GovSelect(), validate_choice=False,
                         choices=[("Leave", "Leave"), ("Sickness", "Sickness"), ("Other absence", "Other absence")])
    submit = SubmitField("Add the period away", widget=GovSubmitInput())



class ClosureDayForm(FlaskForm):
    day = StringField("Day the council is closed", widget=GovTextInput(), description="For example, 29/12/2026",
                      validators=[InputRequired("Enter the day the council is closed")])
    reason = StringField("Why", widget=GovTextInput(), description="For example, Christmas closure",
                         validators=[InputRequired("Enter why the council is closed"), Length(max=80)])
    submit = SubmitField("Add the closure day", widget=GovSubmitInput())



class TeamForm(LockedForm):
    name = StringField("Team name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the team name"), Length(max=120)])
    submit = SubmitField("Add team", widget=GovSubmitInput())


class FeedTokenForm(FlaskForm):
    name = StringField("Name of the token", widget=GovTextInput(),
                       description="Which dashboard will use it, for example Improvement board Power BI",
                       validators=[InputRequired("Enter a name for the token, saying which dashboard will use it"),
                                   Length(max=80, message="The name must be 80 characters or fewer")])
    submit = SubmitField("Create a token", widget=GovSubmitInput())
