"""The auditor's review, the moderation, concerns, withdrawals, and the confirmation before what
cannot be undone."""


from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    RadioField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, Optional

from auditapp.forms.widgets import YES_NO, LockedForm, Radios, grade_field, long_text
from auditapp.framework.type_content import MAX_ANSWER, Question
from auditapp.grading import DOMAINS, GRADE_KEYS, JUDGEMENTS
from auditapp.models.sets import KEY_ISSUES, WITHDRAWAL_REASONS, YES_NO_NA


class ReviewForm(LockedForm):
    """Six domains (grade, evidence, impact on the child), then the overall judgement."""

    overall_grade = grade_field("Overall grade")
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
        parts = {"day": 1, "month": 2, "year": 3}
        extra = sorted((name for name in self._fields if name.startswith("extra_")),
                       key=lambda n: (int(n.split("_")[1]), parts.get(n.split("_")[-1], 0)))
        return ["consent", *domains, *extra, "overall_grade", "working_well", "needs_to_change",
                "safeguarding_concern", "safeguarding_details"]


for _key, _name in DOMAINS.items():
    setattr(ReviewForm, f"{_key}_grade", grade_field(f"Grade for {_name.lower()}"))
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
    setattr(ModerationForm, f"{_key}_grade", grade_field(f"Moderated grade: {_name}"))
    setattr(ModerationForm, f"{_key}_rationale", long_text(
        "Rationale", "Needed where the auditors disagree or your grade differs from theirs."))



class ConcernForm(FlaskForm):
    details = long_text("Describe the immediate safeguarding concern")
    submit = SubmitField("Raise concern", widget=GovSubmitInput())



class AcknowledgeForm(FlaskForm):
    response = long_text("What was done in response",
                         "Who was told, when, and what action was taken to keep the child safe.")
    submit = SubmitField("Record response", widget=GovSubmitInput())



class ReopenForm(FlaskForm):
    reason = long_text("Why is this audit being reopened?", called="The reason")
    submit = SubmitField("Reopen audit", widget=GovSubmitInput())



class ConfirmForm(LockedForm):
    """The last step of something that cannot be undone, after "Check your answers"."""
    confirm = SubmitField("Confirm", widget=GovSubmitInput())



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


def answer_fields(questions: tuple[Question, ...]) -> dict:
    """The fields of an audit type's own questions, by kind: radios for a grade (its short
    descriptors as hints) and for yes / no / not applicable, a text box for a number, the GOV.UK
    date input's three boxes (extra_<n>_day, _month, _year), a text area for free text."""
    fields: dict = {}
    for q in questions:
        label, name = f"{q.number}. {q.text}" + ("" if q.required else " (optional)"), f"extra_{q.number}"
        if q.kind == "grade":
            fields[name] = RadioField(label, choices=[(key, grade.label) for key, grade in GRADE_KEYS.items()],
                                      widget=Radios(), validate_choice=False, validators=[Optional()],
                                      description=q.hint)
        elif q.kind == "yes no":
            fields[name] = RadioField(label, choices=list(YES_NO_NA.items()), widget=Radios(), validate_choice=False,
                                      validators=[Optional()], description=q.hint)
        elif q.kind == "number":
            fields[name] = StringField(label, widget=GovTextInput(), description=q.hint or "A number, like 3 or 2.5",
                                       validators=[Length(max=40, message=f"The answer to question {q.number} must "
                                                                          "be a number")])
        elif q.kind == "date":
            for part, size in (("day", 2), ("month", 2), ("year", 4)):
                fields[f"{name}_{part}"] = StringField(part.capitalize(), validators=[Length(
                    max=size, message=f"Question {q.number}'s {part} must be {size} digits or fewer")])
        else:
            fields[name] = long_text(label, q.hint, limit=MAX_ANSWER, called=f"The answer to question {q.number}")
    return fields


def consent_field() -> RadioField:
    return RadioField("Has the family given their consent to the observation?", choices=[
        ("given", "Yes, the family consented"), ("refused", "No, the family refused: end the audit now")],
        widget=Radios(), validate_choice=False, validators=[Optional()],
        description="Recorded before anything else. If the family refuses, the audit ends and nothing else "
                    "is recorded.")
