"""The one settings module, driven by environment variables.

With nothing set it runs embedded: SQLite and files on local disk under ``var/``, Celery tasks run in
process. Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis) and S3_BUCKET.
Every variable is listed, with its default, in the README.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")
DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        # No production default, on purpose: a guessable key would let anyone forge sessions and
        # invitation links. Fail at start-up instead.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for local use."
        )
    # Local development only: a random key kept under var/ so sessions survive a restart.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "portfolio.core",
    "portfolio.standards",
    "portfolio.people",
    "portfolio.audit",
    "portfolio.evidence",
    "portfolio.reviews",
    "portfolio.otj",
    "portfolio.coverage",
    "portfolio.gateway",
    "portfolio.notify",
    "portfolio.webhooks",
    "portfolio.mail",
    "portfolio.idempotency",
    "portfolio.exports",
    "portfolio.handover",
    "portfolio.suggestions",
    "portfolio.progress",
    # The Celery app and its tasks (loaded here so no domain module imports the task layer).
    "workers.apps.WorkersConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The client address and user agent of each request, for the audit log (portfolio/core/request_context.py).
    "portfolio.core.request_context.request_context_middleware",
    # /api/: a path or query string with control characters answers in the API's error shape (api/errors.py).
    "api.errors.api_error_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: pages answer a partial to htmx's requests and the whole page otherwise.
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portfolio.urls"
WSGI_APPLICATION = "portfolio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portfolio.core.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portfolio.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite is the embedded default: WAL lets the page server read while a task writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # PostgreSQL plans a query each time it is sent as text: 1-3 ms for the cohort's or a page's larger reads. With
    # the parameters bound by the server, psycopg prepares a query once a connection has sent it
    # `prepare_threshold` times and then only executes it. A pooler in transaction mode without prepared-statement
    # support (PgBouncer before 1.21) needs DATABASE_PREPARED_STATEMENTS=0 (README, production advice).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env_int("DATABASE_PREPARE_THRESHOLD", 2)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the embedded default) cannot treat NULLs as equal in a unique constraint (an AO code within core,
# where option is NULL). PostgreSQL enforces it; everywhere, the plan reader refuses duplicate AO codes first.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# --- Auth, i18n -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
# Sign-in goes through portfolio.people.services.signin (lockout first); this backend refuses locked
# accounts too, so no other path (admin login, a future form) can skip the count.
AUTHENTICATION_BACKENDS = ["portfolio.people.backends.LockoutAwareBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # each person's start page: what to do next
LOGOUT_REDIRECT_URL = "login"
# Django's database sessions, the read every signed-in request makes compiled once (portfolio/core/sessions.py).
SESSION_ENGINE = "portfolio.core.sessions"
SIGNIN_MAX_FAILURES_PER_ACCOUNT = env_int("SIGNIN_MAX_FAILURES_PER_ACCOUNT", 5)
SIGNIN_MAX_FAILURES_PER_IP = env_int("SIGNIN_MAX_FAILURES_PER_IP", 50)
SIGNIN_LOCKOUT_MINUTES = env_int("SIGNIN_LOCKOUT_MINUTES", 15)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
INVITATION_EXPIRY_DAYS = env_int("INVITATION_EXPIRY_DAYS", 7)
# Base of every link in an email (invitations, notifications), whoever sends it: a request, a task or a command.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: served by the app itself (whitenoise), never from a CDN ------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "portfolio" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Evidence file storage (portfolio/storage.py is the one module that uses these) ---------------------
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL") or None
S3_PUBLIC_ENDPOINT_URL = env_str("S3_PUBLIC_ENDPOINT_URL") or None
S3_REGION = env_str("S3_REGION", "eu-west-2")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID") or None
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY") or None
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")
if S3_ADDRESSING_STYLE not in {"path", "virtual", "auto"}:
    raise ImproperlyConfigured(f"S3_ADDRESSING_STYLE={S3_ADDRESSING_STYLE!r}: use path, virtual or auto.")
LOCAL_STORAGE_ROOT = Path(env_str("LOCAL_STORAGE_ROOT") or VAR_DIR / "files")

# --- Evidence files: limits, link lifetimes, accepted types, virus scanning -----------------------------
EVIDENCE_MAX_FILE_SIZE = env_int("EVIDENCE_MAX_FILE_SIZE", 250 * 1024 * 1024)
# Files per evidence item, and bytes per apprentice (declared sizes of every file not rejected), so one
# account cannot fill the bucket.
EVIDENCE_MAX_FILES_PER_ITEM = env_int("EVIDENCE_MAX_FILES_PER_ITEM", 20)
EVIDENCE_MAX_BYTES_PER_APPRENTICE = env_int("EVIDENCE_MAX_BYTES_PER_APPRENTICE", 5 * 1024 * 1024 * 1024)
# Upload and download links are short-lived: a leaked link stops working within minutes.
EVIDENCE_UPLOAD_EXPIRY_SECONDS = env_int("EVIDENCE_UPLOAD_EXPIRY_SECONDS", 900)
EVIDENCE_DOWNLOAD_EXPIRY_SECONDS = env_int("EVIDENCE_DOWNLOAD_EXPIRY_SECONDS", 300)
# Portfolio exports: how long a finished ZIP is kept, and after how long a build that never finished fails.
EXPORT_EXPIRY_DAYS = env_int("EXPORT_EXPIRY_DAYS", 7)
EXPORT_BUILD_HOURS = env_int("EXPORT_BUILD_HOURS", 6)
# How long an assessment organisation's access to a portfolio lasts unless the grant says otherwise.
HANDOVER_GRANT_DAYS = env_int("HANDOVER_GRANT_DAYS", 90)
# MIME types accepted after sniffing the content; the default is every document, image, audio and video
# type in portfolio/evidence/file_types.py (no archives, executables, scripts or web pages).
EVIDENCE_ALLOWED_TYPES = env_list("EVIDENCE_ALLOWED_TYPES", [])
# clamd's address (unix:///run/clamav/clamd.ctl or tcp://host:3310); unset means no virus scan.
CLAMAV_ADDRESS = env_str("CLAMAV_ADDRESS") or None
# Text read from verified documents (PDF, Word, plain text) for statement suggestions: files larger than
# this are not read, and at most this many characters are kept per file.
EVIDENCE_TEXT_MAX_FILE_SIZE = env_int("EVIDENCE_TEXT_MAX_FILE_SIZE", 20 * 1024 * 1024)
EVIDENCE_TEXT_MAX_CHARS = env_int("EVIDENCE_TEXT_MAX_CHARS", 20_000)

# --- Statement suggestions (portfolio/suggestions/) -------------------------------------------------------
# Threads ONNX Runtime may use for one embedding; 1 suits a process that serves one request per thread.
SUGGESTIONS_THREADS = env_int("SUGGESTIONS_THREADS", 1)

# --- Celery ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL or None
# Without a broker the embedded default runs every task in process, at the point it is sent.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up closes the worker's database connections before and after every task unless this is set,
# and then only every this many tasks: a new PostgreSQL connection per task cost a coverage recompute ~16 ms of
# PostgreSQL CPU (a fresh backend reads its catalogue again) and each task ~1.5 ms in the worker. The worker
# closes them as Django does around a request instead: older than CONN_MAX_AGE, or unusable (workers/celery.py).
CELERY_DB_REUSE_MAX = 10_000
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (run `celery -A workers beat`): each entry recovers what a lost message left undone.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Every mail is owed in the outbox first (portfolio/mail); this sends what is due and still owed.
    "send-owed-mail": {"task": "mail.send_owed", "schedule": float(env_int("MAIL_SEND_OWED_SECONDS", 60))},
    "purge-expired-idempotency-keys": {"task": "idempotency.purge_expired", "schedule": 3600.0},
    "sweep-evidence-files": {"task": "evidence.sweep_files", "schedule": 300.0},
    # Coverage marked dirty whose recompute message was lost (broker down, worker died) is computed here.
    "recompute-dirty-coverage": {
        "task": "coverage.recompute_dirty",
        "schedule": float(env_int("COVERAGE_RECONCILE_SECONDS", 30)),
    },
    "send-owed-webhook-deliveries": {"task": "webhooks.deliver_owed", "schedule": 60.0},
    # The gates that turn with the date alone (practical period, expected OTJ, last month's activity): each night.
    "refresh-time-dependent-gates": {
        "task": "coverage.refresh_daily",
        "schedule": crontab(hour=env_int("COVERAGE_DAILY_HOUR", 0), minute=15),
    },
    "expire-portfolio-exports": {"task": "exports.expire", "schedule": 3600.0},
    # Progress reviews: reminders before meetings, for missing signatures and overdue reviews (each sent once), and
    # any signed review's PDF a lost task left unmade.
    "send-progress-review-reminders": {
        "task": "progress.send_reminders",
        "schedule": float(env_int("PROGRESS_REMINDERS_SECONDS", 900)),
    },
    "build-owed-progress-review-pdfs": {"task": "progress.build_owed_pdfs", "schedule": 600.0},
}
# Coverage: a change is recomputed at once; further changes to the same apprenticeship within two of these windows
# share trailing recomputes, the first a window later, each next one twice as late, up to the longest wait
# (see portfolio/coverage/services/enqueue.py).
COVERAGE_COALESCE_MS = env_int("COVERAGE_COALESCE_MS", 200)
COVERAGE_COALESCE_MAX_MS = env_int("COVERAGE_COALESCE_MAX_MS", 2000)
# PostgreSQL work_mem for the coverage recompute's transaction (its hash joins and aggregates).
COVERAGE_WORK_MEM = env_str("COVERAGE_WORK_MEM", "256MB")
# Webhooks: each delivery is retried with exponential backoff from this base, for this long, then given up.
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_FOR_SECONDS = env_int("WEBHOOK_RETRY_FOR_SECONDS", 86400)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Off: webhooks go to public addresses only (no calls into the server's own network).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portfolio@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: one file per message in this directory.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
# Seconds an SMTP conversation may take: the outbox row stays locked while it runs.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# The outbox (portfolio/mail): a failed send is tried again after MAIL_RETRY_BASE_SECONDS, doubling each time up
# to MAIL_RETRY_MAX_SECONDS, and given up (logged, kept on the row) after MAIL_MAX_ATTEMPTS attempts.
MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 30)
MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 3600)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 12)
# The API's Idempotency-Key: an answer is kept, per user and key, for this many hours.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)

# --- REST framework -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with `WWW-Authenticate: Token`, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint needs a signed-in user unless it says otherwise.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Documents the error responses (400, 401, 403, 404, 409, 415, 429) of every operation: api/schema.py.
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # DRF's parsers, refusing control characters in any field of any body (api/text.py).
    # JSON only: the interactive reference is /api/docs/. (DRF's browsable API builds forms and filters from
    # `get_queryset()`, which our views do not have: it answered 500 to a browser's Accept header.)
    # OPTIONS describes the fields without DRF's `get_object()` (our views use scoped selectors): api/metadata.py.
    "DEFAULT_METADATA_CLASS": "api.metadata.Metadata",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "api.parsers.FormParser", "api.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Apprentice evidence portfolio API",
    "DESCRIPTION": "Evidence, sign-off and readiness for assessment, per Assessment Outcome.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The interactive reference is served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "portfolio.people.models.organisations.Membership.Role",
        "InvitationRoleEnum": "portfolio.people.models.invitations.Invitation.ROLE_CHOICES",
        "StatementKindEnum": "portfolio.standards.models.Statement.Kind",
        "OrganisationKindEnum": "portfolio.people.models.organisations.Organisation.Kind",
        "ApprenticeshipStatusEnum": "portfolio.people.models.apprenticeships.Apprenticeship.Status",
        "ImportStatusEnum": "api.standards.imports.IMPORT_STATUSES",
        "EvidenceStateEnum": "portfolio.evidence.models.Evidence.State",
        "EvidenceKindEnum": "portfolio.evidence.models.Evidence.Kind",
        "EvidenceTagStateEnum": "portfolio.evidence.models.EvidenceTag.State",
        "ReviewActionEnum": "portfolio.reviews.models.ReviewDecision.Action",
        "DecisionInvalidationEnum": "portfolio.reviews.models.ReviewDecision.Invalidation",
        "EvidenceAuthorRoleEnum": "portfolio.evidence.models.Evidence.AuthorRole",
        "EvidenceFileStateEnum": "portfolio.evidence.models.EvidenceFile.State",
        "ReadinessStateEnum": "portfolio.coverage.readiness_states.ReadinessState",
        "GatewayInvalidationEnum": "portfolio.gateway.models.Invalidation",
        "GatewaySideEnum": "portfolio.gateway.models.GatewaySignature.Side",
        "ProgressReviewStateEnum": "portfolio.progress.lifecycle.State",
        "ProgressReviewActionEnum": "portfolio.progress.lifecycle.Action",
        "ProgressReviewPartyEnum": "portfolio.progress.lifecycle.Party",
        "ProgressActionOutcomeEnum": "portfolio.progress.models.ReviewAction.Outcome",
        "ProgressSignatureInvalidationEnum": "portfolio.progress.models.ReviewSignature.Invalidation",
    },
}

# --- Security headers once served over HTTPS ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("SECURE_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of every PDF at INFO ("Step 5 - Creating layout"): its warnings are what matter.
    "loggers": {
        "botocore": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
