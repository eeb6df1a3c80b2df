"""Audit types: every published version for everyone signed in; a new type, its draft, publishing
and retiring it for the QA lead and practice leads (framework/audit_types.py holds the rules)."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from auditapp import permissions
from auditapp.extensions import db
from auditapp.forms.audit_types import (
    GRADE_PARTS,
    QUESTION_PARTS,
    DiscardTypeForm,
    NewTypeForm,
    PublishTypeForm,
    RetireTypeForm,
    TypeDraftForm,
    draft_form,
    question_count,
)
from auditapp.framework import audit_types
from auditapp.framework.type_content import MAX_QUESTIONS, Design, Question
from auditapp.grading import DOMAINS, GRADE_KEYS
from auditapp.models import AuditType, AuditTypeVersion
from auditapp.models.sets import COURSES, QUESTION_KINDS
from auditapp.security.access import allow
from auditapp.views import form_posted, posted_any, saving
from auditapp.views.paging import paginate

bp = Blueprint("audit_types", __name__, url_prefix="/audit-types")
PAGE = 25


def _type_or_404(type_id: int, reload: bool = False) -> AuditType:
    """A type, or 404: one never published is known only to those who may edit it."""
    kind = db.session.get(AuditType, type_id, populate_existing=reload)
    if kind is None:
        abort(404)
    if not (kind.built_in or permissions.can_edit_audit_types(current_user) or audit_types.latest(kind.id)):
        abort(404)
    return kind


def _editable_or_404(type_id: int, reload: bool = False) -> AuditType:
    kind = _type_or_404(type_id, reload)
    if kind.built_in:
        abort(404)  # the monthly random audit has no drafts: its descriptors are edited instead
    return kind


@bp.route("")
@allow(permissions.anyone_signed_in)
def index():
    page = paginate(audit_types.listed(), PAGE)
    ids = [kind.id for kind in page.items]
    newest = audit_types.latest_of(ids)
    editing = permissions.can_edit_audit_types(current_user)
    shown = [kind for kind in page.items if kind.built_in or editing or kind.id in newest]
    return render_template("audit_types/index.html", page=page, shown=shown, newest=newest, courses=COURSES,
                           drafts=audit_types.drafts_of(ids) if editing else set(), editing=editing)


@bp.route("/new", methods=["GET", "POST"])
@allow(permissions.can_edit_audit_types)
def new():
    form = NewTypeForm()
    if form_posted(form):
        with saving(form) as save:
            kind = audit_types.create(current_user, form.name.data or "", form.purpose.data or "",
                                      form.course.data or "")
        if save.saved:
            flash("Audit type created: add its domains and questions to the draft, then publish it", "success")
            return redirect(url_for("audit_types.draft", type_id=kind.id))
    return render_template("audit_types/new.html", form=form)


@bp.route("/<int:type_id>")
@allow(permissions.anyone_signed_in)
def show(type_id: int):
    kind = _type_or_404(type_id)
    row = None if kind.built_in else audit_types.latest(kind.id)
    editing = permissions.can_edit_audit_types(current_user) and not kind.built_in
    return render_template("audit_types/version.html", kind=kind, row=row, latest=True,
                           design=audit_types.design(row) if row else None,
                           changes=audit_types.changes_from_previous(row) if row else None,
                           draft=audit_types.draft_of(kind.id) if editing else None, editing=editing,
                           courses=COURSES, kinds=QUESTION_KINDS, domains=DOMAINS, grades=GRADE_KEYS)


@bp.route("/<int:type_id>/versions")
@allow(permissions.anyone_signed_in)
def versions(type_id: int):
    kind = _editable_or_404(type_id)
    page = paginate(audit_types.versions_newest_first(kind.id), PAGE)
    return render_template("audit_types/versions.html", kind=kind, page=page)


@bp.route("/<int:type_id>/versions/<int:number>")
@allow(permissions.anyone_signed_in)
def version(type_id: int, number: int):
    kind = _editable_or_404(type_id)
    row = audit_types.numbered(kind.id, number) or abort(404)
    newest = audit_types.latest(kind.id)
    return render_template("audit_types/version.html", kind=kind, row=row,
                           latest=bool(newest and newest.number == row.number), design=audit_types.design(row),
                           changes=audit_types.changes_from_previous(row), draft=None, editing=False,
                           courses=COURSES, kinds=QUESTION_KINDS, domains=DOMAINS, grades=GRADE_KEYS)


@bp.route("/<int:type_id>/draft/start", methods=["POST"])
@allow(permissions.can_edit_audit_types)
def start_draft(type_id: int):
    kind = _editable_or_404(type_id)
    if kind.retired_at:
        abort(404)  # a retired type starts no audit, so it has no next version to draft
    with saving(None):
        audit_types.start_draft(current_user, kind)
    flash("Draft started: change what you need, then publish it", "success")
    return redirect(url_for("audit_types.draft", type_id=kind.id))


def _design_from(form: TypeDraftForm) -> Design:
    questions = tuple(Question(
        n, form[f"question_{n}_kind"].data or "", (form[f"question_{n}_text"].data or "").strip(),
        (form[f"question_{n}_hint"].data or "").strip(), bool(form[f"question_{n}_required"].data),
        {key: (form[f"question_{n}_{key}"].data or "").strip() for key in GRADE_PARTS}
        if form[f"question_{n}_kind"].data == "grade" else {}) for n in range(1, question_count(form) + 1))
    return Design(form.course.data or "", form.name.data or "", form.purpose.data or "",
                  bool(form.family_contact.data), bool(form.consent_first.data),
                  tuple(k for k in DOMAINS if k in (form.domains.data or [])), questions)


def _fill(form: TypeDraftForm, found: Design) -> None:
    form.name.data, form.purpose.data, form.course.data = found.name, found.purpose, found.course
    form.family_contact.data, form.consent_first.data = found.family_contact, found.consent_first
    form.domains.data = list(found.domains)
    form.count.data = str(len(found.questions))
    for q in found.questions:
        form[f"question_{q.number}_kind"].data = q.kind
        form[f"question_{q.number}_text"].data = q.text
        form[f"question_{q.number}_hint"].data = q.hint
        form[f"question_{q.number}_required"].data = q.required
        for key in GRADE_PARTS:
            form[f"question_{q.number}_{key}"].data = q.descriptors.get(key, "")


def _rearranged(form: TypeDraftForm, act: str) -> TypeDraftForm:
    """The same typing with a question added, removed or moved: a new form, not yet saved. Every
    question's descriptors are kept whatever its kind, so changing a kind back loses nothing."""
    rows = [{part: form[f"question_{n}_{part}"].data for part in QUESTION_PARTS}
            for n in range(1, question_count(form) + 1)]
    how, _, at = act.partition("-")
    n = int(at) if at.isdigit() else 0
    if how == "add" and len(rows) < MAX_QUESTIONS:
        rows.append({"kind": "text", "text": "", "hint": "", "required": True})
    elif how == "remove" and 1 <= n <= len(rows):
        rows.pop(n - 1)
    elif how == "up" and 2 <= n <= len(rows):
        rows[n - 2], rows[n - 1] = rows[n - 1], rows[n - 2]
    elif how == "down" and 1 <= n < len(rows):
        rows[n - 1], rows[n] = rows[n], rows[n - 1]
    data = MultiDict([(field.name, field.data) for field in form
                      if not field.name.startswith("question_") and field.name not in ("domains", "save", "count")
                      and field.data not in (None, False)])
    for key in form.domains.data or []:
        data.add("domains", key)
    data["count"] = str(len(rows))
    for number, row in enumerate(rows, 1):
        for part, value in row.items():
            if part == "required":
                if value:
                    data[f"question_{number}_required"] = "y"
            elif value is not None:
                data[f"question_{number}_{part}"] = value
    return draft_form(len(rows), formdata=data)


