from django.urls import path

from civicdata.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.healthz, name="readyz"),
    path("staff/", views.staff, name="staff"),
    path("staff/audit/", views.audit_log, name="audit_log"),
]
