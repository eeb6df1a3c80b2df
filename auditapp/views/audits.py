from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auditapp import clock, permissions
from auditapp.audits import families, single
from auditapp.audits.concerns import acknowledge_concern, raise_concern
from auditapp.audits.reviewing import DomainEntry, ReviewEntry, check_ready, entry_from_review, save_review
from auditapp.conflicts import history_mark
from auditapp.exports.pack_pdf import pack_pdf
from auditapp.findings import actions, replies, themes
from auditapp.forms.audits import AcknowledgeForm, ConcernForm, ReviewForm, answer_fields, consent_field
from auditapp.forms.widgets import descriptor_hints
from auditapp.framework import descriptors as descriptor_versions
from auditapp.framework.type_content import Question, awaits_consent, percent_met
from auditapp.grading import DOMAINS, GRADE_KEYS, domains_judged, judgements_made
from auditapp.history import audit_history, compact
from auditapp.history import subjects as history_subjects
from auditapp.models.sets import WITHDRAWAL_REASONS, YES_NO_NA
from auditapp.month import reaudits, targeted
from auditapp.outbox import notices
from auditapp.security.access import allow
from auditapp.views import audit_reload, form_posted, posted, posted_any, saving

bp = Blueprint("audits", __name__)


def safe_name(reference: str) -> str:
    """A case reference as a file name's part: letters, digits and hyphens only."""
    return "".join(c if c.isalnum() or c == "-" else "-" for c in reference)


@bp.route("/audits/<int:audit_id>")
@allow(permissions.anyone_signed_in)
def show(audit_id: int):
    return render_template("audits/show.html", **_record(audit_id))


