"""The filters of a type's summary (issue 24), read from the query string."""

from wtforms import SelectField

from auditapp.forms.reports import ReportFilterForm
from auditapp.forms.widgets import FilterSelect


class TypeFilterForm(ReportFilterForm):
    """The dashboard's filters (month, period, team, case type; no CSRF token, so a filtered summary
    can be bookmarked and shared), and which of the type's versions."""

    version = SelectField("Version", widget=FilterSelect(), validate_choice=False)
