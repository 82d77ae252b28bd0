"""Demo and development profile: embedded SQLite under var/, e-mail printed to the console."""

from __future__ import annotations

import os
import secrets

from civicdata.settings.base import *  # noqa: F403
from civicdata.settings.base import DATA_DIR, SECRET_KEY, STORAGES

# The demo behaves like production; DJANGO_DEBUG=1 shows tracebacks in the browser.
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"


def local_secret_key() -> str:
    """A random key kept under var/ so sessions survive restarts of the demo."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if not SECRET_KEY:
    SECRET_KEY = local_secret_key()

(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

# The demo serves collected, compressed (gzip and brotli) files as production does: `make demo` runs
# `civicdata collectstatic` before serving. Until they are collected, and with DJANGO_DEBUG=1 (so edits
# show at once), whitenoise reads straight from the finders instead.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
WHITENOISE_USE_FINDERS = DEBUG or not (DATA_DIR / "static" / "uswds").is_dir()
WHITENOISE_AUTOREFRESH = DEBUG
