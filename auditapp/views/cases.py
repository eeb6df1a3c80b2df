from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import permissions
from ..extensions import db
from ..forms import UploadForm
from ..imports.table import ImportFailed
from ..models import Case
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
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count(Case.id)))
    cases = db.session.scalars(select(Case).order_by(Case.reference)
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return render_template("cases/index.html", form=form, problems=problems, cases=list(cases),
                           total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)))
