from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from auditapp import permissions
from auditapp.extensions import db
from auditapp.forms.people import SignInForm
from auditapp.models.sets import PASSWORD, SINGLE_SIGN_ON
from auditapp.security import sessions, single_sign_on
from auditapp.security.access import allow, public
from auditapp.security.signing_in import password_sign_in, signed_in, signed_out
from auditapp.security.stash import ENDED
from auditapp.views import form_posted

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    passwords = current_app.config["PASSWORD_SIGN_IN"]
    if passwords and form_posted(form):
        user, refused = password_sign_in(form.email.data or "", form.password.data or "")
        if user is not None:
            return _start_session(user, PASSWORD)
        db.session.commit()  # the failed attempt counts towards the limits
        # One message whether or not the account exists.
        form.email.errors = [refused or ""]
    return render_template("auth/sign_in.html", form=form, passwords=passwords,
                           single_sign_on=single_sign_on.enabled())


@bp.route("/sign-in/council")
@public
def council_sign_in():
    if not single_sign_on.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    session["next"] = _safe_next(request.args.get("next"))
    return single_sign_on.start(url_for("auth.council_callback", _external=True))


@bp.route("/sign-in/council/callback")
@public
def council_callback():
    if not single_sign_on.enabled():
        abort(404)
    try:
        user = single_sign_on.finish()
    except single_sign_on.NotSignedIn as refused:
        db.session.commit()  # the refusal is in the activity log
        return render_template("auth/sign_in.html", form=SignInForm(), passwords=current_app.config["PASSWORD_SIGN_IN"],
                               single_sign_on=True, refused=str(refused)), 403
    return _start_session(user, SINGLE_SIGN_ON)


def _start_session(user, method: str):
    target = _safe_next(request.args.get("next") or session.get("next"))
    # A fresh session on sign-in, so a session id planted beforehand is worthless.
    session.clear()
    session["sid"] = signed_in(user, method)
    login_user(user)
    db.session.commit()
    return redirect(target)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this service. No scheme or host, exactly one
    leading slash, and no control character (a browser drops a tab or newline, so `/\t/evil`
    becomes `//evil`, and a newline in a header is refused by the server)."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
            and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/sign-out", methods=["POST"])
@allow(permissions.anyone_signed_in)
def sign_out():
    token = session.get("sid")
    signed_out(current_user, token)
    db.session.commit()
    logout_user()
    session.clear()
    # The ended session's token stays, so another tab's form sent after this is still kept
    # (stash.py keeps forms only for a browser whose own session has just ended).
    session[ENDED] = token
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/keep-alive", methods=["POST"])
@allow(permissions.anyone_signed_in)
def keep_alive():
    """"Stay signed in" from the idle warning."""
    sessions.touch(session.get("sid"))
    return "", 204
