from django.urls import path

from civicdata.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.healthz, name="readyz"),
]
