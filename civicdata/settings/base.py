"""Settings shared by every profile. Values that differ between machines come from the environment
through `declared.py`; nothing secret lives here."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from civicdata.settings import declared
from civicdata.settings.declared import ConfigurationError, value

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "civicdata"
DATA_DIR = (BASE_DIR / value("DATA_DIR")).resolve()

DEBUG = False
SECRET_KEY = value("SECRET_KEY")
ALLOWED_HOSTS = value("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = value("CSRF_TRUSTED_ORIGINS")
SITE_URL = value("SITE_URL").rstrip("/")
SITE_NAME = value("SITE_NAME")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "civicdata.core.staticfiles.CivicStaticFilesConfig",
    "django.contrib.humanize",
    "ninja",
    "allauth",
    "allauth.account",
    "django_tasks_db",
    "civicdata.core",
    "civicdata.accounts",
    "civicdata.catalog",
    "civicdata.datastore",
    "civicdata.demand",
    "civicdata.projects",
    "civicdata.events",
    "civicdata.community",
    "civicdata.site",
]

MIDDLEWARE = [
    # Outermost: long downloads take a slot or are refused before any other work (HEAD is still HEAD here).
    "civicdata.core.downloads.DownloadSlotsMiddleware",
    # Outermost, so every layer below and every view sees HEAD as GET.
    "civicdata.core.middleware.HeadAsGetMiddleware",
    # Pages and JSON gzipped (not streamed downloads, not no-store pages: see its docstring).
    "civicdata.core.middleware.CompressPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "civicdata.accounts.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "civicdata.core.middleware.ReadOnlyApiCorsMiddleware",
    "civicdata.core.middleware.UploadLimitMiddleware",
    "civicdata.core.middleware.NullCharacterMiddleware",
    # Counts Data API and CKAN API calls per dataset in memory, written in batches (docs/community.md).
    "civicdata.community.api_calls.ApiCallCounterMiddleware",
]

ROOT_URLCONF = "civicdata.site.urls"
WSGI_APPLICATION = "civicdata.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicdata.core.context_processors.site",
            ],
            "builtins": ["civicdata.core.templatetags.civic"],
        },
    },
]


#: Django's SQLite backend with the writers of each process queued fairly (see its docstring).
SQLITE_ENGINE = "civicdata.core.backends.sqlite3"


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into Django's DATABASES entry; an empty URL means embedded SQLite."""
    sqlite_options = {
        # WAL lets the web and worker processes read while one writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write inside a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    }
    if not url:
        return {
            "ENGINE": SQLITE_ENGINE,
            "NAME": DATA_DIR / "civicdata.sqlite3",
            "OPTIONS": sqlite_options,
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ConfigurationError(f"DATABASE_URL is not a database URL civicdata understands: {exc}") from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL must name a database, e.g. postgres://user@host/civicdata")
    if config["ENGINE"].endswith("sqlite3") and config["NAME"] != ":memory:":
        # An SQLite file named in DATABASE_URL is shared by web threads and workers like the embedded one.
        config["ENGINE"] = SQLITE_ENGINE
        config["OPTIONS"] = {**sqlite_options, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": database_from_url(value("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

# allauth: e-mail is the login, and it must be verified before the account can sign in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/3m/key",
}
ACCOUNT_ADAPTER = "civicdata.accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "civicdata.accounts.forms.SignupForm"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("leaflet-markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    PACKAGE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

MAX_UPLOAD_BYTES = value("MAX_UPLOAD_MB") * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

MAP_TILE_URL = value("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = value("MAP_TILE_ATTRIBUTION")


def tile_origin(url: str) -> str | None:
    """scheme://host of the tile URL template (with `{s}` subdomains as a wildcard), for the CSP."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


FETCH_ALLOWED_HOSTS = value("FETCH_ALLOWED_HOSTS")
FETCH_TIMEOUT = value("FETCH_TIMEOUT")
FETCH_DEADLINE = value("FETCH_DEADLINE")
FETCH_BACKGROUND_DEADLINE = value("FETCH_BACKGROUND_DEADLINE")
TRUST_PROXY_HEADERS = value("TRUST_PROXY_HEADERS")
PROXY_HOPS = value("PROXY_HOPS")
API_RATE_ANONYMOUS = value("API_RATE_ANONYMOUS")
API_RATE_SIGNED_IN = value("API_RATE_SIGNED_IN")
DOWNLOAD_SLOTS = value("DOWNLOAD_SLOTS")
DOWNLOAD_SLOTS_PER_CLIENT = value("DOWNLOAD_SLOTS_PER_CLIENT")
DOWNLOAD_OFFLOAD = value("DOWNLOAD_OFFLOAD")
DOWNLOAD_OFFLOAD_PREFIX = value("DOWNLOAD_OFFLOAD_PREFIX")
FETCH_MAX_BYTES = value("FETCH_MAX_MB") * 1024 * 1024

EMAIL_URL = value("EMAIL_URL")
DEFAULT_FROM_EMAIL = value("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def email_settings(url: str) -> dict:
    """Turn EMAIL_URL into Django's MAILERS setting."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme == "console":
        mailer: dict = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    elif parts.scheme == "memory":
        mailer = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    elif parts.scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "smtp" and query.get("tls", ["1"])[0] not in {"0", "false"},
                "timeout": 20,
            },
        }
    else:
        raise ConfigurationError(f"EMAIL_URL scheme {parts.scheme!r} is not one of console, memory, smtp, smtps")
    return {"MAILERS": {"default": mailer}}


globals().update(email_settings(EMAIL_URL))

# Link checks have a queue of their own ("links", see civicdata.core.workers) and their own worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default", "links"]}}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "civicdata_cache"},
}
if value("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value("REDIS_URL")}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy without 'unsafe-inline' for scripts: every script is a static file.
# Inline styles are allowed because USWDS components set style attributes from their own JS.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # Map tiles are images from the tile server named by MAP_TILE_URL.
    "img-src": [CSP.SELF, "data:", *filter(None, [tile_origin(MAP_TILE_URL)])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": value("LOG_LEVEL")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 100
CSRF_FAILURE_VIEW = "civicdata.core.views.csrf_failure"

SHOW_DEMO_ACCOUNTS = value("DEMO_ACCOUNTS")

globals().update(declared.app_settings(INSTALLED_APPS))

# The sign-in throttles (allauth) read the client address the same way as the API limits (core.ratelimit).
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_HOPS if TRUST_PROXY_HEADERS else 0
