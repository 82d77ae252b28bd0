"""Test profile: fast password hashing, e-mail kept in memory, tasks run immediately."""

from __future__ import annotations

from civicdata.settings.base import *  # noqa: F403
from civicdata.settings.base import SECRET_KEY

SECRET_KEY = SECRET_KEY or "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "links"]}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["*"]
# The test client leaves a stream open when a test does not read it, which would keep its download slot:
# the tests of download slots turn them on.
DOWNLOAD_SLOTS = 0

# Without DATABASE_URL the suite runs on SQLite in memory; commands such as
# `makemigrations --check` then work on a fresh clone before var/ exists.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    # The test database in memory too, in every pytest-xdist worker: pytest-django keeps ":memory:" only
    # for Django's own engine name and would otherwise give each worker a file named "test_:memory:_gw0"
    # in the working folder (civicdata's engine is `civicdata.core.backends.sqlite3`).
    DATABASES["default"]["TEST"] = {**DATABASES["default"].get("TEST", {}), "NAME": ":memory:"}  # noqa: F405
