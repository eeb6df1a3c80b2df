import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..forms import SignInForm
from ..history import record
from ..people import check_password, user_by_email
from . import form_posted

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form_posted(form):
        user = user_by_email(form.email.data)
        if check_password(user, form.password.data) and user.active:
            # A fresh session on sign-in, so a session id planted beforehand is worthless.
            session.clear()
            login_user(user)
            session["signed_in_at"] = session["last_seen"] = time.time()
            record(user, "Signed in")
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        # One message whether or not the account exists.
        form.email.errors = ["Enter a correct email address and password"]
    return render_template("auth/sign_in.html", form=form)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/keep-alive", methods=["POST"])
@login_required
def keep_alive():
    """"Stay signed in" from the idle warning: the request itself renews the idle time."""
    return "", 204
