"""URLs of the catalog tools (validator and merger); included by the catalog app's urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("catalog/validate/", views.validate_tool, name="tools-validate"),
    path("catalog/merge/", views.merge_tool, name="tools-merge"),
]
