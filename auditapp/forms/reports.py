"""The filters of the reports and the activity log."""


from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, Optional

from auditapp.forms.widgets import FilterSelect


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
