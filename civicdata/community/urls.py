"""Pages of the community app: stories, reuses, challenges, news, and the quality reports, discussions
and impact pages under each dataset and organisation."""

from django.urls import path  # noqa: F401  (patterns are added as the pages land)

app_name = "community"

urlpatterns: list = []
