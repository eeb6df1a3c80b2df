"""Closed sets: the only values some columns may hold. Defined here once, used by the models' CHECK
constraints (migration 0018 adds the same), the forms' choices and the rule functions' checks, so
the database refuses a value the code does not know."""

from collections.abc import Iterable

from sqlalchemy import CheckConstraint

REVIEW_ROLES = ("A", "B")  # the two auditors' reviews
PROPOSER_ROLES = ("A", "B", "M")  # an auditor, or the moderator, as proposer of an action or tagger of a theme
YES_NO = {"yes": "Yes", "no": "No"}
KEY_ISSUES = {"yes": "Yes", "partly": "Partly", "no": "No"}
CYCLE_KINDS = ("random", "targeted")
# Audit types (issue 24): a version's state, how an audit of the type runs, its questions' kinds,
# the canonical answers of a yes / no / not applicable question, and a family's consent.
TYPE_STATES = {"draft": "Draft", "published": "Published"}
BLIND_DUAL, SINGLE_WITH_REVIEW, SINGLE = "blind dual", "single with review", "single"
COURSES = {BLIND_DUAL: "Blind dual audit, then moderation",
           SINGLE_WITH_REVIEW: "Single audit with a senior manager's review",
           SINGLE: "Single audit"}
QUESTION_KINDS = {"grade": "A grade", "yes no": "Yes, no or not applicable", "number": "A number", "date": "A date",
                  "text": "Free text"}
YES_NO_NA = {"yes": "Yes", "no": "No", "not applicable": "Not applicable"}
CONSENT = {"given": "Consent given", "refused": "Consent refused"}
# A background case-list import; "columns" and "case types": waiting for the QA lead's answers.
IMPORT_STATES = ("queued", "running", "done", "failed", "columns", "case types")
# How a signed-in session began, and why it ended.
PASSWORD, SINGLE_SIGN_ON = "password", "single sign-on"
SIGN_IN_METHODS = (PASSWORD, SINGLE_SIGN_ON)
SIGNED_OUT, IDLE, EXPIRED = "signed out", "idle", "expired"
DEACTIVATED, PASSWORD_CHANGED, ACCOUNT_UNBOUND = "deactivated", "password changed", "account unbound"
SESSION_ENDINGS = (SIGNED_OUT, IDLE, EXPIRED, DEACTIVATED, PASSWORD_CHANGED, ACCOUNT_UNBOUND)
WITHDRAWAL_REASONS = {
    "case_closed": "Case closed",
    "critical_incident": "Critical incident review",
    "court": "Sensitive court stage",
    "conflict": "Conflict of interest",
}


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """CHECK that the column holds one of the values (or NULL), named ck_<table>_<column> by the
    naming convention."""
    return CheckConstraint(in_list(column, values), name=column)


def in_list(column: str, values: Iterable[str]) -> str:
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{column} IN ({listed})"


CASE_TYPES = {
    "early_help": "Early help",
    "child_in_need": "Child in need",
    "child_protection": "Child protection",
    "child_in_care": "Child in care",
    "care_leaver": "Care leaver",
}


def case_type_key(label: str | None) -> str | None:
    """The key of a case type's label, as the report filters give it (None if there is none)."""
    return next((key for key, name in CASE_TYPES.items() if name == label), None)
