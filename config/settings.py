"""Settings, read from the environment (django-environ).

Nothing set: a SQLite file under var/ and Celery running tasks eagerly, so the app runs
with no server. DATABASE_URL (PostgreSQL through psycopg) and REDIS_URL (Celery broker
and cache) switch to the production stack. With DEBUG off the site expects HTTPS (secure
cookies, HSTS, redirect to https); docs/deploy.md lists the variables that change that.
"""

from datetime import timedelta
from pathlib import Path

import bootstrap_wrapper
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional, never committed

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    if key := env.str("SECRET_KEY", default=""):
        return key
    if not DEBUG:
        # Left empty, Django refuses to sign anything ("The SECRET_KEY setting must not be
        # empty") the moment something needs it, so serving fails while commands that need
        # no secret (migrate, makemigrations --check) still run.
        return ""
    # Development only: a random key kept in var/, outside git, so sessions survive restarts.
    from django.core.management.utils import get_random_secret_key

    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.admin.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "workdays",
    "units",
    "accounts",
    "directives",
    "reports",
    "reorganisations",
    "api",
    "ops",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # The site's own 404 page with DEBUG on too, and its 405 page (config/errors.py);
    # inside CSP, so that its pages carry the policy.
    "config.errors.ErrorPages",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, the first to read a posted form: texts cleaned, too big refused.
    "config.middleware.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A second factor where required, and the idle limit (accounts/signin/middleware.py).
    "accounts.signin.middleware.SignInPolicy",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the others, as django-axes asks: it turns a locked-out login into the lockout
    # page (the replica's router below only routes reads).
    "axes.middleware.AxesMiddleware",
    # Reads from the replica when there is one; innermost, so it reads again on the
    # primary what the replica failed (config/replica.py).
    "config.replica.ReadFromReplica",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "units.context_processors.roles",
                "reports.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dondoc.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # SQLite ignores row locks: IMMEDIATE transactions take the write lock at the start,
    # so two people acting on one report queue up (and the second is told) instead of
    # failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    # Connections kept for a minute and checked before reuse, so a restarted PostgreSQL
    # costs one failed request per worker at most, not a broken worker.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The dashboards' queries are short: compiling them (JIT) costs more than it saves,
    # 91 → 73 ms for the overview at 50,000 units (docs/deploy.md, "PostgreSQL").
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# A streaming replica for reads (config/replica.py): the pages' and the API's reads go
# there; a person who wrote reads the primary for REPLICA_STICKY_SECONDS; a replica that
# fails rests REPLICA_RETRY_SECONDS while the primary answers.
if replica_url := env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url_config(replica_url) | {
        key: DATABASES["default"][key]
        for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
        if key in DATABASES["default"]
    }
    DATABASES["replica"]["OPTIONS"] = {
        "options": "-c jit=off",
        "connect_timeout": env.int("REPLICA_CONNECT_TIMEOUT", default=2),
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A covering index (reports.ProgressReport) is PostgreSQL's; SQLite keeps its key columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
        }
    }

