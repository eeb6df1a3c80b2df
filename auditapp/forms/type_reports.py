"""The filters of a type's summary (issue 24), read from the query string."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectField, SubmitField

from auditapp.forms.widgets import FilterSelect


class TypeFilterForm(FlaskForm):
    """Nothing changes, so no CSRF token: a filtered summary can be bookmarked and shared."""

    class Meta:
        csrf = False

    month = SelectField("Month", widget=FilterSelect(), validate_choice=False)
    period = SelectField("Period", widget=FilterSelect(), validate_choice=False)
    version = SelectField("Version", widget=FilterSelect(), validate_choice=False)
    team = SelectField("Team", widget=FilterSelect(), validate_choice=False)
    case_type = SelectField("Case type", widget=FilterSelect(), validate_choice=False)
    submit = SubmitField("Show figures", widget=GovSubmitInput())
