"""Settings shared by every environment.

Configuration comes from environment variables with safe local defaults, so a
fresh clone runs on SQLite with Celery tasks executed in process.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "liaison.admin_apps.PortalAdminConfig",  # django.contrib.admin, behind the portal's sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "csp",
    "axes",  # issue 10 login
    "django_otp",  # issue 10 login
    "django_otp.plugins.otp_totp",  # issue 10 login
    "accounts",
    "roster",
    "ledgers",
    "scoring",
    "audit",  # issue 10 audit
    "assessment",  # issue 12 assessment
    "duties",  # issue 13 duties
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.security.NoStoreDownloadsMiddleware",  # issue 10 hardening
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "liaison.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "liaison.security.UploadLimitMiddleware",  # issue 10 hardening
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # roster2: the policy in force is read once per request
    "accounts.middleware.PolicyCacheMiddleware",
    "django_otp.middleware.OTPMiddleware",  # issue 10 login
    "django.contrib.messages.middleware.MessageMiddleware",
    "liaison.middleware.SessionTimeoutMiddleware",  # issue 10 login
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditMiddleware",  # issue 10 audit
    "axes.middleware.AxesMiddleware",  # issue 10 login: stays last
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

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
                "accounts.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite: wait for a writer instead of failing at once, and never keep
    # connections across threads of the development server.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # --- database robustness (issue 10) ---
    # WAL lets readers run beside the one writer; a transaction takes the
    # write lock when it begins (IMMEDIATE), so concurrent writers queue on
    # the busy timeout above instead of failing with "database is locked"
    # when a reader turns writer. (An in-memory test database ignores WAL.)
    DATABASES["default"]["OPTIONS"].update(
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # issue 10 login: first, refuses locked usernames
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "choose-tenant"
LOGOUT_REDIRECT_URL = "login"

# Guardian: object permissions are granted on districts and units only; a
# user's global permissions never stand in for them.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: evidence files are checked by the ledger services; this caps a
# whole request so a huge body is refused before it reaches them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Exports with more rows than this run as a background job (202 + progress).
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)

# /readyz: each network check gives up after this many seconds (issue 17),
# and so does a Redis cache that stops answering.
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=2.0)
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:  # a Redis that stops answering fails fast instead of hanging requests
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": READYZ_TIMEOUT_SECONDS,
                "socket_timeout": READYZ_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without a broker, tasks run in process (the newcomer default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long Redis keeps an unacknowledged task before another worker gets it
# (a worker killed mid-task: with late acknowledgement the task runs again).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
CELERY_BEAT_SCHEDULE = {
    # SPEC §7: on the 1st of each month, Asia/Shanghai, the previous month's reports.
    "monthly-quota-reports": {
        "task": "scoring.tasks.build_quota_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    "close-notices": {"task": "roster.tasks.close_notices", "schedule": crontab(minute=10, hour=0)},
    "terms-ending": {
        "task": "roster.tasks.remind_terms_ending",
        "schedule": crontab(minute=30, hour=7),
    },
    "dormant-officers": {
        "task": "roster.tasks.flag_dormant_officers",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),
    },
    "stale-job-runs": {
        "task": "accounts.tasks.close_stale_job_runs",
        "schedule": crontab(minute=45),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ExpiringTokenAuthentication",  # issue 10 login
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "liaison.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["liaison.api.filtering.QuietFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "liaison.api.schema.AutoSchema",  # issue 10 fuzz: error statuses
    "EXCEPTION_HANDLER": "liaison.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "120/min", "public": "10/min", "export": "30/min"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Liaison-officer programme portal API",
    "DESCRIPTION": "REST API of the liaison-officer programme portal (API.md contract, v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "EntryKindEnum": "ledgers.choices.EntryKind",
        "EntryStatusEnum": "ledgers.choices.EntryStatus",
        "UnitKindEnum": "roster.choices.UnitKind",
        "OfficerStatusEnum": "roster.choices.OfficerStatus",
        "RoleEnum": "accounts.choices.Role",
        "PresetEnum": "accounts.choices.Preset",
        "ChangeKindEnum": "roster.choices.ChangeKind",  # issue 11 roster
        "ExportJobStatusEnum": "scoring.models.ExportJobStatus",  # issue 17 exports
        "TenantStatusEnum": "accounts.choices.TenantStatus",  # issue 17 platform admin
    },
}

# Content Security Policy: everything is served from this origin (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
    },
}

# --- hardening (issue 10) ---
# The API renders JSON only, in every environment: the browsable API's forms
# and filter forms list whole querysets (every officer of the tenant) to
# callers who may read only themselves. /api/v1/docs/ documents the API.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"] = "liaison.security.JSONFallbackNegotiation"
#
# Uploads: LimitedUploadHandler (liaison/security.py) refuses a body larger
# than the limit of its URL before reading it; files over
# FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file on disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "liaison.security.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Multipart framing allowed on top of a file's own limit.
UPLOAD_SLACK_BYTES = 256 * 1024
# Zip-based uploads (docx, xlsx) are pre-scanned before anything parses them.
ARCHIVE_MAX_MEMBERS = env.int("ARCHIVE_MAX_MEMBERS", default=2000)
ARCHIVE_MAX_UNCOMPRESSED = env.int("ARCHIVE_MAX_UNCOMPRESSED", default=50 * 1024 * 1024)
ARCHIVE_MAX_RATIO = env.int("ARCHIVE_MAX_RATIO", default=100)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- logins and sessions (issue 10) ---
# Lockout (django-axes): 5 failed logins for one username lock that username
# for 15 minutes, whatever the client address (a bureau's staff share one
# address behind its gateway, so there is no lockout per address). Axes counts
# failures whose gaps are under the cool-off, and locks from the 5th on.
# The database handler (AccessAttempt rows), not the cache one: without Redis
# the cache is per process, so a lockout would not hold across server workers;
# tests are isolated by their transactions.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# ["username"], through a function: axes's system check (axes.W006) warns on
# a plain list without the address, and `check --deploy` stays warning-free
# with nothing silenced.
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked do not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The views render the lockout themselves (login page, 429 from the token API).
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp", "code"]
AXES_DISABLE_ACCESS_LOG = True  # successful logins: the audit log's business
AXES_VERBOSE = False
# Two-factor (django-otp TOTP, RFC 6238): 6 digits, 30 s steps.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="联络员工作平台")
# Logins that skip the tenant policy's two-factor requirement (the demo's, in
# `make run` only; see local.py).
MFA_EXEMPT_USERNAMES = env.list("MFA_EXEMPT_USERNAMES", default=[])
# Sessions end after 30 idle minutes and 12 hours after the login at most.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
# API tokens (``Authorization: Token KEY``) are refused this long after issue.
API_TOKEN_TTL_SECONDS = env.int("API_TOKEN_TTL_SECONDS", default=7 * 24 * 3600)

# --- database robustness (issue 10) ---
# How long a POST's Idempotency-Key replays its first answer (API.md).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

# --- ratings: rating-link reminders (issue 12) ---
CELERY_BEAT_SCHEDULE["rating-link-reminders"] = {
    "task": "assessment.tasks.remind_rating_links",
    "schedule": crontab(minute=15, hour=8),
}

# issue 13 duties API: named enums of the duties' choices (no schema name collision on "kind")
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ReportKindEnum": "duties.choices.ReportKind",
        "ReportStatusEnum": "duties.choices.ReportStatus",
        "DueStatusEnum": "duties.choices.DueStatus",
        "TrainingKindEnum": "duties.choices.TrainingKind",
    }
)

# issue 13 records: agreements ending soon remind the officer and the centre
CELERY_BEAT_SCHEDULE["agreement-reminders"] = {
    "task": "duties.tasks.remind_agreements_ending",
    "schedule": crontab(minute=30, hour=8),
}

# issue 13 reports: the day before a plan or report falls due, and the day
# after it fell due unhanded
CELERY_BEAT_SCHEDULE["report-reminders"] = {
    "task": "duties.tasks.remind_reports_due",
    "schedule": crontab(minute=30, hour=8),
}
CELERY_BEAT_SCHEDULE["report-late"] = {
    "task": "duties.tasks.notify_reports_late",
    "schedule": crontab(minute=35, hour=8),
}

# issue 14 notifications
# The portal's address, for the links in e-mails and robot messages.
NOTIFICATION_SITE_URL = env("NOTIFICATION_SITE_URL", default="http://localhost:8000")
# The tenant webhook: seconds per try, and the first retry's delay (doubled each time).
NOTIFICATION_WEBHOOK_TIMEOUT = env.int("NOTIFICATION_WEBHOOK_TIMEOUT", default=10)
NOTIFICATION_WEBHOOK_BACKOFF_SECONDS = env.int("NOTIFICATION_WEBHOOK_BACKOFF_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["notification-digests"] = {
    "task": "accounts.tasks.send_daily_digests",
    "schedule": crontab(minute=0, hour=18),
}

# --- words: punctuation in the reader's language for templates (issue 14) ---
TEMPLATES[0]["OPTIONS"]["context_processors"].append("liaison.words.punctuation")
# --- lists (issue 14 item 5): the list pages' template tags (numbered
# pagination), a library outside any app's templatetags folder.
TEMPLATES[0]["OPTIONS"].setdefault("libraries", {})["lists"] = "liaison.list_tags"
# network branch (issue 15 item 4): the province-wide network of programmes
INSTALLED_APPS += ["network"]
# matching (issue 15): demands matched to achievements, experts and platforms
INSTALLED_APPS += ["matching"]
# Suggestions kept per entry, and entries matched per batch by the bulk rematch.
MATCHING_LIMIT = env.int("MATCHING_LIMIT", default=10)
MATCHING_BATCH_SIZE = env.int("MATCHING_BATCH_SIZE", default=500)

# matchuse (issue 15 item 2): each officer's new matches, weekly (Monday morning)
CELERY_BEAT_SCHEDULE["match-digests"] = {
    "task": "matching.tasks.send_weekly_match_digests",
    "schedule": crontab(minute=15, hour=8, day_of_week=1),
}

# --- ops-health (issue 17 items 4 and 5): health, metrics, logs ---
INSTALLED_APPS += ["django_prometheus", "ops"]
# /healthz, /readyz and /metrics are answered first (ops/middleware.py); the
# request metrics wrap everything else; Axes stays last.
MIDDLEWARE = [
    "ops.middleware.OpsEndpointsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ops.middleware.AccessLogMiddleware",
    *MIDDLEWARE[:-1],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    MIDDLEWARE[-1],
]
# Query counts and durations by database (django-prometheus's backends are
# Django's own with counting cursors; the vendor stays the same).
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # pytest-django knows SQLite's in-memory test database by Django's own
    # engine name (else xdist names a file per worker): say it outright.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
PROMETHEUS_EXPORT_MIGRATIONS = False
# /metrics answers this host (not through a proxy) or `Authorization: Bearer
# METRICS_TOKEN`; anyone else gets the 404 of an unknown URL.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# /readyz: each network check gives up after READYZ_TIMEOUT_SECONDS (set
# beside CACHES), and the broker is red when no Celery worker wrote its
# heartbeat for this long (beat sends the heartbeat task every minute).
READYZ_HEARTBEAT_MAX_AGE = env.int("READYZ_HEARTBEAT_MAX_AGE", default=300)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "ops.tasks.worker_heartbeat",
    "schedule": crontab(),  # every minute
    "options": {"expires": 60},
}
# Logs: readable lines by default (`make run`), JSON lines (python-json-logger)
# with LOG_FORMAT=json (production's default); every line carries the
# request id (X-Request-ID) of its request or task. ACCESS_LOG: one line per
# request (production; gunicorn's own access log is off there).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
ACCESS_LOG = env.bool("ACCESS_LOG", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "ops.logs.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT if LOG_FORMAT in ("plain", "json") else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# platform-admin (issue 17 item 1): the platform admin's pages under /platform/,
# suspension, and the purge of a tenant this many days after it is marked for deletion
INSTALLED_APPS += ["platformadmin"]
TENANT_DELETION_RETENTION_DAYS = env.int("TENANT_DELETION_RETENTION_DAYS", default=30)
CELERY_BEAT_SCHEDULE["tenant-purge"] = {
    "task": "platformadmin.tasks.purge_due_tenants",
    "schedule": crontab(minute=30, hour=3),
}
# tenant-port (issue 17 item 2): a tenant's data exported and imported whole
INSTALLED_APPS += ["portability"]
# rank-cache (issue 16 item 3): a year's ranking is cached, one copy per tenant
# and year holding the version of its inputs (scoring.ranking_version); a copy
# not read again expires after this.
RANKING_CACHE_SECONDS = env.int("RANKING_CACHE_SECONDS", default=24 * 3600)
# The ranking page's table: officers per page.
RANKING_PAGE_SIZE = env.int("RANKING_PAGE_SIZE", default=50)
