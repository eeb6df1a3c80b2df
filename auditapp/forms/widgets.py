"""GOV.UK widgets and what every form shares: grade radios written directly, counted text areas,
refusing choices the page never offered, and the optimistic-locking base form."""


from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from auditapp.grading import GRADES_BEST_FIRST, Descriptor
from auditapp.models import sets

GRADE_CHOICES = [(str(int(g)), g.label) for g in GRADES_BEST_FIRST]



YES_NO = list(sets.YES_NO.items())

# Each domain's descriptors as HTML, by their text: the same for every audit form and moderation
# page until a new version of the descriptors is published, so rendered once, not on every page.
_DESCRIBED: dict[tuple, tuple[list[dict], Markup]] = {}


def _described(descriptor: Descriptor) -> tuple[list[dict], Markup]:
    text = (descriptor.key, descriptor.version, tuple((g, tuple(lines)) for g, lines in descriptor.indicators.items()))
    found = _DESCRIBED.get(text)
    if found is None:
        lists = {grade: Markup('<ul class="govuk-list govuk-list--bullet app-descriptors">{0}</ul>').format(
            Markup("").join(Markup("<li>{0}</li>").format(line) for line in lines))
            for grade, lines in descriptor.indicators.items()}
        # Best first, as the grade choices are (the files list them so).
        hints = [{"hint": {"html": html}} for html in lists.values()]
        headed = Markup("").join(Markup('<h3 class="govuk-heading-s">{0}</h3>\n{1}\n').format(grade.label, html)
                                 for grade, html in lists.items())
        found = _DESCRIBED.setdefault(text, (hints, headed))
    return found


def descriptor_hints(descriptor: Descriptor) -> list[dict]:
    """The grade radios' items: each grade's descriptor lines as its hint."""
    return _described(descriptor)[0]


def descriptor_lists(descriptor: Descriptor) -> Markup:
    """Each grade's name and descriptor lines, for the moderation page's details."""
    return _described(descriptor)[1]



def offered(field: RadioField | SelectField) -> set[str]:
    """The values a choice field's page offered (a choice is a pair, or a triple with attributes)."""
    return {str(choice[0]) for choice in field.choices or []}


def tampered_choice(form: FlaskForm) -> bool:
    """True if a choice field was posted a value the page never offered: a crafted request."""
    for field in form:
        if isinstance(field, (RadioField, SelectField)) and field.raw_data:
            if any(v not in offered(field) and v != "" for v in field.raw_data):
                return True
    return False



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
            parts.append(Markup('\n    <div id="{0}-hint" class="govuk-hint">{1}</div>')
                         .format(field.id, field.description))
        if field.errors:
            described.append(f"{field.id}-error")
            parts.append(Markup('\n    <p id="{0}-error" class="govuk-error-message">\n'
                                '      <span class="govuk-visually-hidden">Error:</span> {1}\n    </p>')
                         .format(field.id, field.errors[0]))
        # f-strings over escaped values, not Markup.format: the same HTML, a third of the time (an
        # audit form writes about 40 radios; Markup.format's escaping formatter was a fifth of the page).
        radios = []
        name = escape(field.name)
        for n, ((value, label), item) in enumerate(zip(field.choices, items), 1):
            item_id = escape(field.id if n == 1 else f"{field.id}-{n}")
            hint_html = (item.get("hint") or {}).get("html")
            hint_id = escape(f"{item_id}-item-hint" if n == 1 else f"{field.id}-{n}-item-hint")
            # The hint is the template's own markup, escaped there.
            hint = (f'\n        <div id="{hint_id}" class="govuk-hint govuk-radios__hint">\n'
                    f'          {escape(hint_html)}\n        </div>') if hint_html else ""
            checked = " checked" if str(field.data) == str(value) else ""
            describedby = f' aria-describedby="{hint_id}"' if hint_html else ""
            radios.append(
                '\n      <div class="govuk-radios__item">\n'
                f'        <input class="govuk-radios__input" id="{item_id}" name="{name}" '
                f'type="radio" value="{escape(value)}"{checked}{describedby}>\n'
                '        <label class="govuk-label govuk-radios__label" '
                f'for="{item_id}">\n          {escape(label)}\n        </label>{hint}\n      </div>')
        error = " govuk-form-group--error" if field.errors else ""
        fieldset_described = f' aria-describedby="{escape(" ".join(described))}"' if described else ""
        return Markup(  # nosec B704: every value in it is escape()d above or is the page's own markup
            f'<div class="govuk-form-group{error}">\n  <fieldset class="govuk-fieldset"{fieldset_described}>\n'
            f'    <legend class="govuk-fieldset__legend {escape(legend.get("classes", ""))}">\n'
            f'      {escape(legend.get("text") or field.label.text)}\n    </legend>{"".join(parts)}\n'
            f'    <div class="govuk-radios {escape(params.get("classes", ""))}" data-module="govuk-radios">'
            f'{"".join(radios)}\n    </div>\n  </fieldset>\n</div>')



