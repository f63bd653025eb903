"""Settings shared by every environment, read from the environment with safe defaults.

dev.py (the embedded default: SQLite and a file-system Celery broker), test.py and prod.py
build on this module.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("FRAUDOPS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The reverse proxies in front of the app (addresses or CIDRs, comma-separated). Only a
# request whose direct peer is one of them has its X-Forwarded-For / X-Forwarded-Proto
# believed; empty (the default): no proxy, both headers ignored. docs/deployment.md.
FRAUDOPS_TRUSTED_PROXIES = env_list("FRAUDOPS_TRUSTED_PROXIES", "")
for _proxy in FRAUDOPS_TRUSTED_PROXIES:  # a typo stops the start, not every request
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"FRAUDOPS_TRUSTED_PROXIES: {_proxy!r} is not an address or a CIDR."
        ) from _exc

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "fraudops.core",
    "clocks",
    "workflows",
    "incidents",
    "notifications",
    "comments",
    "controls",
    "watchlist",
    "complaints",
    "axes",
]

MIDDLEWARE = [
    # First: drops X-Forwarded-* unless the peer is a trusted proxy (FRAUDOPS_TRUSTED_PROXIES).
    "fraudops.core.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed-in sessions: idle and absolute timeouts, and no caching of what they see
    # (docs/login-protection.md).
    "fraudops.core.sessions.SessionTimeoutMiddleware",
    "fraudops.core.sessions.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the login page with a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fraudops.urls"
WSGI_APPLICATION = "fraudops.wsgi.application"

# The main navigation (fraudops.core.nav; the `chrome` tag library's {% main_nav %}): a new
# app adds its page here. `visible` names a function of the Actor deciding who sees the link.
FRAUDOPS_NAV = [
    {"label": _("My work"), "url": "home", "active": ("/",)},
    {
        "label": _("Incidents"),
        "url": "incident_list",
        "active": ("/incidents/", "!/incidents/new/"),
    },
    {
        "label": _("File an incident"),
        "url": "incident_file_start",
        "active": ("/incidents/new/",),
        "visible": "incidents.permissions.may_file",
    },
    {"label": _("Watch list"), "href": "/watchlist/", "active": ("/watchlist/",)},
    {"label": _("Account control"), "href": "/controls/", "active": ("/controls/",)},
    {"label": _("Complaints"), "href": "/complaints/", "active": ("/complaints/",)},
    {"label": _("Timeliness"), "url": "workflows:timeliness", "active": ("/timeliness/",)},
    {
        "label": _("Incident types"),
        "url": "incident_type_list",
        "active": ("/incident-types/",),
        "visible": "workflows.permissions.may_configure_types",
    },
]
# A deadline shows amber ("soon") when less than this many minutes remain (fraudops.core.formats).
FRAUDOPS_DEADLINE_SOON_MINUTES = 10
# Live pages (docs/live-updates.md): an open incident page or queue asks its change marker
# this often, and reloads its content only when the marker moved.
FRAUDOPS_LIVE_POLL_MS = 1000
# The header's unread count (static/js/unread.js): asked this often on every page, ten times
# slower while the tab is hidden; an unchanged answer is one indexed query and a 304.
NOTIFICATIONS_UNREAD_POLL_MS = int(os.environ.get("NOTIFICATIONS_UNREAD_POLL_MS", "5000"))
# "Request a reversal now" is offered on the incident page while the remittance may still be
# caught: this many minutes after the incident occurred (seed case 1: wired at 13:50, noticed
# at 14:30, reversed within minutes; "a minute later and the money could have been moved").
FRAUDOPS_REVERSAL_RECENT_MINUTES = 120

# `manage.py seed_demo`: each app that has demo data names its builder here, in dependency
# order (the project's settings sit above every app, so core's command imports none).
FRAUDOPS_DEMO_BUILDERS = [
    "incidents.demo_incidents.demo_incidents_build",
    "controls.demo.demo_controls_build",
    "watchlist.demo.demo_watchlist_build",
    "complaints.demo.demo_complaints_build",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fraudops.core.context_processors.fraudops",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fraudops.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite serialises writers; wait for the lock instead of failing at once, and use
    # IMMEDIATE transactions so two writers never deadlock on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# django-axes first: it refuses a locked-out username + address before any password is
# checked (docs/login-protection.md). API tokens are not passwords and never pass here.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fraudops.core.backends.UnitModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked for LOGIN_LOCKOUT_MINUTES (each further try while
# locked restarts the wait); a correct password before the limit clears the count. An
# administrator lifts a lock early with the audited unlock (admin action or
# `manage.py login_unlock`).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fraudops.core.actors.client_ip"
AXES_LOCKOUT_CALLABLE = "fraudops.core.lockout.lockout_response"
# Logins are recorded in the audit trail; axes' own per-login table would only grow.
AXES_DISABLE_ACCESS_LOG = True
# Attempts are shown (read-only) and unlocked through the project's audited admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Sessions: signed out after SESSION_IDLE_MINUTES without activity (background polls do not
# count) and SESSION_MAX_HOURS after signing in, whatever the activity; the cookie ends with
# the browser unless SESSION_EXPIRE_AT_BROWSER_CLOSE=0 (fraudops.core.sessions).
FRAUDOPS_SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
FRAUDOPS_SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = int(FRAUDOPS_SESSION_MAX_HOURS * 3600) or 14 * 24 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
os.makedirs(STATIC_ROOT, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Evidence uploads: what a teller may attach (photos of a fake card, police receipts, scans).
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_CONTENT_TYPES = {
    "application/pdf": [".pdf"],
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "text/plain": [".txt"],
    "text/csv": [".csv"],
}
FILE_UPLOAD_MAX_MEMORY_SIZE = EVIDENCE_MAX_BYTES
# A file in the evidence storage that no evidence row points at, older than this, was left
# by a write that never committed (a crash between storing the file and the commit): the
# hourly sweep deletes it. Longer than any write holds a stored file before committing.
EVIDENCE_ORPHAN_MINUTES = int(os.environ.get("EVIDENCE_ORPHAN_MINUTES", "60"))
# How long after posting its author may edit or retract a comment (docs/comments.md).
FRAUDOPS_COMMENT_EDIT_MINUTES = int(os.environ.get("FRAUDOPS_COMMENT_EDIT_MINUTES", "15"))

# Account control (controls app): approval clocks and the four-eyes threshold (SPEC §4).
CONTROLS_APPROVAL_MINUTES = int(os.environ.get("CONTROLS_APPROVAL_MINUTES", "10"))
CONTROLS_REVERSAL_MINUTES = int(os.environ.get("CONTROLS_REVERSAL_MINUTES", "5"))
CONTROLS_ACKNOWLEDGE_MINUTES = int(os.environ.get("CONTROLS_ACKNOWLEDGE_MINUTES", "15"))
# Above this amount (yuan) a hold needs a second, different approver.
CONTROLS_SECOND_APPROVAL_ABOVE = int(os.environ.get("CONTROLS_SECOND_APPROVAL_ABOVE", "500000"))
CONTROLS_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("CONTROLS_WEBHOOK_TIMEOUT_SECONDS", "5"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fraudops.core.api.authentication.ApiClientAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fraudops.core.api.permissions.IsActor"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "fraudops.core.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "fraudops.core.api.errors.exception_handler",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FraudOps API",
    "DESCRIPTION": (
        "Case management for a bank's fraud operations. Every write accepts an "
        "`Idempotency-Key` header. Errors share one shape: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI (/api/docs/) and ReDoc (/api/redoc/) from this server's static files (the
    # drf-spectacular-sidecar package), never from a CDN: an intranet has no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "fraudops.core.choices.Level",
        "RoleEnum": "fraudops.core.choices.Role",
        "IncidentStateEnum": "incidents.choices.IncidentState",
        "PartyRoleEnum": "incidents.choices.PartyRole",
        "AccountRoleEnum": "incidents.choices.AccountRole",
        "AccountKindEnum": "incidents.choices.AccountKind",
        "VehicleKindEnum": "incidents.choices.VehicleKind",
        "IdTypeEnum": "incidents.choices.IdType",
        "StaffRoleEnum": "incidents.choices.StaffRole",
        "ChannelEnum": "incidents.choices.Channel",
        "FraudScriptEnum": "incidents.choices.FraudScript",
        "IncidentOutcomeEnum": "incidents.choices.Outcome",
        "LedgerEntryKindEnum": "incidents.choices.LedgerKind",
        "LedgerEntrySourceEnum": "incidents.choices.LedgerSource",
        "TaskStatusEnum": "incidents.choices.TaskStatus",
        "WatchlistEntryKindEnum": "watchlist.choices.EntryKind",
        "WatchlistEntryStatusEnum": "watchlist.choices.EntryStatus",
        "WatchlistNominationStatusEnum": "watchlist.choices.NominationStatus",
        "ControlKindEnum": "controls.choices.ControlKind",
        "ControlHoldKindEnum": "controls.choices.HOLD_KIND_CHOICES",
        "ControlStateEnum": "controls.choices.ControlState",
        "ControlAssistanceStateEnum": "controls.choices.AssistanceState",
        "FreezeInstructionStatusEnum": "controls.choices.InstructionStatus",
        "FreezeInstructionDeliveryEnum": "controls.choices.DeliveryChannel",
        "ControlImmediateReviewEnum": "controls.choices.ImmediateReview",
        "ComplaintSourceEnum": "complaints.choices.ComplaintSource",
        "ComplaintStateEnum": "complaints.choices.ComplaintState",
        "ComplaintOutcomeEnum": "complaints.choices.ComplaintOutcome",
        "ComplaintReplyChannelEnum": "complaints.choices.ReplyChannel",
        "ComplaintReviewConclusionEnum": "complaints.choices.ReviewConclusion",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise an embedded file-system broker so that
# `make run` needs no external service.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # max_retries=0: when Redis is down, a publish after commit fails at once (the periodic
    # relay and sweep catch up) instead of holding the request for seconds of retries.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600, "max_retries": 0}
else:
    # The host part is ignored by the file-system transport; naming it spares kombu's
    # "No hostname was supplied" warning on every start.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
    # The embedded broker's folders must exist before a worker or a producer touches them.
    for _folder in ("queue", "control", "processed"):
        os.makedirs(CELERY_BROKER_DIR / _folder, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = "UTC"
# Clock sweeps run on their own queue so that a backlog of notifications never delays a
# deadline; a worker started without -Q consumes every queue listed here.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("clocks"))
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"clocks.tasks.clocks_sweep": {"queue": "clocks"}}
CLOCK_SWEEP_SECONDS = float(os.environ.get("CLOCK_SWEEP_SECONDS", "5"))
NOTIFICATIONS_DIGEST_HOUR_UTC = int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR_UTC", "0"))
CELERY_BEAT_SCHEDULE: dict = {
    # Safety net for side effects whose after-commit kick was lost (broker down, crash).
    "outbox-relay": {"task": "fraudops.core.tasks.outbox_relay", "schedule": 10.0},
    # Escalations: every few seconds; a sweep not started in time expires (the next one
    # does its work), so a stopped worker does not come back to a pile of sweeps.
    "clocks-sweep": {
        "task": "clocks.tasks.clocks_sweep",
        "schedule": CLOCK_SWEEP_SECONDS,
        "options": {"expires": CLOCK_SWEEP_SECONDS * 2},
    },
    # Watch list: entries past their last day become expired (screening already ignores
    # them from that day on; this updates status, keys and the change feed).
    "watchlist-sweep": {"task": "watchlist.tasks.watchlist_sweep", "schedule": 3600.0},
    # Evidence files left in storage by writes that never committed (incidents.tasks).
    "evidence-orphans-sweep": {
        "task": "incidents.tasks.evidence_orphans_sweep",
        "schedule": 3600.0,
        "options": {"expires": 1800.0},
    },
    # Idempotency-Keys past their keeping time (48 h).
    "idempotency-purge": {"task": "fraudops.core.tasks.idempotency_purge", "schedule": 3600.0},
    # The daily digest of non-urgent notifications, for those who chose it
    # (notifications.tasks; NOTIFICATIONS_DIGEST_HOUR_UTC, default 00:30 UTC = 08:30 Beijing).
    "notifications-digest": {
        "task": "notifications.tasks.notifications_digest",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR_UTC, minute=30),
        "options": {"expires": 3600.0},
    },
}

# Clocks (clocks.services): the grace period before a late clock goes to the level above,
# and again before head office; head office overrides it per kind, type and step in the
# admin (escalation policies).
CLOCK_GRACE_MINUTES = int(os.environ.get("CLOCK_GRACE_MINUTES", "15"))
CLOCK_GRACE_MINUTES_BY_KIND: dict[str, int] = {}
# Watch-list screening: the time one screening request may take before it answers
# "review" instead of waiting (a PostgreSQL statement_timeout and a deadline).
WATCHLIST_SCREENING_BUDGET_MS = int(os.environ.get("WATCHLIST_SCREENING_BUDGET_MS", "500"))
# Its lookup is a prepared statement per database connection; switch off behind a
# transaction-pooling proxy (PgBouncer in transaction mode).
WATCHLIST_SCREENING_PREPARED = env_bool("WATCHLIST_SCREENING_PREPARED", True)
# Absolute links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fraudops@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Once, through the root's console: Django's own "django" console handler (DEBUG only)
        # would print every warning and error a second time.
        "django": {"handlers": ["console"], "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login's attempt reset at INFO; lockouts are WARNING.
        "axes": {"level": os.environ.get("AXES_LOG_LEVEL", "WARNING")},
        # One line per request by default; `make run` asks for WARNING (4xx and 5xx only).
        "django.server": {
            "handlers": ["django.server"],
            "level": os.environ.get("DJANGO_SERVER_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