# Celery: eager (in process) unless a broker is configured.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# No result backend: every task writes its outcome to the database, and a result store
# that Redis's absence makes retry for 20 s would hold up the request that queues a task.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# The outbox (ops/outbox.py) is drained this often; a message handed to the broker but not
# done after OUTBOX_RESEND_SECONDS is handed over again (its worker must have been lost).
# An export whose run has written no progress for EXPORT_LEASE_SECONDS is presumed dead
# and taken over. bench/faults.py shortens all three to watch recovery in minutes.
OUTBOX_DRAIN_SECONDS = env.float("OUTBOX_DRAIN_SECONDS", default=60.0)
OUTBOX_RESEND_SECONDS = env.int("OUTBOX_RESEND_SECONDS", default=120)
EXPORT_LEASE_SECONDS = env.int("EXPORT_LEASE_SECONDS", default=120)
# Beat sends its tasks straight to Redis, not through the outbox: a run missed while
# Redis or the worker was down is made up by the next one. Both tasks are idempotent, so
# periods open every hour and reminders go at 07:00 (Vietnam) with hourly catch-ups until
# 17:00 that send only what has not gone out.
CELERY_BEAT_SCHEDULE = {
    "open-periods": {
        "task": "reports.tasks.open_periods",
        "schedule": crontab(minute=5),
    },
    "send-reminders": {
        "task": "reports.tasks.send_reminders",
        "schedule": crontab(hour="7-17", minute=0),
    },
    "drain-outbox": {"task": "ops.tasks.drain_outbox", "schedule": OUTBOX_DRAIN_SECONDS},
    # The kept totals (reports/figures/kept.py) counted again at night, drift repaired.
    "check-figures": {
        "task": "reports.tasks.check_figures",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Reminders (đôn đốc): the first goes this many days before the due date; the unit's
# leadership is told once a report is this many days overdue.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=3)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=3)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor sign-in (TOTP and recovery codes, django-otp) is required for these roles:
# reviewer, leadership, unit_admin, unit_head, reporter, and staff (superusers and staff
# accounts). Anyone who set up a factor uses it. Off in DEBUG (the demo's `make run`)
# unless set; on in production for every role that reads across units or administers.
TWO_FACTOR_ROLES = env.list(
    "TWO_FACTOR_ROLES", default=[] if DEBUG else ["reviewer", "leadership", "unit_admin", "staff"]
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Đôn đốc")
# Roles given or taken back that wait for a second administrator: "own" (one's own roles:
# nobody grants themselves one) or "all" (every change, invitations included).
ROLE_APPROVAL = env.str("ROLE_APPROVAL", default="own")
# Signed out after this long without a request; shorter for those who read across units
# or administer. A session lasts SESSION_COOKIE_AGE after signing in at most, active or not
# (accounts/signin/middleware.py).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=120)
SESSION_IDLE_MINUTES_PRIVILEGED = env.int("SESSION_IDLE_MINUTES_PRIVILEGED", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_HOURS", default=12) * 3600
# A password set from an e-mailed link (reset or invitation) within this many days.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_LINK_DAYS", default=3) * 86400
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first: new and re-entered passwords are stored with it; older PBKDF2 hashes
# still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Failed logins (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from
# one address lock that pair out for AXES_COOLOFF_MINUTES, even with the right password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Directory sign-in (LDAP / Active Directory), on when LDAP_SERVER_URI is set: after axes,
# before the app's own passwords (accounts/directory_settings.py lists the variables).
from accounts.directory_settings import LDAP_BACKEND, ldap_settings  # noqa: E402

globals().update(ldap_settings(env))
if AUTH_LDAP_SERVER_URI:  # noqa: F821  (set just above)
    AUTHENTICATION_BACKENDS.insert(
        AUTHENTICATION_BACKENDS.index("axes.backends.AxesStandaloneBackend") + 1, LDAP_BACKEND
    )
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying: this many failures from one address, whatever the usernames (an
# office behind one NAT address shares it: keep it well above AXES_FAILURE_LIMIT).
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_HANDLER = "accounts.signin.lockout.LockoutHandler"
# Wrong API tokens from one address: logged each; refused (429) after this many a window.
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=20)
API_TOKEN_FAILURE_MINUTES = env.int("API_TOKEN_FAILURE_MINUTES", default=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_ip"
AXES_USERNAME_CALLABLE = "accounts.signin.lockout.username_of"

# HTTPS. On by default when DEBUG is off: secure cookies, HSTS, http -> https redirect.
# Behind a proxy that terminates TLS (nginx, deploy/nginx.conf) set BEHIND_PROXY=1: Django
# then trusts its X-Forwarded-Proto and the lockout its X-Real-IP. HTTPS=0 only to try
# the production stack over plain http on one's own machine.
HTTPS = env.bool("HTTPS", default=not DEBUG)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site's own files: no inline <script>, no on…= attribute (static/
# js/dondoc.js binds behaviour by data attributes). Inline styles stay allowed for the
# style="…" attributes of Bootstrap markup and htmx's indicator styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}

# Vietnamese only, whatever the browser asks for; dates dd/mm/yyyy (config/formats/vi),
# in Vietnam's time zone.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Every asset is served by the app: Bootstrap comes from the bootstrap-wrapper wheel,
# htmx from django-htmx. No CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", bootstrap_wrapper.get_bootstrap_dir()),
]
# WhiteNoise serves them under gunicorn too; `manage.py collectstatic` before starting.
# Uploaded files (evidence) on the file system, or on S3-compatible storage when a bucket
# is named (credentials and endpoint from the AWS_* variables django-storages reads).
S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
                "access_key": env.str("S3_ACCESS_KEY", default="") or None,
                "secret_key": env.str("S3_SECRET_KEY", default="") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development and tests, serve straight from the finders; no collectstatic needed.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The certificates of the issuers whose digital signatures (ký số) on an imported PDF letter
# count as trusted: a PEM bundle, e.g. the root CA of the government's e-office system
# (directives/letter_reader/signature.py). Unset: every signature is shown as intact or not,
# from an issuer not known to be trusted.
LETTER_TRUST_ROOTS = env("LETTER_TRUST_ROOTS", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Evidence files (minh chứng): the largest upload accepted, in megabytes.
EVIDENCE_MAX_MB = env.int("EVIDENCE_MAX_MB", default=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields; files are streamed to disk
# A long letter's review page has a dozen fields a section and four a task.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# E-mail: printed to the console unless EMAIL_URL names a server, e.g.
# smtp+tls://user:password@mail.example.gov.vn:587 (django-environ's email_url).
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "emails"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dondoc@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each step of every PDF at INFO: noise in a worker's log.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The REST API (/api/v1/): a user's own tokens or the browser session; the permission
# module decides everything else (api.permissions).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, its strings cleaned and its depth bounded (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Đôn đốc API",
    "DESCRIPTION": (
        "Đọc và gửi báo cáo tiến độ thực hiện văn bản chỉ đạo, đọc số liệu tổng hợp, "
        "xuất báo cáo tổng hợp. Xác thực bằng mã truy cập (Authorization: Token …) mà "
        "mỗi người tự tạo và thu hồi trong trang “Mã truy cập API”, hoặc phiên đăng nhập."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No "Schemas" list under the operations: each one shows its own, and Swagger UI's
    # words are English (templates/drf_spectacular/swagger_ui.html puts the rest in Vietnamese).
    "SWAGGER_UI_SETTINGS": {"defaultModelsExpandDepth": -1},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DirectiveStatusEnum": "directives.models.Directive.Status",
        "ReportStatusEnum": "reports.filing.models.ProgressReport.Status",
        "ExportStatusEnum": "reports.summaries.models.Export.Status",
        "ExportFormatEnum": "reports.summaries.models.Export.Format",
        "UnitKindEnum": "units.models.Unit.Kind",
        "ReorganisationKindEnum": "reorganisations.models.Reorganisation.Kind",
    },
}
