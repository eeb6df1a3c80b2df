"""Error pages and the translation of broken rules into messages, in one place."""

from flask import render_template
from werkzeug.exceptions import HTTPException

from auditapp.extensions import db


class RuleError(Exception):
    """A rule of the service refused an action; the message is for the person who tried."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(RuleError):
    """What was entered breaks the rules: `problems` holds field -> message for every one, in the
    form's order, so a form can mark them all from the one refusal (and never validates twice)."""

    def __init__(self, problems: dict[str, str]):
        field, message = next(iter(problems.items()))
        super().__init__(message, field)
        self.problems = dict(problems)


class NotAllowed(RuleError):
    """The person may not do this to this object (answered with 403)."""


TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see or do this",
    404: "Page not found",
    405: "Sorry, there is a problem with that request",
    409: "That could not be done",
    413: "The file is too large",
    500: "Sorry, there is a problem with the service",
}


def _page(code: int, message: str | None = None):
    title = TITLES.get(code, "Sorry, there is a problem with the service")
    return render_template("errors/error.html", title=title, message=message, code=code), code


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _page(error.code or 500)

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed):
        return _page(403, error.message)

    @app.errorhandler(RuleError)
    def refused(error: RuleError):
        # A rule broken outside a form (for example a stale page posted twice): nothing was saved.
        db.session.rollback()
        return _page(409, error.message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return _page(500)
