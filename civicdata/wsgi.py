"""WSGI entry point for gunicorn: `gunicorn civicdata.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from civicdata.settings import select

os.environ.setdefault("DJANGO_SETTINGS_MODULE", select())
application = get_wsgi_application()

# Every view module is imported while the web process starts, not during its first request: on a small
# machine that took seconds and slowed every other answer meanwhile (docs/events.md, "Performance").
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
