"""Test URL conf: the whole site plus the tools API router, for runs where catalog/api.py does not mount it yet."""

from django.urls import path
from ninja import NinjaAPI
from ninja.errors import ConfigError

from civicdata.catalog.api_tools import router
from civicdata.core import api_errors
from civicdata.urls import urlpatterns as site_patterns

urlpatterns = list(site_patterns)
try:
    api = NinjaAPI(urls_namespace="catalog-tools-test", docs_url=None, openapi_url=None)
    api_errors.install(api)
    api.add_router("/api/catalog/", router)
except ConfigError:  # already mounted by the catalog app's api.py: the site URLs serve it
    pass
else:
    urlpatterns.insert(0, path("", api.urls))