ACTS = {"add"} | {f"{how}-{n}" for how in ("remove", "up", "down") for n in range(1, MAX_QUESTIONS + 1)}


@bp.route("/<int:type_id>/draft", methods=["GET", "POST"])
@allow(permissions.can_edit_audit_types)
def draft(type_id: int):
    kind = _editable_or_404(type_id)
    row = audit_types.draft_of(kind.id)
    if row is None:
        if request.method == "POST":
            abort(404)  # the draft was published or discarded in another tab: nothing to save into
        return render_template("audit_types/no_draft.html", kind=kind, base=audit_types.latest(kind.id))
    saved = audit_types.design(row)
    posted_count = request.form.get("count", "") if request.method == "POST" else ""
    count = int(posted_count) if posted_count.isdigit() and int(posted_count) <= MAX_QUESTIONS \
        else len(saved.questions)  # a post without its count keeps the saved questions' number
    form, changes, rearranged = draft_form(count), None, False
    if not form.is_submitted():
        _fill(form, saved)
        form.open_at(row.version, audit_types.newest_entry())
    act = request.form.get("act", "")
    if form.is_submitted() and act:
        if act not in ACTS:
            abort(400)  # a button the page never offered
        form_posted(form)  # the same refusals of crafted choices and control characters as a save
        form = _rearranged(form, act)
        rearranged = True
    elif form_posted(form):
        if not posted_any(form):
            flash("Nothing was saved: the form arrived without any answers. The draft is as it was.", "info")
            return redirect(url_for("audit_types.draft", type_id=kind.id))
        wanted = _design_from(form)
        seen = form.opened_at()[1]
        with saving(form, reload=lambda: _draft_again(kind.id, form, seen)) as save:
            changed = audit_types.save_draft(current_user, row, wanted, form.opened_at()[0])
        changes = save.reloaded
        if save.saved:
            flash("Draft saved" if changed else "Nothing had changed: the draft is as it was",
                  "success" if changed else "info")
            return redirect(url_for("audit_types.draft", type_id=kind.id))
        row = audit_types.draft_of(kind.id) or abort(404)
    return render_template("audit_types/draft.html", kind=kind, row=row, form=form, changes=changes,
                           rearranged=rearranged, count=question_count(form), kinds=QUESTION_KINDS,
                           grades=GRADE_KEYS, base=audit_types.latest(kind.id),
                           differences=audit_types.draft_changes(row), discard=_locked(DiscardTypeForm, row))


