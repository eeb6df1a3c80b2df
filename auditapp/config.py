import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the source checkout
PACKAGE = Path(__file__).resolve().parent  # what an installed package carries


def instance_folder() -> Path:
    """Where the embedded database, the generated secret and the queue live (made when first
    needed): AUDITAPP_INSTANCE if set; else `instance/` beside the source, or for an installed
    package, Flask's rule for one: <prefix>/var/auditapp-instance."""
    if os.environ.get("AUDITAPP_INSTANCE"):
        return Path(os.environ["AUDITAPP_INSTANCE"])
    from flask.sansio.scaffold import find_package
    prefix, package_parent = find_package("auditapp")
    return Path(package_parent) / "instance" if prefix is None else Path(prefix) / "var" / "auditapp-instance"


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants a driver name.
        return url.replace("postgres://", "postgresql+psycopg://", 1).replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    return f"sqlite:///{instance_path / 'auditapp.sqlite'}"


class MissingSetting(RuntimeError):
    pass


def _secret_key(instance_path: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        # A shared database means, sooner or later, several machines: each would make its own
        # secret and sign people out whenever the load balancer sent them to another.
        raise MissingSetting("SECRET_KEY must be set when DATABASE_URL is: the same value on every machine "
                             "that serves auditapp (see the README's Configuration section)")
    return _local_secret(instance_path)


def load_config(instance_path: Path) -> dict:
    """Settings from the environment, with defaults that are safe to run locally."""
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "GRADE_DESCRIPTORS_DIR": Path(os.environ.get("GRADE_DESCRIPTORS_DIR", PACKAGE / "grade_descriptors")),
        # Long audit forms must survive a long sitting: CSRF tokens last the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure unless turned off for plain-http development on this machine (`make run` does).
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1") != "0",
        "REMEMBER_COOKIE_DURATION": 0,
        "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
        # Signed out after this long without a request (with a warning first), or this long after sign-in.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 30)),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12)),
        # Failed sign-ins allowed per account and per address in the window before sign-in is refused.
        "SIGN_IN_WINDOW_MINUTES": int(os.environ.get("SIGN_IN_WINDOW_MINUTES", 5)),
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("SIGN_IN_MAX_FAILURES_PER_ACCOUNT", 10)),
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 100)),
        # How many proxies (load balancer, gateway) sit in front, so the client's address is right.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "HSTS_SECONDS": int(os.environ.get("HSTS_SECONDS", 365 * 24 * 60 * 60)),
        # Council single sign-on (OpenID Connect, e.g. Microsoft Entra ID): on when an issuer is set.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        # The claim holding the address people are known by here (Entra ID: preferred_username).
        # Read only at someone's first single sign-on, to find whom to bind the council account to.
        "OIDC_EMAIL_CLAIM": os.environ.get("OIDC_EMAIL_CLAIM", "email"),
        # The claim that names the council account for good (Entra ID: oid); bound at first sign-in.
        "OIDC_SUBJECT_CLAIM": os.environ.get("OIDC_SUBJECT_CLAIM", "sub"),
        # Turn password sign-in off once everyone signs in through single sign-on.
        "PASSWORD_SIGN_IN": os.environ.get("PASSWORD_SIGN_IN", "1") != "0",
        # Email (the Flask-Mail names). With no MAIL_SERVER, messages are written to the log instead.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "0") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        # The mail server's certificate is always checked: against the system's authorities, or
        # this file's (a council's own certificate authority, PEM).
        "MAIL_CA_FILE": os.environ.get("MAIL_CA_FILE", ""),
        # GOV.UK Notify instead of SMTP: an API key and one email template with ((subject)) and ((body)).
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
        "NOTIFY_TEMPLATE_ID": os.environ.get("NOTIFY_TEMPLATE_ID", ""),
        "NOTIFY_BASE_URL": os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        # Monitoring: /metrics for whoever holds this token; errors to Sentry, scrubbed.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        "SENTRY_DSN": os.environ.get("SENTRY_DSN", ""),
        "SENTRY_ENVIRONMENT": os.environ.get("SENTRY_ENVIRONMENT", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "case-audit@council.example.org"),
        # The address people open the service at: links in email point here.
        "SERVICE_URL": os.environ.get("SERVICE_URL", "http://127.0.0.1:5000"),
        # Printed at the top and bottom of every page of every workbook.
        "PROTECTIVE_MARKING": os.environ.get("PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE"),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # The service's own settings, each with the QAF's usual value.
        "SAMPLE_PER_TEAM": int(os.environ.get("SAMPLE_PER_TEAM", 2)),
        "SAMPLE_LOOKBACK_MONTHS": int(os.environ.get("SAMPLE_LOOKBACK_MONTHS", 12)),
        "SAMPLE_EXCLUDE_CLOSED": os.environ.get("SAMPLE_EXCLUDE_CLOSED", "1") == "1",
        # Whose bank holidays are not working days: ENG (England), WLS (Wales), SCT or NIR.
        "BANK_HOLIDAYS_REGION": os.environ.get("BANK_HOLIDAYS_REGION", "ENG").upper(),
        "AUDITOR_DUE_WORKING_DAYS": int(os.environ.get("AUDITOR_DUE_WORKING_DAYS", 10)),
        "MODERATION_DUE_WORKING_DAYS": int(os.environ.get("MODERATION_DUE_WORKING_DAYS", 5)),
        # An action's default due date, in working days, by its priority.
        "ACTION_DUE_IMMEDIATE_DAYS": int(os.environ.get("ACTION_DUE_IMMEDIATE_DAYS", 1)),
        "ACTION_DUE_URGENT_DAYS": int(os.environ.get("ACTION_DUE_URGENT_DAYS", 5)),
        "ACTION_DUE_STANDARD_DAYS": int(os.environ.get("ACTION_DUE_STANDARD_DAYS", 20)),
        # Which auditor contacts the family for feedback: B (the independent manager) or A.
        "FAMILY_CONTACT_BY": (os.environ.get("FAMILY_CONTACT_BY", "B")
                              if os.environ.get("FAMILY_CONTACT_BY") in ("A", "B") else "B"),
        # An audit moderated Inadequate overall is audited again this many months later.
        "REAUDIT_AFTER_MONTHS": int(os.environ.get("REAUDIT_AFTER_MONTHS", 3)),
        # An import with no progress for this long lost its worker, and is started again.
        "IMPORT_STALLED_MINUTES": float(os.environ.get("IMPORT_STALLED_MINUTES", 10)),
        # Remembered figures (remembered.py): shared through Redis when a URL is set (the queue's by
        # default), else through the database; and how much each process keeps in its own memory.
        "REMEMBERED_REDIS_URL": os.environ.get("REMEMBERED_REDIS_URL", os.environ.get("HUEY_REDIS_URL", "")),
        "REMEMBERED_SHARED_MB": int(os.environ.get("REMEMBERED_SHARED_MB", 256)),
        "REMEMBERED_LOCAL_MB": int(os.environ.get("REMEMBERED_LOCAL_MB", 64)),
        "REMEMBERED_LOCKS": os.environ.get("REMEMBERED_LOCKS", ""),
    }


def _local_secret(instance_path: Path) -> str:
    """A per-installation secret kept in instance/, so sessions survive restarts."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
