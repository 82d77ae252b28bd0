"""A URL map for this app's tests that leaves out other apps' pages, so work in progress elsewhere
cannot break these tests (the API, the shell's links and this app's pages are all present)."""

from django.urls import include, path

from civicdata.api import api

urlpatterns = [
    path("", include("civicdata.core.urls")),
    path("", include("civicdata.accounts.urls")),
    path("", include("civicdata.datastore.urls")),
    path("api/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
