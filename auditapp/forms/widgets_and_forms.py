"""Form classes, with GOV.UK wording on every message."""

from flask_wtf import FlaskForm
from markupsafe import Markup
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovCheckboxesInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from auditapp.grading import DOMAINS, GRADES_BEST_FIRST, JUDGEMENTS
from auditapp.models import ROLE_LABELS
from auditapp.audits.moderation import KEY_ISSUES
from auditapp.month.sampling import WITHDRAWAL_REASONS

GRADE_CHOICES = [(str(int(g)), g.label) for g in GRADES_BEST_FIRST]
YES_NO = [("yes", "Yes"), ("no", "No")]


def tampered_choice(form: FlaskForm) -> bool:
    """True if a choice field was posted a value the page never offered: a crafted request."""
    for field in form:
        if isinstance(field, (RadioField, SelectField)) and field.raw_data:
            offered = {str(value) for value, _ in field.choices}
            if any(v not in offered and v != "" for v in field.raw_data):
                return True
    return False


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class Radios:
    """GOV.UK radios (the same markup as govukRadios), written directly for the same reason as
    CountedTextArea: the audit and moderation forms have up to ten groups (grades, the safeguarding
    question, key issues). Accepts the params the templates pass: fieldset legend text and classes,
    radios classes, and per-item hint HTML."""

    def __call__(self, field, params: dict | None = None, **_):
        params = params or {}
        legend = (params.get("fieldset") or {}).get("legend") or {}
        items = params.get("items") or [{} for _ in field.choices]
        described, parts = [], []
        if field.description:
            described.append(f"{field.id}-hint")
            parts.append(Markup('\n    <div id="{0}-hint" class="govuk-hint">{1}</div>').format(field.id, field.description))
        if field.errors:
            described.append(f"{field.id}-error")
            parts.append(Markup('\n    <p id="{0}-error" class="govuk-error-message">\n      <span class="govuk-visually-hidden">'
                                'Error:</span> {1}\n    </p>').format(field.id, field.errors[0]))
        radios = []
        for n, ((value, label), item) in enumerate(zip(field.choices, items), 1):
            item_id = field.id if n == 1 else f"{field.id}-{n}"
            hint_html = (item.get("hint") or {}).get("html")
            hint_id = f"{item_id}-item-hint" if n == 1 else f"{field.id}-{n}-item-hint"
            hint = Markup('\n        <div id="{0}" class="govuk-hint govuk-radios__hint">\n          {1}\n        </div>').format(
                hint_id, hint_html) if hint_html else Markup("")  # the template's own markup, escaped there
            radios.append(Markup(
                '\n      <div class="govuk-radios__item">\n        <input class="govuk-radios__input" id="{id}" name="{name}" '
                'type="radio" value="{value}"{checked}{describedby}>\n        <label class="govuk-label govuk-radios__label" '
                'for="{id}">\n          {label}\n        </label>{hint}\n      </div>'
            ).format(id=item_id, name=field.name, value=value, label=label, hint=hint,
                     checked=Markup(" checked") if str(field.data) == str(value) else Markup(""),
                     describedby=Markup(' aria-describedby="{0}"').format(hint_id) if hint_html else Markup("")))
        return Markup(
            '<div class="govuk-form-group{error}">\n  <fieldset class="govuk-fieldset"{describedby}>\n'
            '    <legend class="govuk-fieldset__legend {legend_classes}">\n      {legend}\n    </legend>{parts}\n'
            '    <div class="govuk-radios {classes}" data-module="govuk-radios">{radios}\n    </div>\n  </fieldset>\n</div>'
        ).format(error=Markup(" govuk-form-group--error") if field.errors else Markup(""),
                 describedby=Markup(' aria-describedby="{0}"').format(" ".join(described)) if described else Markup(""),
                 legend_classes=legend.get("classes", ""), legend=legend.get("text") or field.label.text,
                 parts=Markup("").join(parts), classes=params.get("classes", ""), radios=Markup("").join(radios))


def _grade_field(label: str, description: str = "") -> RadioField:
    return RadioField(label, choices=GRADE_CHOICES, widget=Radios(), validate_choice=False,
                      validators=[Optional()], description=description)


TEXT_LIMIT = 5000  # characters: a long, careful paragraph; far below what would strain a page or a cell


