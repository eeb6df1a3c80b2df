"""GOV.UK Frontend's fonts-free assets, served by the app itself: no CDN on a closed council network.
They are copied into the package when it is built (`make setup`), so nothing needs Node.js at run time."""

from flask import Blueprint, send_from_directory

from auditapp.config import PACKAGE
from auditapp.security.access import public

bp = Blueprint("assets", __name__)
FRONTEND = PACKAGE / "static" / "build" / "govuk"


@bp.route("/assets/<path:filename>")
@public
def asset(filename: str):
    return send_from_directory(FRONTEND / "assets", filename, max_age=3600)


@bp.route("/assets/js/govuk-frontend.min.js")
@public
def frontend_js():
    return send_from_directory(FRONTEND, "govuk-frontend.min.js", max_age=3600)


@bp.route("/assets/js/app.js")
@public
def app_js():
    return send_from_directory(PACKAGE / "assets", "app.js", max_age=3600,
                               mimetype="text/javascript")
