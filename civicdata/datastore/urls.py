"""Pages of the datastore app."""

from django.urls import path  # noqa: F401

app_name = "datastore"

urlpatterns: list = []