class CountedTextArea:
    """The GOV.UK character count component (the same markup as govukCharacterCount, which the
    GOV.UK script enhances), written directly: an audit form has fifteen of them, and rendering each
    through the generic Jinja macros cost more than the rest of the page together."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, field, params: dict | None = None, **_):
        params = params or {}
        label = (params.get("label") or {}).get("text") or field.label.text
        described = [f"{field.id}-info"]
        hint = error = Markup("")
        if field.description:
            described.append(f"{field.id}-hint")
            hint = Markup('\n  <div id="{0}-hint" class="govuk-hint">\n    {1}\n  </div>').format(
                field.id, field.description)
        if field.errors:
            described.append(f"{field.id}-error")
            error = Markup('\n  <p id="{0}-error" class="govuk-error-message">\n    <span class="govuk-visually-hidden">'
                           'Error:</span> {1}\n  </p>').format(field.id, field.errors[0])
        state = " govuk-form-group--error" if field.errors else ""
        textarea_state = " govuk-textarea--error" if field.errors else ""
        return Markup(
            '<div class="govuk-form-group{state} govuk-character-count" data-module="govuk-character-count" '
            'data-maxlength="{limit}">\n  <label class="govuk-label" for="{id}">\n    {label}\n  </label>{hint}{error}\n'
            '  <textarea class="govuk-textarea{textarea_state} govuk-js-character-count" id="{id}" name="{name}" '
            'rows="{rows}" aria-describedby="{described}">{value}</textarea>\n'
            '  <div id="{id}-info" class="govuk-hint govuk-character-count__message">\n'
            '    You can enter up to {limit} characters\n  </div>\n</div>'
        ).format(state=state, limit=self.limit, id=field.id, label=label, hint=hint, error=error,
                 textarea_state=textarea_state, name=field.name, rows=int(params.get("rows", 5)),
                 described=" ".join(described), value=field._value())


def long_text(label: str, description: str = "", limit: int = TEXT_LIMIT, called: str | None = None) -> TextAreaField:
    """A long text answer with a character count. `called` names it in the error message when the
    label is a question."""
    name = called or label[0].upper() + label[1:]
    return TextAreaField(label, widget=CountedTextArea(limit), description=description, validators=[
        Length(max=limit, message=f"{name} must be {limit:,} characters or fewer")])


class LockedForm(FlaskForm):
    """A form over a record with optimistic locking: the version it was opened at, and the newest
    history entry the person had seen then (to list what changed if the save is refused)."""

    version = HiddenField()
    seen = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The page writes these; anything but a number means it was not sent as opened. Refused,
        # so that a forged version cannot slip past the check for someone else's save.
        if any(_posted(f) and not _posted(f).isdigit() for f in (self.version, self.seen)):
            self.form_errors.append("This page was not sent back as it was opened, so nothing has been saved. "
                                    "What you typed is below: open the page again from its link, then save it.")
            return False
        return valid

    def opened_at(self) -> tuple[int | None, int | None]:
        def number(field):
            return int(_posted(field)) if _posted(field).isdigit() else None
        return number(self.version), number(self.seen)


def _posted(field) -> str:
    # What was posted, never a value filled in from the record (a form built with obj=).
    return field.raw_data[0] if field.raw_data else ""


class ReviewForm(LockedForm):
    """Six domains (grade, evidence, impact on the child), then the overall judgement."""

    overall_grade = _grade_field("Overall grade")
    working_well = long_text("What is working well for the child")
    needs_to_change = long_text("What needs to change for the child")
    safeguarding_concern = RadioField(
        "Is there an immediate safeguarding concern?", choices=YES_NO, widget=Radios(),
        validate_choice=False, validators=[Optional()],
        description="A child may be at immediate risk. Saying yes tells the case-responsible manager, "
                    "the moderator and the QA lead straight away.",
    )
    safeguarding_details = long_text("If yes, describe the concern and any action already taken",
                                 "Leave empty if there is no immediate safeguarding concern.",
                                 called="The description of the concern")
    save = SubmitField("Save draft and come back later", widget=GovSubmitInput())
    # The form's own button leads to "Check your answers"; submitting happens there (a post of
    # `submit` here also submits, for the command line and tests).
    check = SubmitField("Continue to check your answers", widget=GovSubmitInput())
    submit = SubmitField("Submit audit", widget=GovSubmitInput())

    def page_order(self) -> list[str]:
        """The six domains come first on the page (their fields are added below the class)."""
        domains = [f"{key}_{part}" for key in DOMAINS for part in ("grade", "evidence", "impact")]
        extra = sorted((name for name in self._fields if name.startswith("extra_")), key=lambda n: int(n[6:]))
        return domains + extra + ["overall_grade", "working_well", "needs_to_change", "safeguarding_concern",
                                  "safeguarding_details"]


for _key, _name in DOMAINS.items():
    setattr(ReviewForm, f"{_key}_grade", _grade_field(f"Grade for {_name.lower()}"))
    setattr(ReviewForm, f"{_key}_evidence", long_text("Evidence for this grade",
            "What in the record supports the grade? Refer to the descriptors."))
    setattr(ReviewForm, f"{_key}_impact", long_text("Impact on the child",
            "What difference has the practice made, or not made, to the child's life?"))


class ModerationForm(LockedForm):
    key_issues_a = RadioField("Did auditor A identify the key issues?", choices=list(KEY_ISSUES.items()),
                              widget=Radios(), validate_choice=False, validators=[Optional()])
    key_issues_b = RadioField("Did auditor B identify the key issues?", choices=list(KEY_ISSUES.items()),
                              widget=Radios(), validate_choice=False, validators=[Optional()])
    feedback_a = long_text("Feedback to auditor A")
    feedback_b = long_text("Feedback to auditor B")
    save = SubmitField("Save and come back later", widget=GovSubmitInput())
    check = SubmitField("Continue to check and sign off", widget=GovSubmitInput())
    sign_off = SubmitField("Sign off audit", widget=GovSubmitInput())

    def page_order(self) -> list[str]:
        judged = [f"{key}_{part}" for key in JUDGEMENTS for part in ("grade", "rationale")]
        return judged + ["key_issues_a", "key_issues_b", "feedback_a", "feedback_b"]


for _key, _name in JUDGEMENTS.items():
    setattr(ModerationForm, f"{_key}_grade", _grade_field(f"Moderated grade: {_name}"))
    setattr(ModerationForm, f"{_key}_rationale", long_text(
        "Rationale", "Needed where the auditors disagree or your grade differs from theirs."))


class ConcernForm(FlaskForm):
    details = long_text("Describe the immediate safeguarding concern")
    submit = SubmitField("Raise concern", widget=GovSubmitInput())


class AcknowledgeForm(FlaskForm):
    response = long_text("What was done in response", "Who was told, when, and what action was taken to keep the child safe.")
    submit = SubmitField("Record response", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    reason = long_text("Why is this audit being reopened?", called="The reason")
    submit = SubmitField("Reopen audit", widget=GovSubmitInput())


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


class ConfirmForm(LockedForm):
    """The last step of something that cannot be undone, after "Check your answers"."""
    confirm = SubmitField("Confirm", widget=GovSubmitInput())


class AllocationForm(LockedForm):
    auditor_b = SelectField("Auditor B (independent manager)", widget=GovSelect(), validate_choice=False,
                            description="Each person's audits this month are shown beside their name")
    moderator = SelectField("Moderator (senior manager)", widget=GovSelect(), validate_choice=False)
    reason = long_text("Why is the allocation changing?", "For example, auditor B is on long-term leave. "
                       "The people involved are told at once.", called="The reason", limit=500)
    discard_draft = BooleanField("Discard auditor B's saved draft, so the new auditor B starts afresh",
                                 widget=GovCheckboxInput())
    submit = SubmitField("Save allocation", widget=GovSubmitInput())


class WithdrawalForm(FlaskForm):
    reason = RadioField("Why should this case be withdrawn?", choices=list(WITHDRAWAL_REASONS.items()),
                        widget=GovRadioInput(), validate_choice=False,
                        validators=[InputRequired("Select a reason for withdrawing the case")])
    note = long_text("More detail (optional)", called="More detail")
    submit = SubmitField("Request withdrawal", widget=GovSubmitInput())


class WithdrawalDecisionForm(FlaskForm):
    decision = RadioField("Do you approve this withdrawal?",
                          choices=[("approve", "Approve: withdraw the case and draw a replacement"),
                                   ("refuse", "Refuse: keep the case in the sample")],
                          widget=GovRadioInput(), validate_choice=False,
                          validators=[InputRequired("Select whether you approve the withdrawal")])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class UploadForm(FlaskForm):
    file = FileField("Upload a file", widget=GovFileInput(), validators=[
        FileRequired("Select a .xlsx or .csv file"),
        FileAllowed(["xlsx", "csv"], "The file must be a .xlsx or .csv file")])
    submit = SubmitField("Import", widget=GovSubmitInput())


class PersonForm(LockedForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the person's name"), Length(max=120)])
    email = StringField("Email address", widget=GovTextInput(), validators=[
        InputRequired("Enter the email address"), Length(max=254, message="Email address must be 254 characters or fewer"),
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


class FilterSelect:
    """A GOV.UK select (the same markup as govukSelect), written directly: the report filters list
    every month and team, and go on every report page."""

    def __call__(self, field, **_):
        options = Markup("").join(
            Markup('\n    <option value="{0}"{1}>{2}</option>').format(
                value, Markup(" selected") if str(field.data or "") == str(value) else Markup(""), label)
            for value, label in field.choices)
        return Markup('<div class="govuk-form-group">\n  <label class="govuk-label" for="{id}">\n    {label}\n'
                      '  </label>\n  <select class="govuk-select" id="{id}" name="{name}">{options}\n  </select>\n</div>'
                      ).format(id=field.id, name=field.name, label=field.label.text, options=options)


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
