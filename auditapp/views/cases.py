from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import permissions
from ..extensions import db
from ..forms import UploadForm
from ..imports.table import ImportFailed
from ..loading import CASE_ROW
from ..models import Case
from ..paging import paginate
from ..register import import_cases
from . import form_posted, user_required

bp = Blueprint("cases", __name__)

PAGE_SIZE = 50


@bp.route("/cases", methods=["GET", "POST"])
@login_required
def index():
    user_required(permissions.can_manage)
    form = UploadForm()
    problems = []
    if form_posted(form):
        upload = form.file.data
        try:
            added, updated = import_cases(current_user, upload.stream, upload.filename)
            db.session.commit()
        except ImportFailed as failure:
            db.session.rollback()
            problems = failure.problems
            form.file.errors = [f"The file has {len(problems)} problems: nothing was imported. "
                                "Correct the rows listed and upload it again."
                                if len(problems) != 1 else
                                "The file has a problem: nothing was imported. Correct it and upload it again."]
        else:
            flash(f"Case list imported: {added} cases added, {updated} updated", "success")
            return redirect(url_for("cases.index"))
    search = (request.args.get("q") or "").strip()
    query = select(Case).options(*CASE_ROW).order_by(Case.reference)
    if search:
        query = query.where(func.upper(Case.reference).contains(search.upper(), autoescape=True))
    return render_template("cases/index.html", form=form, problems=problems, search=search,
                           page=paginate(query, PAGE_SIZE), registered=db.session.scalar(select(func.count(Case.id))))
