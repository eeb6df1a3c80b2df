from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from .. import clock, worklists

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    today = clock.today()
    overviews = []
    if current_user.is_qa_lead:
        overviews = [worklists.cycle_overview(c, today) for c in worklists.recent_cycles()]
    return render_template(
        "home/index.html",
        today=today,
        to_do=worklists.audits_to_do(current_user),
        queue=worklists.moderation_queue(current_user),
        concerns=worklists.open_concerns_for(current_user),
        withdrawals=worklists.withdrawals_awaiting(current_user),
        overviews=overviews,
    )


@bp.route("/grade-descriptors")
@login_required
def descriptors():
    return render_template("home/descriptors.html", descriptors=current_app.config["DESCRIPTORS"])


@bp.route("/accessibility")
def accessibility():
    return render_template("home/accessibility.html")
