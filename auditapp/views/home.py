from collections import OrderedDict
from datetime import date
from threading import Lock

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import Select, inspect

from auditapp import clock, permissions
from auditapp.models import User
from auditapp.month.sampling import month_to_report
from auditapp.remembered import remembered
from auditapp.reports import worklists
from auditapp.reports.month_tasks import month_tasks, next_task
from auditapp.reports.summary import cached_summary
from auditapp.security.access import allow, public
from auditapp.views.paging import Page, counts_of, first_pages, paginate

bp = Blueprint("home", __name__)

HOME_LIST_SIZE = 10  # the start page shows the first few of each list, and links to the rest
LIST_SIZE = 25

# Each of a person's lists: its title and the `worklists` function with the query behind it.
WORK_LISTS = {
    "to-do": ("Audits to do", "audits_to_do"),
    "moderation": ("Moderation queue", "moderation_queue"),
    "concerns": ("Open immediate safeguarding concerns", "open_concerns_for"),
    "withdrawals": ("Withdrawals waiting for your decision", "withdrawals_awaiting"),
    "actions": ("Your actions", "actions_owned"),
    "to-verify": ("Actions done, waiting for you to verify", "actions_to_verify"),
    "finished": ("Your finished audits and the feedback to you", "finished_audits"),
}


def _work_list(kind: str):
    return getattr(worklists, WORK_LISTS[kind][1])(current_user)


# The statements behind a person's start page lists, kept from one request to the next: building
# the seven (and the statement counting them) cost about 2 ms of the page's 10, and SQLAlchemy
# remembers a kept statement's cache key instead of walking it again. A statement depends on
# nothing but the person's own row (the permissions the lists ask read its columns), so they are
# kept under every column's value: any change to the person builds them afresh. The most recent
# people's are kept: about 180 KB each with their cache keys (measured), so at most about 11 MB a
# worker, for the people who opened a start page most recently.
_KEPT: OrderedDict[tuple, tuple[dict[str, Select], Select]] = OrderedDict()
PEOPLE_KEPT = 64
_kept_lock = Lock()


def _start_lists(kinds: list[str]) -> tuple[dict[str, Select], Select]:
    key = (tuple(kinds), *(getattr(current_user, column.key) for column in inspect(User).column_attrs))
    with _kept_lock:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
            return found
    queries = {kind: _work_list(kind) for kind in kinds}
    built = queries, counts_of(queries)
    with _kept_lock:
        _KEPT[key] = built
        while len(_KEPT) > PEOPLE_KEPT:
            _KEPT.popitem(last=False)
    return built


@bp.route("/")
@allow(permissions.anyone_signed_in)
def index():
    today = clock.today()
    # Someone who only reads reports has no audit work: of the lists, only actions can be theirs.
    reader = permissions.reads_reports_only(current_user)
    kinds = [kind for kind in WORK_LISTS if kind == "actions" or not reader]
    # The person's lists, rendered, remembered under the figures' version for this person today:
    # each shows what only a change that moves the version can alter (an audit started, submitted or
    # signed off, an action's or a concern's state, a withdrawal, an allocation, the person's roles),
    # never a later draft. Counting seven lists and loading their rows was a third of the page.
    lists = remembered("start page lists", (current_user.id, today), lambda: _lists_html(kinds, today))
    overviews, tasks = [], None
    if permissions.can_manage(current_user):
        month_name, task_list = month_tasks(today)
        tasks = {"month": month_name, "items": task_list, "next": next_task(task_list)}
        recent = worklists.newest_cycles(3)
        overviews = worklists.cycle_overviews(recent, today)
    headline, overdue = None, []
    if reader:
        # Overdue from every month still open, newest first, not only the headline month's.
        overdue = worklists.overdue_up_to(worklists.overdue_by_month(today))
        # Leadership and scrutiny: the latest month's headline and trend, one click from the detail.
        latest = month_to_report()
        headline = cached_summary(latest, today, with_board=False) if latest else None
    return render_template("home/index.html", today=today, lists=lists, overviews=overviews, headline=headline,
                           overdue=overdue, emails=worklists.sent_to(current_user), tasks=tasks)


def _lists_html(kinds: list[str], today: date) -> str:
    lists = {kind: Page([], 1, HOME_LIST_SIZE, 0) for kind in WORK_LISTS}
    queries, counted = _start_lists(kinds)
    lists.update(first_pages(queries, HOME_LIST_SIZE, counted))
    return render_template("home/_lists.html", today=today, to_do=lists["to-do"], queue=lists["moderation"],
                           concerns=lists["concerns"], withdrawals=lists["withdrawals"], my_actions=lists["actions"],
                           to_verify=lists["to-verify"], finished=lists["finished"])


@bp.route("/my/<kind>")
@allow(permissions.anyone_signed_in)
def work_list(kind: str):
    if kind not in WORK_LISTS:
        abort(404)
    return render_template("home/list.html", kind=kind, title=WORK_LISTS[kind][0], today=clock.today(),
                           page=paginate(_work_list(kind), LIST_SIZE))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("home/accessibility.html")
