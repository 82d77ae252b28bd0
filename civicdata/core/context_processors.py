"""Values every page template needs: the site name and the primary navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

SITE_NAME = "civicdata"

PRIMARY_NAVIGATION = (
    ("/datasets/", _("Datasets")),
    ("/requests/", _("Data requests")),
    ("/projects/", _("Projects")),
    ("/events/", _("Events")),
    ("/organizations/", _("Organizations")),
)


def site(request: HttpRequest) -> dict:
    path = request.path
    from django.conf import settings

    return {
        "show_demo_accounts": settings.SHOW_DEMO_ACCOUNTS,
        "site_name": SITE_NAME,
        "search_url": "/datasets/",
        "primary_navigation": [
            {"url": url, "label": label, "current": path.startswith(url)} for url, label in PRIMARY_NAVIGATION
        ],
    }
