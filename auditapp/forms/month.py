"""Opening a month, drawing the sample, cancelling, allocation and the case-list upload."""


from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SubmitField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from auditapp.forms.widgets import LockedForm, long_text


class OpenCycleForm(FlaskForm):
    # The months that may be opened, by name: the view sets the choices; the rule still checks what is posted.
    month = SelectField("Month", widget=GovSelect(), validate_choice=False,
                        validators=[InputRequired("Choose the month to open")])
    per_team = IntegerField("Cases per team", widget=GovTextInput(),
                            validators=[InputRequired("Enter how many cases to sample per team"),
                                        NumberRange(1, 50, "Cases per team must be between 1 and 50")])
    submit = SubmitField("Open the month", widget=GovSubmitInput())



class DrawSampleForm(FlaskForm):
    seed = IntegerField("Draw number (optional)", widget=GovTextInput(), validators=[
        Optional(), NumberRange(0, 10**12, "The draw number must be a whole number from 0 to 1000000000000")],
        description="Leave empty for a new random draw. To repeat an earlier draw exactly, enter its draw number.")
    submit = SubmitField("Draw sample", widget=GovSubmitInput())



class CancelCycleForm(FlaskForm):
    reason = long_text("Why is this month being cancelled?", limit=2000, called="The reason")
    submit = SubmitField("Cancel this month", widget=GovSubmitInput())



class AllocationForm(LockedForm):
    auditor_b = SelectField("Auditor B (independent manager)", widget=GovSelect(), validate_choice=False,
                            description="Each person's audits this month are shown beside their name")
    moderator = SelectField("Moderator (senior manager)", widget=GovSelect(), validate_choice=False)
    reason = long_text("Why is the allocation changing?", "For example, auditor B is on long-term leave. "
                       "The people involved are told at once.", called="The reason", limit=500)
    discard_draft = BooleanField("Discard auditor B's saved draft, so the new auditor B starts afresh",
                                 widget=GovCheckboxInput())
    submit = SubmitField("Save allocation", widget=GovSubmitInput())



class UploadForm(FlaskForm):
    file = FileField("Upload a file", widget=GovFileInput(), validators=[
        FileRequired("Select a .xlsx or .csv file"),
        FileAllowed(["xlsx", "csv"], "The file must be a .xlsx or .csv file")])
    submit = SubmitField("Import", widget=GovSubmitInput())


class PastAuditsForm(FlaskForm):
    file = FileField("Upload the past audits", widget=GovFileInput(), validators=[
        FileRequired("Select a .xlsx or .csv file"),
        FileAllowed(["xlsx", "csv"], "The file must be a .xlsx or .csv file")])
    submit = SubmitField("Import past audits", widget=GovSubmitInput())
