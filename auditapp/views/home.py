from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from .. import clock, mail, permissions, worklists
from ..access import allow, public
from ..paging import paginate

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


@bp.route("/")
@allow(permissions.anyone_signed_in)
def index():
    today = clock.today()
    lists = {kind: paginate(_work_list(kind), HOME_LIST_SIZE, 1) for kind in WORK_LISTS}
    overviews = []
    if permissions.can_manage(current_user):
        recent = paginate(worklists.cycles_newest_first(), 3, 1).items
        overviews = worklists.cycle_overviews(recent, today)
    return render_template("home/index.html", today=today, lists=lists, to_do=lists["to-do"],
                           queue=lists["moderation"], concerns=lists["concerns"],
                           withdrawals=lists["withdrawals"], my_actions=lists["actions"],
                           to_verify=lists["to-verify"], finished=lists["finished"], overviews=overviews, emails=mail.sent_to(current_user))


@bp.route("/my/<kind>")
@allow(permissions.anyone_signed_in)
def work_list(kind: str):
    if kind not in WORK_LISTS:
        abort(404)
    return render_template("home/list.html", kind=kind, title=WORK_LISTS[kind][0], today=clock.today(),
                           page=paginate(_work_list(kind), LIST_SIZE))


@bp.route("/grade-descriptors")
@allow(permissions.anyone_signed_in)
def descriptors():
    return render_template("home/descriptors.html", descriptors=current_app.config["DESCRIPTORS"])


@bp.route("/health")
@public
def health():
    """For load balancers and the benchmarks' baseline: answers without touching the database."""
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("home/accessibility.html")
