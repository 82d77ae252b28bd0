"""URL map (ROOT_URLCONF): the shell's pages, each app's pages, the API under /api/, accounts (allauth)
and the back office."""

from django.contrib import admin
from django.urls import include, path

from civicdata.accounts.views import profile
from civicdata.site import views
from civicdata.site.api import api

handler400 = "civicdata.core.views.bad_request"
handler403 = "civicdata.core.views.forbidden"
handler404 = "civicdata.core.views.not_found"
handler500 = "civicdata.core.views.server_error"

site_patterns = [
    path("", views.home, name="home"),
    path("manage/", views.my_work, name="my_work"),
    path("staff/", views.staff, name="staff"),
    path("staff/audit/", views.audit_log, name="audit_log"),
]

urlpatterns = [
    path("", include((site_patterns, "site"))),
    path("", include("civicdata.core.urls")),
    path("", include("civicdata.accounts.urls")),
    # Before the catalog: community pages live under dataset addresses the catalog's catch-all would take.
    path("", include("civicdata.community.urls")),
    path("", include("civicdata.catalog.urls")),
    path("", include("civicdata.datastore.urls")),
    path("", include("civicdata.demand.urls")),
    path("", include("civicdata.projects.urls")),
    path("", include("civicdata.events.urls")),
    path("api/", api.urls),
    path("accounts/", include("allauth.urls")),
    # Django's set_language, which also stores the choice on a signed-in person's profile.
    path("i18n/setlang/", profile.switch_language, name="set_language"),
    path("admin/", admin.site.urls),
]
