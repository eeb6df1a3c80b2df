"""Forms for the council's own framework: a draft of the grade descriptors, and publishing it."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField, TextAreaField

from auditapp.forms.widgets import LockedForm, long_text
from auditapp.grading import GRADE_KEYS

INDICATORS_LIMIT = 7000  # 10 indicators of up to 600 characters, with room for the line breaks


def _indicators(grade_key: str) -> TextAreaField:
    label = GRADE_KEYS[grade_key].label
    return long_text(label, "One indicator a line", limit=INDICATORS_LIMIT, called=f"The indicators for {label}")


class DraftDomainForm(LockedForm):
    """One domain's indicators for each grade, one indicator a line (a field per grade, best first:
    the names are grading.GRADE_KEYS)."""

    outstanding = _indicators("outstanding")
    good = _indicators("good")
    requires_improvement = _indicators("requires_improvement")
    inadequate = _indicators("inadequate")
    submit = SubmitField("Save the draft", widget=GovSubmitInput())


class PublishForm(LockedForm):
    note = long_text("What changed in this version", "People read this note beside the version, for example "
                     "'Voice of the child: clearer indicators for non-verbal children'", limit=2000,
                     called="The note")
    submit = SubmitField("Publish this version", widget=GovSubmitInput())


class DiscardForm(LockedForm):
    submit = SubmitField("Discard the draft", widget=GovSubmitInput())
