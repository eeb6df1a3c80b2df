"""The filters of the reports and the activity log; the board's targets and commentary."""


from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, Optional

from auditapp.forms.widgets import FilterSelect, LockedForm, long_text


class ReportFilterForm(FlaskForm):
    """The dashboard's filters, read from the query string (nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    month = SelectField("Month", widget=FilterSelect(), validate_choice=False)
    team = SelectField("Team", widget=FilterSelect(), validate_choice=False)
    case_type = SelectField("Case type", widget=FilterSelect(), validate_choice=False)
    period = SelectField("Period", widget=FilterSelect(), validate_choice=False)
    submit = SubmitField("Show figures", widget=GovSubmitInput())



class ActivityFilterForm(FlaskForm):
    """The activity log's filters, from the query string, so a filtered page can be paged and shared."""

    class Meta:
        csrf = False

    person = SelectField("Who", widget=FilterSelect(), validate_choice=False)
    kind = SelectField("Kind of entry", widget=FilterSelect(), validate_choice=False)
    since = StringField("From", widget=GovTextInput(), description="For example, 1/11/2026",
                        validators=[Optional(), Length(max=20)])
    until = StringField("To", widget=GovTextInput(), description="For example, 30/11/2026",
                        validators=[Optional(), Length(max=20)])
    submit = SubmitField("Show entries", widget=GovSubmitInput())


class TargetForm(FlaskForm):
    """A target on one board measure from a start month. It creates a record, never edits one."""

    measure = RadioField("Measure", widget=GovRadioInput(), validate_choice=False,
                         validators=[InputRequired("Choose the measure")])
    percent = StringField("Target (%)", widget=GovTextInput(), validators=[Optional(), Length(max=3)],
                          description="A whole number from 0 to 100. Leave it empty for no target from that month.")
    starts = SelectField("From", widget=GovSelect(), validate_choice=False,
                         validators=[InputRequired("Choose the month it starts")])
    submit = SubmitField("Set target", widget=GovSubmitInput())


class CommentaryForm(LockedForm):
    """The month's words for the board."""

    told = long_text("What the audits tell us", called="What the audits tell us")
    doing = long_text("What we are doing about it", called="What we are doing about it")
    # Radios, not a checkbox: a post without them (a partial post) then leaves the choice as it was.
    seniors_may_write = RadioField("May senior managers write this month's commentary too?",
                                   choices=[("yes", "Yes"), ("no", "No")], widget=GovRadioInput(),
                                   validate_choice=False, validators=[Optional()])
    submit = SubmitField("Save commentary", widget=GovSubmitInput())
