"""Fair limits: who the client is, and counting their requests atomically in a shared store.

The client address is REMOTE_ADDR unless TRUST_PROXY_HEADERS is set; then it is read from
X-Forwarded-For, counting PROXY_HOPS addresses from the right (each trusted proxy appends the address it
saw, so anything further left was written by the client and is ignored). Counts live in the cache when it
increments atomically (Redis, or the in-process memory cache of the test profile) and otherwise in the
database with one atomic upsert per request, so concurrent requests, threads and web nodes can never
exceed a limit together.
"""

from __future__ import annotations

import hashlib
import ipaddress
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

#: Cache backends whose `incr` is atomic across every process that shares them.
ATOMIC_CACHES = ("django.core.cache.backends.redis.RedisCache",)
#: Atomic within one process only (a lock); fine for tests and a single-process development server.
PROCESS_ATOMIC_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_address(request: HttpRequest) -> str:
    """The address limits are counted against (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not getattr(settings, "TRUST_PROXY_HEADERS", False):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    hops = max(1, int(getattr(settings, "PROXY_HOPS", 1)))
    candidate = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/m' → (600, 60); units s, m, h, d (also 'min', 'hour', 'day')."""
    count, _sep, unit = rate.partition("/")
    unit = unit.strip().lower()
    seconds = PERIODS.get(unit[:1]) if unit else None
    if not count.strip().isdigit() or seconds is None:
        raise ValueError(f"A rate looks like 600/m, not {rate!r}.")
    return int(count), seconds


def _backend() -> str:
    return settings.CACHES.get("default", {}).get("BACKEND", "")


def count_hit(key: str, window_seconds: int, *, now: float | None = None) -> tuple[int, float]:
    """Count one request for `key` in the current fixed window; returns (hits so far, seconds left)."""
    moment = time.time() if now is None else now
    window = int(moment // window_seconds) * window_seconds
    left = window + window_seconds - moment
    if _backend() in ATOMIC_CACHES + PROCESS_ATOMIC_CACHES:
        cache = caches["default"]
        cache_key = f"rate:{key}:{window}"
        if cache.add(cache_key, 1, timeout=window_seconds + 1):
            return 1, left
        try:
            return int(cache.incr(cache_key)), left
        except ValueError:  # expired between add and incr: this is the first hit of a fresh entry
            cache.add(cache_key, 1, timeout=window_seconds + 1)
            return 1, left
    return _count_in_database(key, window, window_seconds), left


def _count_in_database(key: str, window: int, window_seconds: int) -> int:
    from civicdata.core.models import RateCount

    if connection.features.can_return_rows_from_bulk_insert:
        # One statement that the database serialises: insert the window's row or add one to it, and read the
        # count it now holds (SQLite 3.35+ and PostgreSQL: INSERT … ON CONFLICT … DO UPDATE … RETURNING).
        quote = connection.ops.quote_name
        table = quote(RateCount._meta.db_table)
        key_, window_, hits_ = quote("key"), quote("window"), quote("hits")
        upsert = (
            f"INSERT INTO {table} ({key_}, {window_}, {hits_}) VALUES (%s, %s, 1) "  # noqa: S608 (model names only)
            f"ON CONFLICT ({key_}, {window_}) DO UPDATE SET {hits_} = {table}.{hits_} + 1 RETURNING {hits_}"
        )
        with connection.cursor() as cursor:
            cursor.execute(upsert, [key, window])
            (hits,) = cursor.fetchone()
        if hits == 1:  # the window's first request: forget the windows before the previous one
            RateCount.objects.filter(window__lt=window - window_seconds).delete()
        return int(hits)
    for _attempt in range(3):
        with transaction.atomic():
            if RateCount.objects.filter(key=key, window=window).update(hits=F("hits") + 1):
                # Our UPDATE holds the row until commit, so this read sees exactly our count.
                return RateCount.objects.filter(key=key, window=window).values_list("hits", flat=True).get()
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, window=window, hits=1)
            except IntegrityError:
                continue  # another request created it first; count on that row
            RateCount.objects.filter(window__lt=window - window_seconds).delete()
            return 1
    return RateCount.objects.filter(key=key, window=window).values_list("hits", flat=True).get()


@dataclass
class Decision:
    allowed: bool
    retry_after: float


def hit(scope: str, ident: str, rate: str) -> Decision:
    """Count a request of `ident` against `rate` in `scope`; refused once the window's count is over."""
    limit, seconds = parse_rate(rate)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    hits, left = count_hit(f"{scope}:{digest}", seconds)
    return Decision(allowed=hits <= limit, retry_after=max(left, 1.0))


class FairRateThrottle(BaseThrottle):
    """The API's limit: signed-in people (session or token) by account, everyone else by client address.

    The rates are names of settings, read on each request (so operators and tests can change them)."""

    def __init__(self, anonymous_setting: str, signed_in_setting: str) -> None:
        self.anonymous_setting = anonymous_setting
        self.signed_in_setting = signed_in_setting
        self._local = threading.local()  # one throttle object serves every thread

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            decision = hit("api-user", str(user.pk), getattr(settings, self.signed_in_setting))
        else:
            decision = hit("api-anon", client_address(request), getattr(settings, self.anonymous_setting))
        self._local.retry_after = None if decision.allowed else decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return getattr(self._local, "retry_after", None)
