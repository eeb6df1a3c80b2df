"""The grade descriptors: the current version and every earlier one for everyone signed in; the
draft, its domains and publishing it for the QA lead and practice leads."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditapp import permissions
from auditapp.extensions import db
from auditapp.forms.framework import DiscardForm, DraftDomainForm, PublishForm
from auditapp.framework import descriptors
from auditapp.framework.descriptors import to_descriptors
from auditapp.grading import DOMAINS, GRADE_KEYS
from auditapp.models import DescriptorSet
from auditapp.security.access import allow
from auditapp.views import form_posted, saving
from auditapp.views.paging import paginate

bp = Blueprint("descriptors", __name__, url_prefix="/grade-descriptors")
VERSIONS_PAGE = 20


@bp.route("")
@allow(permissions.anyone_signed_in)
def index():
    version = descriptors.current()
    editing = descriptors.draft() if permissions.can_edit_descriptors(current_user) else None
    return render_template("descriptors/version.html", version=version, latest=True, draft=editing,
                           changes=descriptors.changes_from_previous(version))


@bp.route("/versions")
@allow(permissions.anyone_signed_in)
def versions():
    page = paginate(descriptors.versions_newest_first(), VERSIONS_PAGE)
    listed = [descriptors.Version(row.number, row.recorded, row.published_on, row.note or "",
                                  row.published_by.name if row.published_by else "", {}) for row in page.items]
    if not page.total:
        listed = [descriptors.files_version()]
    return render_template("descriptors/versions.html", page=page, listed=listed)


@bp.route("/versions/<int:number>")
@allow(permissions.anyone_signed_in)
def version(number: int):
    found = descriptors.numbered(number) or abort(404)
    latest = found.number == descriptors.current().number
    return render_template("descriptors/version.html", version=found, latest=latest, draft=None,
                           changes=descriptors.changes_from_previous(found))


@bp.route("/draft", methods=["GET", "POST"])
@allow(permissions.can_edit_descriptors)
def draft():
    row = descriptors.draft()
    if request.method == "POST":
        # Starting a draft (the page's one button when there is none): nothing typed to keep.
        with saving(None):
            row = descriptors.start_draft(current_user)
        flash("Draft started: change each domain you need, then publish it", "success")
        return redirect(url_for("descriptors.draft"))
    base = descriptors.current()
    return render_template("descriptors/draft.html", row=row, base=base,
                           content=to_descriptors(row.content, None) if row else None,
                           changes=descriptors.draft_changes(row) if row else [],
                           discard=_discard_form(row) if row else None)


def _discard_form(row: DescriptorSet) -> DiscardForm:
    form = DiscardForm(formdata=None)
    form.version.data, form.seen.data = str(row.version), str(descriptors.newest_entry())
    return form


def _draft_or_404() -> DescriptorSet:
    return descriptors.draft() or abort(404)


@bp.route("/draft/<key>", methods=["GET", "POST"])
@allow(permissions.can_edit_descriptors)
def domain(key: str):
    if key not in DOMAINS:
        abort(404)
    row = _draft_or_404()
    form, changes = DraftDomainForm(), None
    if not form.is_submitted():
        for grade_key in GRADE_KEYS:
            form[grade_key].data = "\n".join(row.content[key]["grades"].get(grade_key, []))
        form.version.data, form.seen.data = str(row.version), str(descriptors.newest_entry())
    if form_posted(form):
        texts = {grade_key: form[grade_key].data or "" for grade_key in GRADE_KEYS}
        seen = form.opened_at()[1]
        with saving(form, reload=lambda: _draft_again(form, seen)) as save:
            changed = descriptors.save_domain(current_user, row, key, texts, form.opened_at()[0])
        changes = save.reloaded
        if save.saved:
            flash(f"{DOMAINS[key]}: draft saved" if changed else "Nothing had changed: the draft is as it was",
                  "success" if changed else "info")
            return redirect(url_for("descriptors.draft"))
    return render_template("descriptors/domain.html", form=form, key=key, name=DOMAINS[key], changes=changes)


def _draft_again(form, seen: int | None):
    """saving()'s reload after a conflict: the other editor's entries since this form was opened
    (the page lists them), and the draft's version now, so saving again goes through."""
    row = _draft_or_404()
    form.seen.data = str(descriptors.newest_entry())
    return descriptors.changes_since(seen), row.version


@bp.route("/draft/publish", methods=["GET", "POST"])
@allow(permissions.can_edit_descriptors)
def publish():
    row = _draft_or_404()
    form, changes = PublishForm(), None
    if not form.is_submitted():
        form.version.data, form.seen.data = str(row.version), str(descriptors.newest_entry())
    if form_posted(form):
        seen = form.opened_at()[1]
        with saving(form, reload=lambda: _draft_again(form, seen)) as save:
            descriptors.publish(current_user, row, form.note.data or "", form.opened_at()[0])
        changes = save.reloaded
        if save.saved:
            flash(f"Version {row.number} of the grade descriptors is published: audits opened from now on "
                  "are graded against it", "success")
            return redirect(url_for("descriptors.index"))
        row = _draft_or_404()  # rolled back: the draft as now saved
    base = descriptors.current()
    return render_template("descriptors/publish.html", form=form, base=base, next_number=base.number + 1,
                           differences=descriptors.draft_changes(row), changes=changes)


@bp.route("/draft/discard", methods=["POST"])
@allow(permissions.can_edit_descriptors)
def discard():
    row = _draft_or_404()
    form = DiscardForm()
    # Only from the page that showed this draft (its version): a bare post discards nothing.
    if form_posted(form) and form.opened_at()[0] is not None:
        with saving(None) as save:
            descriptors.discard(current_user, row, form.opened_at()[0])
        if save.saved:
            flash("The draft is discarded: the descriptors are as last published", "success")
            return redirect(url_for("descriptors.index"))
    db.session.rollback()
    flash("The draft was changed after you opened the page, so it was not discarded. Check it, then try again.",
          "info")
    return redirect(url_for("descriptors.draft"))

