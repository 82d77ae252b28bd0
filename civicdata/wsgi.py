"""WSGI entry point for gunicorn: `gunicorn civicdata.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from civicdata.settings import select

os.environ.setdefault("DJANGO_SETTINGS_MODULE", select())
application = get_wsgi_application()
