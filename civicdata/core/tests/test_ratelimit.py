"""Fair limits: the client address behind proxies, and counts that concurrency cannot exceed."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from civicdata.core import ratelimit


def _request(remote: str = "203.0.113.9", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/api/status", **extra)


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings):
    settings.TRUST_PROXY_HEADERS = False
    assert ratelimit.client_address(_request(forwarded="198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, "198.51.100.1", "198.51.100.1"),
        # The client wrote the first entry itself; the trusted proxy appended the real address last.
        (1, "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        (2, "1.2.3.4, 198.51.100.1, 192.0.2.7", "198.51.100.1"),
        (2, "198.51.100.1", "198.51.100.1"),
        (1, "not-an-address", "203.0.113.9"),
    ],
)
def test_a_trusted_proxy_is_read_from_the_configured_number_of_hops(settings, hops, forwarded, expected):
    settings.TRUST_PROXY_HEADERS = True
    settings.PROXY_HOPS = hops
    assert ratelimit.client_address(_request(forwarded=forwarded)) == expected


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_lift_the_api_limit(settings):
    """50 different X-Forwarded-For values from one client are still one client."""
    settings.TRUST_PROXY_HEADERS = False
    settings.API_RATE_ANONYMOUS = "5/m"
    client = Client(REMOTE_ADDR="203.0.113.50")
    codes = [client.get("/api/status", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(50)]
    assert codes.count(200) == 5
    assert codes.count(429) == 45


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_count(settings):
    settings.TRUST_PROXY_HEADERS = True
    settings.PROXY_HOPS = 1
    settings.API_RATE_ANONYMOUS = "2/m"
    client = Client(REMOTE_ADDR="10.0.0.1")  # the proxy
    first = [client.get("/api/status", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in range(3)]
    second = [client.get("/api/status", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code for _ in range(3)]
    assert first == [200, 200, 429]
    assert second == [200, 200, 429]


def _hammer(limit: int, workers: int, requests: int) -> int:
    barrier = threading.Barrier(workers)

    def one(_n: int) -> bool:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=10)
        try:
            return ratelimit.hit("test", "198.51.100.77", f"{limit}/h").allowed
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(one, range(requests)))


def test_concurrent_requests_never_exceed_the_limit_in_the_cache(settings):
    """The cache store (Redis in production when configured; the in-memory cache here) counts atomically."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}}
    assert _hammer(limit=25, workers=16, requests=192) == 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_exceed_the_limit_in_the_database(settings):
    """Without Redis the database counts, one atomic UPDATE per request, whatever the concurrency."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}}
    workers = 8 if connection.vendor == "postgresql" else 1  # SQLite in memory: one writer at a time
    assert _hammer(limit=25, workers=workers, requests=120) == 25


@pytest.mark.django_db
def test_signed_in_people_are_counted_by_account_not_address(settings):
    from django.contrib.auth import get_user_model

    settings.API_RATE_SIGNED_IN = "3/m"
    settings.API_RATE_ANONYMOUS = "100/m"
    client = Client()
    client.force_login(get_user_model().objects.create_user("counted@example.org", "a-long-password"))
    codes = [client.get("/api/status", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_rates_must_be_well_formed():
    assert ratelimit.parse_rate("600/m") == (600, 60)
    assert ratelimit.parse_rate("10/hour") == (10, 3600)
    with pytest.raises(ValueError, match="600/m"):
        ratelimit.parse_rate("lots")


@pytest.mark.django_db
@pytest.mark.parametrize("upsert", [True, False], ids=["one-upsert", "update-then-insert"])
def test_the_database_counts_each_window_and_forgets_old_ones(settings, monkeypatch, upsert):
    """Counts per fixed window, in one upsert where the database returns rows from it (SQLite 3.35+,
    PostgreSQL) and in an UPDATE then INSERT elsewhere; a new window's first request drops the old rows."""
    from civicdata.core.models import RateCount

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}}
    if not upsert:
        monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    start = 1_800_000_000  # a window boundary of 60 s
    assert [ratelimit.count_hit("k", 60, now=start + n)[0] for n in range(3)] == [1, 2, 3]
    assert ratelimit.count_hit("other", 60, now=start + 4)[0] == 1
    assert ratelimit.count_hit("k", 60, now=start + 60)[0] == 1, "a new window starts again at one"
    assert ratelimit.count_hit("k", 60, now=start + 180)[0] == 1
    assert sorted(RateCount.objects.values_list("key", "window", "hits")) == [("k", start + 180, 1)]