def _locked(form_class, row: AuditTypeVersion | AuditType):
    form = form_class(formdata=None)
    form.version.data, form.seen.data = str(row.version), str(audit_types.newest_entry())
    return form


def _draft_again(type_id: int, form, seen: int | None):
    """saving()'s reload after a conflict: the other editor's entries since the form was opened,
    and the draft's version now, so saving again goes through."""
    row = audit_types.draft_of(type_id) or abort(404)
    form.seen.data = str(audit_types.newest_entry())
    return audit_types.changes_since(type_id, seen), row.version


@bp.route("/<int:type_id>/draft/publish", methods=["GET", "POST"])
@allow(permissions.can_edit_audit_types)
def publish(type_id: int):
    kind = _editable_or_404(type_id)
    row = audit_types.draft_of(kind.id) or abort(404)
    form, changes = PublishTypeForm(), None
    if not form.is_submitted():
        form.open_at(row.version, audit_types.newest_entry())
    if form_posted(form):
        seen = form.opened_at()[1]
        with saving(form, reload=lambda: _draft_again(kind.id, form, seen)) as save:
            audit_types.publish(current_user, kind, row, form.note.data or "", form.opened_at()[0])
        changes = save.reloaded
        if save.saved:
            flash(f"Version {row.number} of {kind.name} is published: audits started from now on follow it",
                  "success")
            return redirect(url_for("audit_types.show", type_id=kind.id))
        kind = _editable_or_404(type_id, reload=True)
        row = audit_types.draft_of(kind.id) or abort(404)
    base = audit_types.latest(kind.id)
    return render_template("audit_types/publish.html", kind=kind, form=form, base=base,
                           next_number=(base.number or 0) + 1 if base else 1,
                           differences=audit_types.draft_changes(row), changes=changes)


@bp.route("/<int:type_id>/draft/discard", methods=["POST"])
@allow(permissions.can_edit_audit_types)
def discard(type_id: int):
    kind = _editable_or_404(type_id)
    row = audit_types.draft_of(kind.id) or abort(404)
    form = DiscardTypeForm()
    # Only from the page that showed this draft (its version): a bare post discards nothing.
    if form_posted(form) and form.opened_at()[0] is not None:
        with saving(None) as save:
            audit_types.discard(current_user, row, form.opened_at()[0])
        if save.saved:
            flash("The draft is discarded: the type is as last published", "success")
            return redirect(url_for("audit_types.show", type_id=kind.id))
    db.session.rollback()
    flash("The draft was changed after you opened the page, so it was not discarded. Check it, then try again.",
          "info")
    return redirect(url_for("audit_types.draft", type_id=kind.id))


@bp.route("/<int:type_id>/retire", methods=["GET", "POST"])
@allow(permissions.can_edit_audit_types)
def retire(type_id: int):
    kind = _editable_or_404(type_id)
    form = RetireTypeForm()
    if not form.is_submitted():
        form.open_at(kind.version, audit_types.newest_entry())
    if form_posted(form) and form.opened_at()[0] is None:
        # Only from the page that showed this type (its version): a bare post retires nothing.
        form.form_errors.append("This page was not sent back as it was opened, so nothing has changed. "
                                "Open the page again from its link.")
    elif form_posted(form):
        with saving(form, reload=lambda: (None, _editable_or_404(type_id, reload=True).version)) as save:
            audit_types.retire(current_user, kind, form.opened_at()[0])
        if save.saved:
            flash(f"{kind.name} is retired: no new audit of it can start", "success")
            return redirect(url_for("audit_types.show", type_id=kind.id))
        kind = _editable_or_404(type_id, reload=True)
    return render_template("audit_types/retire.html", kind=kind, form=form)


