"""Production profile: PostgreSQL, SMTP, HTTPS. System checks in civicdata.core.checks refuse
insecure values; missing essentials stop start-up with one clear line."""

from __future__ import annotations

from civicdata.settings.base import *  # noqa: F403
from civicdata.settings.base import SECRET_KEY
from civicdata.settings.declared import ConfigurationError, value

if not SECRET_KEY:
    raise ConfigurationError("SECRET_KEY must be set in production (50+ random characters)")
if not value("DATABASE_URL"):
    raise ConfigurationError("DATABASE_URL must be set in production, e.g. postgres://user@host/civicdata")

_secure = value("SECURE_SSL")
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
if value("TRUST_PROXY_HEADERS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
