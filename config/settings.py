"""Kith's settings, read from the environment.

Defaults suit a developer's machine (SQLite in var/, tasks in-process). With DEBUG off,
start-up refuses to run without a SECRET_KEY and ALLOWED_HOSTS, and the security
settings below pass `manage.py check --deploy`.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    """The variable's value, or the content of the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Kith refuses to start without one: set "
            "SECRET_KEY (or SECRET_KEY_FILE) to a long random string, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off, list the host names Kith answers to, "
        "comma-separated, for example ALLOWED_HOSTS=kith.example.com."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "network",
    "interactions",
    "invitations",
    "insights",
    "portability",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "network.middleware.HtmxLoginRedirectMiddleware",
    "network.middleware.OwnerTimezoneMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kith.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "insights:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Photos are the largest upload Kith takes from a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# "Log a meeting" posts a dozen fields for each of up to 100 people.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Strict Content-Security-Policy: scripts and styles only from Kith's own static files,
# no inline code, nothing from another host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SILENCED_SYSTEM_CHECKS: list[str] = []

if not DEBUG:
    # Kith runs behind a TLS-terminating proxy in production.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    if env_bool("TRUST_X_FORWARDED_PROTO", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The container's health check calls /healthz over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HSTS preloading puts the whole registrable domain, subdomains included, into the
    # browsers' built-in HTTPS-only lists and takes months to undo: that is the owner's
    # decision (SECURE_HSTS_PRELOAD=1), so `check --deploy` does not warn while it is off.
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Celery: Redis in production; with no broker configured, tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# The queue Kith's tasks go to and its worker takes them from.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")

# The longest an import may run; a longer one fails with a message and changes nothing.
KITH_IMPORT_TIME_LIMIT = 15 * 60
# A running import writes a heartbeat every few seconds: one silent for this long has lost
# its worker (killed, out of memory), and the sweep below gives it to another worker.
KITH_IMPORT_STALLED_SECONDS = env_int("KITH_IMPORT_STALLED_SECONDS", 120)

if CELERY_BROKER_URL.startswith("filesystem://"):
    # A real worker without Redis: kombu passes messages through a shared folder.
    _broker_folder = Path(env_str("CELERY_BROKER_FOLDER", str(VAR_DIR / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder / "messages"),
        "data_folder_out": str(_broker_folder / "messages"),
        "control_folder": str(_broker_folder / "control"),
    }
    for _folder in ("messages", "control"):
        (_broker_folder / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Redis hands an unacknowledged task to another worker after this long: longer than the
    # longest import, so a slow import is never run twice at once. A worker that dies is
    # noticed sooner by its heartbeat.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": KITH_IMPORT_TIME_LIMIT + 5 * 60}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Tasks are idempotent, so a task is acknowledged only once it has finished, and one whose
# worker process was killed goes back to the queue instead of being dropped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "sweep-stalled-imports": {
        "task": "portability.tasks.import_runs_sweep_stalled",
        "schedule": KITH_IMPORT_STALLED_SECONDS / 2,
    },
    # Every hour: owners whose review day it is in their own time zone, from 08:00 their time,
    # get the weekly digest once. A digest whose send failed is sent by the next hour's run.
    "send-weekly-digests": {
        "task": "invitations.tasks.weekly_digests_send",
        "schedule": crontab(minute=0),
    },
    # Nightly: every owner's ties, layers, weak-tie flags, recall cards and recall snapshot.
    "recompute-insights": {
        "task": "insights.tasks.recompute_insights",
        "schedule": crontab(minute=30, hour=3),
    },
}

# Email (the weekly digest): printed to the log until an SMTP server is configured. Django 6.1
# configures mail through MAILERS; each backend takes only its own options.
_email_backend = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_email_options = {}
if _email_backend.endswith(".smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        # A mail server that stops answering must not hold a worker forever.
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
elif _email_backend.endswith(".filebased.EmailBackend"):
    _email_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
if not env_str("EMAIL_BACKEND"):
    # Email is optional: until the owner sets up SMTP, the digest goes to the worker's log
    # instead of failing every hour, so `check --deploy` does not call that an error. A
    # development backend chosen on purpose is still reported.
    SILENCED_SYSTEM_CHECKS.append("mail.E001")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kith <kith@localhost>")
# Where the owner opens Kith: emails link here, as no request tells the host.
KITH_BASE_URL = env_str("KITH_BASE_URL", "http://localhost:8000").rstrip("/")

if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A worker writes an import's heartbeat and progress through a second connection, so the
    # page and the sweep see them while the import's own transaction is still open. SQLite
    # allows one writer at a time, so there the run is seen only when it starts and ends.
    DATABASES["heartbeat"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