def grade_field(label: str, description: str = "") -> RadioField:
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
            error = Markup('\n  <p id="{0}-error" class="govuk-error-message">\n'
                           '    <span class="govuk-visually-hidden">Error:</span> {1}\n  </p>'
                           ).format(field.id, field.errors[0])
        state = " govuk-form-group--error" if field.errors else ""
        textarea_state = " govuk-textarea--error" if field.errors else ""
        # f-strings over escaped values, as in Radios: the same HTML as Markup.format wrote, whose
        # escaping formatter was a fifth of the audit form's CPU (fifteen of these a page).
        limit, field_id = escape(self.limit), escape(field.id)
        return Markup(  # nosec B704: every value in it is escape()d here, or is Markup built above
            f'<div class="govuk-form-group{state} govuk-character-count" data-module="govuk-character-count" '
            f'data-maxlength="{limit}">\n  <label class="govuk-label" for="{field_id}">\n'
            f'    {escape(label)}\n  </label>{hint}{error}\n'
            f'  <textarea class="govuk-textarea{textarea_state} govuk-js-character-count" id="{field_id}" '
            f'name="{escape(field.name)}" rows="{int(params.get("rows", 5))}" '
            f'aria-describedby="{escape(" ".join(described))}">{escape(field._value())}</textarea>\n'
            f'  <div id="{field_id}-info" class="govuk-hint govuk-character-count__message">\n'
            f'    You can enter up to {limit} characters\n  </div>\n</div>')



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

    def open_at(self, version: int, seen: int | None = None) -> None:
        """Write the record's version (and the newest history entry shown) into the page."""
        self.version.data = str(version)
        if seen is not None:
            self.seen.data = str(seen)

    def opened_at(self) -> tuple[int | None, int | None]:
        def number(field):
            return int(_posted(field)) if _posted(field).isdigit() else None
        return number(self.version), number(self.seen)



def _posted(field) -> str:
    # What was posted, never a value filled in from the record (a form built with obj=).
    return field.raw_data[0] if field.raw_data else ""



class FilterSelect:
    """A GOV.UK select (the same markup as govukSelect), written directly: the report filters list
    every month and team, and go on every report page."""

    def __call__(self, field, **_):
        # Each option escaped and joined as plain text (markupsafe's escape is C): Markup.format
        # per option cost the activity log's filter of every person (about 470) 10 ms a request.
        chosen = str(field.data or "")
        # Every value and label is escaped before the join, so the joined text is markup already.
        options = Markup("".join(  # nosec B704: each piece is escape()d above
            f'\n    <option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>'
            f'{escape(label)}</option>' for value, label in field.choices))
        return Markup('<div class="govuk-form-group">\n  <label class="govuk-label" for="{id}">\n    {label}\n'
                      '  </label>\n  <select class="govuk-select" id="{id}" name="{name}">{options}\n'
                      '  </select>\n</div>'
                      ).format(id=field.id, name=field.name, label=field.label.text, options=options)
