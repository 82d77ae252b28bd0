"""URLs of the catalog tools (validator and merger); included by the catalog app's urls.py."""

from django.urls import path

from . import views_tools

urlpatterns = [
    path("catalog/validate/", views_tools.validate_tool, name="tools-validate"),
    path("catalog/merge/", views_tools.merge_tool, name="tools-merge"),
]
