"""Pages of the demand app."""

from django.urls import path  # noqa: F401

app_name = "demand"

urlpatterns: list = []
