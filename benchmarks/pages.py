"""The pages measured, chosen from whichever dataset is loaded, and their statement counts."""

from sqlalchemy import and_, event, exists, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit, Cycle, Review, User
from auditapp.months import month_of, months_before

QA_LEAD, LEADER = "quinn.ashby@council.example.org", "lena.ford@council.example.org"
PASSWORD = "demo-password-2026"


def _submitted(role: str, done: bool):
    condition = Review.submitted_at.is_not(None) if done else Review.submitted_at.is_(None)
    return exists().where(Review.audit_id == Audit.id, Review.role == role, condition)


def page_urls() -> dict[str, tuple[str, str]]:
    """name -> (who signs in, path), for the current month of the loaded demo."""
    this_month = month_of(clock.today())
    last_month = months_before(this_month, 1)
    current = select(Cycle.id).where(Cycle.month == this_month, Cycle.kind == "random").scalar_subquery()
    live = and_(Audit.cycle_id == current, Audit.signed_off_at.is_(None), Audit.withdrawal_requested_at.is_(None))
    draft = db.session.execute(select(Audit.id, User.email).join(User, User.id == Audit.auditor_a_id)
                               .where(live, _submitted("A", False)).order_by(Audit.id).limit(1)).one()
    ready = db.session.execute(select(Audit.id, User.email).join(User, User.id == Audit.moderator_id)
                               .where(live, _submitted("A", True), _submitted("B", True))
                               .order_by(Audit.id).limit(1)).one()
    return {
        "Trivial route (/health)": (LEADER, "/health"),
        # The floor for any signed-in page: session, header and footer, and no data of its own.
        "Grade descriptors (signed in, no data)": (LEADER, "/grade-descriptors"),
        "QA lead's start page": (QA_LEAD, "/"),
        "Auditor's start page": (draft.email, "/"),
        "Moderator's start page": (ready.email, "/"),
        "Leadership reader's start page": (LEADER, "/"),
        "Audit form": (draft.email, f"/audits/{draft.id}/review/A"),
        "Moderation page": (ready.email, f"/audits/{ready.id}/moderate"),
        "Cycle overview": (QA_LEAD, f"/cycles/{this_month}"),
        "Cycles list": (QA_LEAD, "/cycles"),
        "Case register": (QA_LEAD, "/cases"),
        "People": (QA_LEAD, "/people/"),
        "Dashboard, one month": (LEADER, f"/reports/?month={last_month}"),
        "Dashboard, 12 months": (LEADER, f"/reports/?month={last_month}&period=12"),
        "Agreement page": (LEADER, f"/reports/agreement?month={last_month}"),
    }


def statement_counts(app) -> dict[str, int]:
    counts = {}
    clients = {}
    for name, (email, path) in page_urls().items():
        if email not in clients:
            clients[email] = app.test_client()
            with app.app_context():  # each request its own context, as in production (`g` holds the user)
                clients[email].post("/sign-in", data={"email": email, "password": PASSWORD})
        statements = []

        def listen(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            with app.app_context():
                response = clients[email].get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(statements)
    return counts
