"""Pages of the catalog app."""

from django.urls import path  # noqa: F401

app_name = "catalog"

urlpatterns: list = []
