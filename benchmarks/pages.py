"""The pages measured, chosen from whichever dataset is loaded, and their statement counts."""

from sqlalchemy import and_, event, exists, select

from auditapp import clock
from auditapp.extensions import db
from auditapp.models import Audit, AuditType, Cycle, Review, User
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
    supervision = db.session.scalar(select(AuditType.id).where(AuditType.name == "Supervision-record audit"))
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
        # Issue 24: 2,000 finished supervision-record audits over the 12 months on the large county
        # (benchmarks/typed.py), the demo's few on the small one; the QA lead's page lists them too.
        "Audit type summary, 12 months": (LEADER, f"/reports/types/{supervision}?period=12"),
        "Audit type summary, 12 months, with its list": (QA_LEAD, f"/reports/types/{supervision}?period=12"),
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

        def listen(conn, cursor, statement, *args, into=statements):
            into.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            with app.app_context():
                response = clients[email].get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(statements)
    return counts


def _live_this_month():
    current = select(Cycle.id).where(Cycle.month == month_of(clock.today()), Cycle.kind == "random").scalar_subquery()
    return and_(Audit.cycle_id == current, Audit.signed_off_at.is_(None), Audit.withdrawal_requested_at.is_(None))


def deep_pages() -> dict[str, tuple[str, str]]:
    """The first and the last page of each long list (issue 22). A page number past the end shows
    the last page; the logs page by the id a page starts from, so their last page is found by id."""
    from auditapp.history import recent_activity
    from auditapp.models import Event, ReadRecord
    from auditapp.views.admin import ACTIVITY_PAGE

    oldest_event = db.session.scalar(recent_activity().order_by(None).order_by(Event.id)
                                     .with_only_columns(Event.id).offset(ACTIVITY_PAGE).limit(1))
    oldest_read = db.session.scalar(select(ReadRecord.id).order_by(ReadRecord.id).offset(ACTIVITY_PAGE).limit(1))
    pages = {
        # A log of one page only: its last page is its first.
        "Activity log": ("/people/activity", f"/people/activity?before={oldest_event}" if oldest_event
                         else "/people/activity"),
        "Record of reads": ("/people/reads", f"/people/reads?before={oldest_read}" if oldest_read else "/people/reads"),
        "All actions": ("/actions", "/actions?page=999999"),
        "All actions, sorted by owner": ("/actions?sort=owner&order=descending",
                                         "/actions?sort=owner&order=descending&page=999999"),
        "Case register": ("/cases", "/cases?page=999999"),
        "Case register, sorted by manager": ("/cases?sort=manager", "/cases?sort=manager&page=999999"),
        "People": ("/people/", "/people/?page=999999"),
    }
    return {f"{name}, {which}": (QA_LEAD, path) for name, (first, last) in pages.items()
            for which, path in (("first page", first), ("last page", last))}


def draft_writers(count: int = 3) -> list[tuple[str, str]]:
    """(auditor A's email, their audit form) for `count` live audits of this month, each a different
    auditor's, whose part A is not submitted: the writers of the mixed run."""
    rows = db.session.execute(select(Audit.id, User.email).join(User, User.id == Audit.auditor_a_id)
                              .where(_live_this_month(), _submitted("A", False)).order_by(Audit.id)).all()
    chosen: dict[str, int] = {}
    for audit_id, email in rows:
        chosen.setdefault(email, audit_id)
        if len(chosen) == count:
            break
    return [(email, f"/audits/{audit_id}/review/A") for email, audit_id in chosen.items()]


def ready_to_sign_off(limit: int = 50) -> list[tuple[str, str]]:
    """(moderator's email, moderation page) of audits with both parts submitted that nothing blocks
    from sign-off (no open safeguarding concern, no proposed action to decide): to sign off."""
    from auditapp.models import Action, Concern
    concern = exists().where(Concern.audit_id == Audit.id, Concern.acknowledged_at.is_(None))
    proposal = exists().where(Action.audit_id == Audit.id, Action.status == "proposed")
    rows = db.session.execute(select(Audit.id, User.email).join(User, User.id == Audit.moderator_id)
                              .where(_live_this_month(), _submitted("A", True), _submitted("B", True),
                                     ~concern, ~proposal)
                              .order_by(Audit.id).limit(limit)).all()
    return [(email, f"/audits/{audit_id}/moderate") for audit_id, email in rows]
