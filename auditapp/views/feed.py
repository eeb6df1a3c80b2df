"""The dashboard feed, and the QA lead's page of its tokens.

The feed is read-only: the monthly figures of `reports/summary.py` as CSV or JSON, for a
dashboard that presents `Authorization: Bearer <token>`. A wrong or revoked token, or none, gets
401 and nothing else: no page, no hint of what exists. Each read is in the record of reads."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from auditapp import clock, permissions, reads
from auditapp.exports.cells import CSV_MEDIA_TYPE, excel_csv
from auditapp.exports.feed import COLUMNS, as_csv, rows_of
from auditapp.extensions import db
from auditapp.forms.people import FeedTokenForm
from auditapp.models import FeedToken
from auditapp.month.sampling import month_to_report, months_to_report
from auditapp.reports.summary import cached_summary, trend_months
from auditapp.security.access import allow, public
from auditapp.security.feed_tokens import create_token, revoke_token, token_in_use
from auditapp.views import form_posted, saving
from auditapp.views.paging import paginate

bp = Blueprint("feed", __name__)
MAX_MONTHS = 36
NO_STORE = {"Cache-Control": "no-store"}


def _refused() -> Response:
    return Response("", 401, {"WWW-Authenticate": 'Bearer realm="auditapp feed"', **NO_STORE})


@bp.route("/feed/<table>.<kind>")
@public  # the token is the access check: no session, no sign-in page
def table(table: str, kind: str):
    presented = request.headers.get("Authorization", "")
    token = token_in_use(presented.removeprefix("Bearer ").strip()) if presented.startswith("Bearer ") else None
    if token is None:
        return _refused()
    if table not in COLUMNS or kind not in ("csv", "json"):
        abort(404)
    live = {month for month, _ in months_to_report()}
    month = request.args.get("month") or month_to_report()
    count = request.args.get("months", "12")
    if month is not None and month not in live or not count.isdigit() or not 1 <= int(count) <= MAX_MONTHS:
        abort(404)
    today = clock.today()
    months = [m for m in trend_months(month, int(count)) if m in live] if month else []
    rows = rows_of(table, [cached_summary(m, today, with_trend=False) for m in months])
    reads.note_for(token.created_by_id, f"Dashboard feed, token {token.name}: {table} ({kind}, {len(months)} months)")
    if kind == "json":
        # In the documented column order (jsonify would sort the keys), the same shape every month.
        response = Response(json.dumps(rows, ensure_ascii=False), content_type="application/json; charset=utf-8")
    else:
        response = Response(excel_csv(as_csv(table, rows)), content_type=CSV_MEDIA_TYPE,
                            headers={"Content-Disposition": f'inline; filename="auditapp-{table}.csv"'})
    response.headers.update(NO_STORE)
    return response


@bp.route("/people/feed-tokens", methods=["GET", "POST"])
@allow(permissions.can_manage)
def tokens():
    form, shown = FeedTokenForm(), None
    if form_posted(form):
        with saving(form) as save:
            made, secret = create_token(current_user, form.name.data or "")
        if save.saved:
            shown = (made.name, secret)
            form = FeedTokenForm(formdata=None)
    page = paginate(select(FeedToken).order_by(FeedToken.revoked_at.is_not(None), FeedToken.created_at.desc(),
                                               FeedToken.id.desc()), 25)
    response = Response(render_template("admin/feed_tokens.html", form=form, page=page, shown=shown,
                                         tables=COLUMNS, service=request.host_url.rstrip("/")))
    response.headers.update(NO_STORE)  # the page that shows a new token once must not be kept by the browser
    return response


@bp.route("/people/feed-tokens/<int:token_id>/revoke", methods=["POST"])
@allow(permissions.can_manage)
def revoke(token_id: int):
    found = db.session.get(FeedToken, token_id) or abort(404)
    version = request.form.get("version", "")
    with saving(None) as save:
        revoke_token(current_user, found, int(version) if version.isdigit() else None)
    if save.saved:
        flash(f"Token {found.name} revoked: dashboards using it can no longer read the feed", "success")
    else:
        flash("This token was changed after you opened the page: check it, then revoke it again.", "info")
    return redirect(url_for("feed.tokens"))
