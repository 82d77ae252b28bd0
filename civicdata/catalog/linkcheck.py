"""The polite link checker: asks each distribution URL whether it still answers, through the SSRF-safe
fetcher, one request at a time with a pause between requests to the same host."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from civicdata.catalog import services
from civicdata.catalog.models import Distribution
from civicdata.core.fetch import FetchError, open_url

RECHECK_AFTER_DAYS = 7


def due_distributions(limit: int) -> QuerySet[Distribution]:
    """Distributions never checked or checked more than a week ago, oldest check first."""
    cutoff = timezone.now() - timedelta(days=RECHECK_AFTER_DAYS)
    return (
        Distribution.objects.filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
        .filter(Q(download_url__startswith="http") | Q(access_url__startswith="http"))
        .filter(dataset__withdrawn_at__isnull=True)
        .order_by("link_checked_at", "id")[:limit]
    )


def probe(url: str) -> tuple[bool, int | None]:
    """(works, status) for one URL; only the headers are read, the body is never downloaded."""
    try:
        with open_url(url, timeout=15, headers={"Range": "bytes=0-0"}) as (_final, response):
            status = response.status
    except FetchError:
        return False, None
    return status < 400, status


def check_links(*, limit: int = 200, sleep: Callable[[float], None] = time.sleep) -> int:
    """Check up to `limit` due links; returns how many were checked."""
    delay = float(getattr(settings, "CATALOG_LINK_CHECK_DELAY", 1))
    last_seen: dict[str, float] = {}
    checked = 0
    for distribution in due_distributions(limit):
        url = distribution.url or ""
        host = urlsplit(url).hostname or ""
        wait = last_seen.get(host, 0) + delay - time.monotonic()
        if wait > 0:
            sleep(wait)
        ok, status = probe(url)
        last_seen[host] = time.monotonic()
        services.record_link_result(distribution, status_code=status, ok=ok)
        checked += 1
    return checked
