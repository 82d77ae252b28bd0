"""System checks that refuse an insecure production configuration (`civicdata check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        errors.append(checks.Error("DEBUG is on; turn it off in production.", id="civicdata.E001"))
    if len(settings.SECRET_KEY) < 50 or settings.SECRET_KEY.startswith(("test-", "django-insecure")):
        errors.append(checks.Error("SECRET_KEY is too short or a known placeholder.", id="civicdata.E002"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            checks.Warning(
                "The embedded SQLite database is for demos and small sites; use PostgreSQL in production.",
                id="civicdata.W001",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(checks.Error("ALLOWED_HOSTS must name the site's hosts, not '*'.", id="civicdata.E003"))
    if not getattr(settings, "SESSION_COOKIE_SECURE", False):
        errors.append(checks.Error("Set SECURE_SSL=true: cookies must be HTTPS-only.", id="civicdata.E004"))
    if settings.MAILERS["default"]["BACKEND"].endswith(("console.EmailBackend", "locmem.EmailBackend")):
        errors.append(
            checks.Error("EMAIL_URL must point to an SMTP server so people get their e-mails.", id="civicdata.E005")
        )
    return errors
