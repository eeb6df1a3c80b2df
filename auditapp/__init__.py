"""auditapp: the monthly case audit, blind double review and moderation for children's services."""

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from auditapp import cli, clock, error_reports, errors, jobs, logs, permissions, reads, transactions
from auditapp.audits import families
from auditapp.config import PACKAGE, instance_folder, load_config
from auditapp.extensions import csrf, db, login_manager, migrate
from auditapp.framework import descriptors as descriptor_versions
from auditapp.grading import GRADE_PALETTE, descriptors_version, grade_label, load_descriptors
from auditapp.models.states import STATUS_COLOURS
from auditapp.months import month_label, month_start
from auditapp.reports.worklists import overdue_text
from auditapp.rounding import kappa_text, percent_text
from auditapp.security import access, headers, single_sign_on, stash
from auditapp.views import error_summary_items
from auditapp.views.blueprints import BLUEPRINTS


def create_app(overrides: dict | None = None) -> Flask:
    logs.configure()
    app = Flask(__name__, instance_path=str(instance_folder()), static_folder="static/build",
                static_url_path="/static")
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(overrides or {})

    # Loaded once at start-up: a broken descriptor file stops the service rather than an audit.
    descriptors = load_descriptors(Path(app.config["GRADE_DESCRIPTORS_DIR"]))
    app.config["DESCRIPTORS"] = descriptors
    # The files' version: version 1 of the descriptors. What an audit grades against now is
    # framework.descriptors.current(), which the QA lead's published versions move on.
    app.config["DESCRIPTOR_VERSION"] = descriptors_version(descriptors)

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(PACKAGE / "templates"),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["error_summary_items"] = error_summary_items
    # Stored moments are UTC; people read them in UK time.
    app.jinja_env.filters["uk"] = clock.uk_format
    app.jinja_env.filters["day_text"] = clock.day_text
    app.jinja_env.filters["grade_label"] = grade_label
    app.jinja_env.filters["percent_text"] = percent_text
    app.jinja_env.filters["kappa_text"] = kappa_text
    app.jinja_env.filters["month_name"] = month_label  # "November 2026": YYYY-MM stays in URLs and files
    app.jinja_env.filters["descriptors_published"] = descriptor_versions.published_text
    app.jinja_env.filters["overdue_text"] = overdue_text  # "3 overdue: 2 from November 2026, 1 from October 2026"
    app.jinja_env.filters["month_short"] = lambda month: month_start(month).strftime("%b %y")
    # Templates ask permissions, never role flags, so a page cannot offer what a rule refuses.
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["family_labels"] = families.LABELS
    app.jinja_env.globals["status_colours"] = STATUS_COLOURS
    app.jinja_env.globals["grade_tags"] = {int(g): colours["tag"] for g, colours in GRADE_PALETTE.items()}

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    access.init_app(app)
    reads.init_app(app)
    jobs.init_app(app)
    stash.init_app(app)
    single_sign_on.init_app(app)
    transactions.init_app(app)
    logs.init_app(app)
    error_reports.init_app(app)

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.register(app)
    cli.register(app)
    return app