@bp.route("/audits/<int:audit_id>/record.pdf")
@allow(permissions.anyone_signed_in)
def record_pdf(audit_id: int):
    """The audit's page as its reader may see it, printed to A4 by WeasyPrint (history as a compact
    table at the end, or left out with `?history=none`)."""
    context = _record(audit_id)
    html = render_template("audits/show.html", **context, layout="audits/_printed.html", printing=True,
                           compact_history=compact(context["history"], context["subjects"]),
                           with_history=request.args.get("history") != "none",
                           marking=current_app.config["PROTECTIVE_MARKING"])
    reference = context["audit"].case.reference
    return Response(pack_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="audit-record-{safe_name(reference)}.pdf"'})


def _record(audit_id: int) -> dict:
    """What the audit's page shows this reader (blind review kept: only what they may see)."""
    audit = permissions.get_audit(audit_id, current_user)
    visible = [r for r in audit.reviews if permissions.can_see_review(current_user, audit, r.role)]
    history = [e for e in audit_history(audit) if permissions.can_see_event(current_user, audit, e)]
    found = [a for a in actions.on_audit(audit) if permissions.can_see_action(current_user, a, audit)]
    tags = {role: kinds for role, kinds in themes.named_tags(audit).items()
            if permissions.can_see_themes(current_user, audit, role)}
    reaudit_of, reaudit = reaudits.links(audit)
    family = families.shown_to(current_user, audit)
    return dict(audit=audit, reviews=visible, history=history, subjects=history_subjects(history),
                actions=found, tags=tags, reaudit_of=reaudit_of, reaudit=reaudit,
                reply=replies.reply_for(audit), undecided=actions.undecided(audit), family=family,
                family_role=families.contact_role(), today=clock.today(), permissions=permissions,
                domains=domains_judged(audit.cycle.domain_keys),
                questions=(questions := targeted.questions(audit.cycle)), answer_words=answer_words,
                percent_met=percent_met,
                answers=({r.role: targeted.answers_of(r) for r in visible} if questions else {}),
                judgements=judgements_made(audit.cycle.domain_keys), reasons=WITHDRAWAL_REASONS)


@bp.route("/audits/<int:audit_id>/review/<role>", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def review(audit_id: int, role: str):
    audit = permissions.get_own_review(audit_id, current_user, role)
    if not permissions.can_edit_review(current_user, audit, role):
        # Following an old link is fine; posting to a locked audit is refused and changes nothing.
        if request.method == "GET" and review_is_submitted(audit, role):
            flash("This audit is submitted and can no longer be changed", "info")
            return redirect(url_for("audits.show", audit_id=audit.id))
        abort(403)
    form = _review_form(audit)
    saved = audit.review(role)
    if not form.is_submitted():
        _fill_form(form, entry_from_review(saved))
        _fill_answers(form, targeted.questions(audit.cycle), targeted.answers_of(saved))
        form.open_at(_version(audit, role), history_mark(audit))
    changes = None
    if form_posted(form):
        if not posted_any(form):
            flash("Nothing was saved: the form arrived without any answers. Your audit is as you last saved it.",
                  "info")
            return redirect(url_for("audits.review", audit_id=audit.id, role=role))
        entry = _entry_from_form(form, entry_from_review(saved))
        submitting, checking = bool(form.submit.data), bool(form.check.data)
        answers = answers_from(form, targeted.questions(audit.cycle))
        consent = form["consent"].data if "consent" in form else None
        if consent == "refused":
            # Ends the audit at once: nothing typed beside the refusal is stored.
            with saving(form) as refusal:
                single.record_consent(current_user, audit, role, "refused")
            if refusal.saved:
                flash("The family refused consent: the audit has ended, and nothing else was recorded", "success")
                return redirect(url_for("audits.show", audit_id=audit.id))
            return _review_page(audit, role, form, saved, None)
        with saving(form, reload=audit_reload(form, audit_id, lambda a: _version(a, role), role)) as save:
            if "consent" in form:
                single.record_consent(current_user, audit, role, consent)
            if submitting or checking:  # checking saves a draft, but only one ready to submit
                check_ready(audit, entry, answers)
            asked = targeted.questions(audit.cycle)
            # With questions of its own, the answers are saved before the submission, which may end
            # the audit (a single audit is signed off as it is submitted).
            saved = save_review(current_user, audit, role, entry, submit=submitting and not asked,
                                expected_version=form.opened_at()[0])
            if asked:
                targeted.save_answers(current_user, audit, role, saved, answers)
                if submitting:
                    saved = save_review(current_user, audit, role, entry, submit=True, expected_version=saved.version)
        audit, changes = save.reloaded or (audit, changes)
        if save.saved:
            # The URL's audit_id, not audit.id: the commit expired the audit, and reading its id
            # reloaded it with all it was loaded with (4 statements, about 1 ms a draft save).
            if checking:  # saved as a draft; submitting is the check page's one step
                return redirect(url_for("checks.review", audit_id=audit_id, role=role))
            flash("Your audit has been submitted" if submitting else "Your draft has been saved", "success")
            if submitting:
                return redirect(url_for("audits.show", audit_id=audit_id))
            return redirect(url_for("audits.review", audit_id=audit_id, role=role))
    return _review_page(audit, role, form, saved, changes)


def _review_page(audit, role: str, form: ReviewForm, saved, changes):
    return render_template("audits/review.html", audit=audit, role=role, form=form,
                           domains=domains_judged(audit.cycle.domain_keys),
                           descriptors=descriptor_versions.graded_against(saved.descriptor_version if saved else None)
                           .descriptors, descriptor_hints=descriptor_hints, changes=changes,
                           questions=targeted.questions(audit.cycle),
                           family_task=families.contact_role() == role and not audit.cycle.is_single)


def _review_form(audit) -> ReviewForm:
    """The audit form, with the audit type's own questions after the domains, each by its kind, and
    first the family's consent where the type asks it before anything else."""
    questions = targeted.questions(audit.cycle)
    fields = answer_fields(questions)
    if awaits_consent(audit):
        fields["consent"] = consent_field()
    if not fields:
        return ReviewForm(obj=None)
    return type("TargetedReviewForm", (ReviewForm,), fields)(obj=None)


def _fill_answers(form: ReviewForm, questions: tuple[Question, ...], answers: dict[int, str]) -> None:
    for q in questions:
        answer = answers.get(q.number, "")
        if q.kind == "date":
            year, _, rest = answer.partition("-")
            month, _, day = rest.partition("-")
            for part, value in (("day", day), ("month", month), ("year", year)):
                form[f"extra_{q.number}_{part}"].data = value.lstrip("0") if part != "year" else value
        else:
            form[f"extra_{q.number}"].data = answer


def answers_from(form: ReviewForm, questions: tuple[Question, ...]) -> dict[int, str]:
    """The typed answers by question number; a date's three boxes as an ISO date ("not a date" when
    they make none, so the rule names the question)."""
    found = {}
    for q in questions:
        if q.kind != "date":
            found[q.number] = form[f"extra_{q.number}"].data or ""
            continue
        parts = [(form[f"extra_{q.number}_{part}"].data or "").strip() for part in ("day", "month", "year")]
        if not any(parts):
            found[q.number] = ""
            continue
        try:
            found[q.number] = date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
        except ValueError:
            found[q.number] = "not a date"
    return found


def answer_words(question: Question, answer: str | None) -> str:
    """An answer as people read it: a grade's or a choice's label, a date in words."""
    if not answer:
        return ""
    if question.kind == "grade":
        return GRADE_KEYS[answer].label if answer in GRADE_KEYS else answer
    if question.kind == "yes no":
        return YES_NO_NA.get(answer, answer)
    if question.kind == "date":
        try:
            return date.fromisoformat(answer).strftime("%-d %B %Y")
        except ValueError:
            return answer
    return answer


def _version(audit, role: str) -> int:
    saved = audit.review(role)
    return saved.version if saved else 0


def review_is_submitted(audit, role) -> bool:
    review = audit.review(role)
    return bool(review and review.submitted_at)


def _fill_form(form: ReviewForm, entry: ReviewEntry) -> None:
    for key, domain in entry.domains.items():
        form[f"{key}_grade"].data = str(domain.grade) if domain.grade else None
        form[f"{key}_evidence"].data = domain.evidence
        form[f"{key}_impact"].data = domain.impact
    form.overall_grade.data = str(entry.overall_grade) if entry.overall_grade else None
    form.working_well.data = entry.working_well
    form.needs_to_change.data = entry.needs_to_change
    form.safeguarding_concern.data = entry.safeguarding_concern
    form.safeguarding_details.data = entry.safeguarding_details


def _grade(value) -> int | None:
    return int(value) if value else None


def _entry_from_form(form: ReviewForm, saved: ReviewEntry) -> ReviewEntry:
    """The saved entry with each posted answer over it: a field missing from the post keeps its value."""

    def value(name: str, before, convert=lambda v: v or ""):
        return convert(form[name].data) if posted(form[name]) else before

    entry = ReviewEntry(
        overall_grade=value("overall_grade", saved.overall_grade, _grade),
        working_well=value("working_well", saved.working_well),
        needs_to_change=value("needs_to_change", saved.needs_to_change),
        safeguarding_concern=value("safeguarding_concern", saved.safeguarding_concern, lambda v: v or None),
        safeguarding_details=value("safeguarding_details", saved.safeguarding_details),
    )
    for key in DOMAINS:
        before = saved.domains[key]
        entry.domains[key] = DomainEntry(
            value(f"{key}_grade", before.grade, _grade),
            value(f"{key}_evidence", before.evidence),
            value(f"{key}_impact", before.impact),
        )
    return entry


@bp.route("/audits/<int:audit_id>/concerns/new", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def new_concern(audit_id: int):
    audit = permissions.get_audit(audit_id, current_user)
    permissions.require(permissions.can_raise_concern(current_user, audit))
    form = ConcernForm()
    if form_posted(form):
        with saving(form) as save:
            raise_concern(current_user, audit, form.details.data or "")
        if save.saved:
            told = notices.concern_recipients(audit, clock.today())
            flash("The concern has been raised and these people have been emailed and can see it now: "
                  + ", ".join(f"{person.name} ({_concern_role(person, audit)})" for person in told), "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("audits/concern.html", audit=audit, form=form)


def _concern_role(person, audit) -> str:
    if person.id == audit.auditor_a_id:
        return "the case-responsible manager"
    if person.id == audit.moderator_id:
        return "the moderator"
    if person.is_qa_lead:
        return "QA lead"
    return "line manager of someone away today"


@bp.route("/concerns/<int:concern_id>/acknowledge", methods=["GET", "POST"])
@allow(permissions.anyone_signed_in)
def acknowledge(concern_id: int):
    concern, audit = permissions.get_concern(concern_id, current_user)
    permissions.require(permissions.can_acknowledge_concern(current_user, audit))
    form = AcknowledgeForm()
    if form_posted(form):
        with saving(form) as save:
            acknowledge_concern(current_user, concern, form.response.data or "")
        if save.saved:
            flash("The response to the concern has been recorded", "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("audits/acknowledge.html", audit=audit, concern=concern, form=form)
