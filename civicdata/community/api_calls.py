"""Counting Data API and CKAN API calls per dataset without a database write per call.

`ApiCallCounterMiddleware` looks at each successful API response and adds one to an in-memory counter
of this process, keyed by what the address names (a dataset's short name for the Data API; a package id,
name or a resource id for the CKAN API): no query and no write on the request. The counter is flushed
into one row per dataset, day and API (`ApiCallDay`) when `COMMUNITY_API_CALLS_FLUSH_SECONDS` (default 60)
have passed or `COMMUNITY_API_CALLS_FLUSH_CALLS` (default 500) calls are waiting, whichever comes first,
and when the process exits. A flush resolves the keys to datasets in a few queries and adds to each day's
row (`UPDATE … calls = calls + n`, creating it the first time), so several web processes add up safely.
Calls counted by a process that is killed before it flushes are lost (at most one interval's worth):
these are usage figures, not billing."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger("civicdata.community")

#: first path segments under /api/data/ that are not datasets
NOT_DATASETS = frozenset({"", "sql", "openapi.json", "docs"})
#: CKAN actions about one package (its `id` or `name`) or one resource (its `id`, or `resource_id`)
CKAN_PACKAGE_ACTIONS = frozenset({"package_show", "package_activity_list"})
CKAN_RESOURCE_ACTIONS = frozenset({"resource_show", "datastore_search", "datastore_info"})

Key = tuple[str, str, str]  # (api, "dataset" | "resource", the key from the address)

_lock = threading.Lock()
_pending: Counter[Key] = Counter()
_last_flush = time.monotonic()


def key_for(request: HttpRequest) -> Key | None:
    """What an API call is about, from its address alone (no query)."""
    path = request.path_info
    if path.startswith("/api/data/"):
        first = path[len("/api/data/") :].split("/", 1)[0]
        return None if first in NOT_DATASETS else ("data", "dataset", first[:200])
    if path.startswith("/api/3/action/"):
        action = path.rsplit("/", 1)[-1]
        if action in CKAN_PACKAGE_ACTIONS:
            ident = request.GET.get("id") or request.GET.get("name") or ""
            return ("ckan", "dataset", ident[:200]) if ident else None
        if action in CKAN_RESOURCE_ACTIONS:
            ident = request.GET.get("resource_id") or request.GET.get("id") or ""
            return ("ckan", "resource", ident[:200]) if ident else None
    return None


def record_call(key: Key) -> None:
    """Count one call in memory; flush when the interval or the batch size is reached."""
    global _last_flush
    seconds = float(getattr(settings, "COMMUNITY_API_CALLS_FLUSH_SECONDS", 60))
    batch = int(getattr(settings, "COMMUNITY_API_CALLS_FLUSH_CALLS", 500))
    with _lock:
        _pending[key] += 1
        due = _pending.total() >= batch or time.monotonic() - _last_flush >= seconds
        if due:
            _last_flush = time.monotonic()
    if due:
        flush_api_calls()


def pending_calls() -> int:
    with _lock:
        return _pending.total()


def _take() -> Counter[Key]:
    global _pending
    with _lock:
        taken, _pending = _pending, Counter()
    return taken


def _dataset_ids(taken: Counter[Key]) -> dict[Key, int]:
    """Resolve the keys to dataset ids (unknown ones are dropped): names and identifiers; CKAN package
    UUIDs; CKAN resource UUIDs or numbers."""
    import uuid

    from civicdata.catalog.models import Dataset, Distribution

    def as_uuid(value: str) -> uuid.UUID | None:
        try:
            return uuid.UUID(value)
        except ValueError:
            return None

    names = {k for (_api, kind, k) in taken if kind == "dataset"}
    package_uuids = {u for k in names if (u := as_uuid(k))}
    found: dict[str, int] = {}
    if names:
        for pk, name, identifier, dataset_uuid in Dataset.objects.filter(
            Q(name__in=names) | Q(identifier__in=names) | Q(uuid__in=package_uuids)
        ).values_list("pk", "name", "identifier", "uuid"):
            for key in (name, identifier, str(dataset_uuid)):
                if key:
                    found.setdefault(key, pk)
    resources = {k for (_api, kind, k) in taken if kind == "resource"}
    by_resource: dict[str, int] = {}
    if resources:
        resource_uuids = {u for k in resources if (u := as_uuid(k))}
        numbers = {int(k) for k in resources if k.isdigit() and len(k) < 18}
        for pk, dataset_id, resource_uuid in Distribution.objects.filter(
            Q(uuid__in=resource_uuids) | Q(pk__in=numbers)
        ).values_list("pk", "dataset_id", "uuid"):
            by_resource[str(resource_uuid)] = dataset_id
            by_resource[str(pk)] = dataset_id
    resolved = {}
    for key in taken:
        _api, kind, ident = key
        dataset_id = found.get(ident) if kind == "dataset" else by_resource.get(ident)
        if dataset_id is None and kind == "dataset" and (u := as_uuid(ident)):
            dataset_id = found.get(str(u))
        if dataset_id is None and kind == "resource" and (u := as_uuid(ident)):
            dataset_id = by_resource.get(str(u))
        if dataset_id is not None:
            resolved[key] = dataset_id
    return resolved


def flush_api_calls() -> int:
    """Write the waiting counts (one UPDATE or INSERT per dataset and API); returns the calls written."""
    from .models import ApiCallDay

    taken = _take()
    if not taken:
        return 0
    try:
        ids = _dataset_ids(taken)
        sums: Counter[tuple[int, str]] = Counter()
        for key, calls in taken.items():
            if key in ids:
                sums[(ids[key], key[0])] += calls
        today = timezone.localdate()
        for (dataset_id, api), calls in sums.items():
            rows = ApiCallDay.objects.filter(dataset_id=dataset_id, day=today, api=api)
            if rows.update(calls=F("calls") + calls):
                continue
            try:
                with transaction.atomic():
                    ApiCallDay.objects.create(dataset_id=dataset_id, day=today, api=api, calls=calls)
            except IntegrityError:  # another process created today's row meanwhile
                rows.update(calls=F("calls") + calls)
        return sum(sums.values())
    except Exception:  # a failed flush must never break the request that triggered it
        logger.exception("Could not write the API call counts; they are lost")
        return 0


def _flush_at_exit() -> None:
    try:
        flush_api_calls()
    except Exception:  # the database may already be gone at interpreter exit
        logger.debug("API call counts not written at exit", exc_info=True)


atexit.register(_flush_at_exit)


class ApiCallCounterMiddleware:
    """Counts successful Data API and CKAN API calls in memory (see the module's description)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 and request.path_info.startswith(("/api/data/", "/api/3/action/")):
            key = key_for(request)
            if key is not None:
                record_call(key)
        return response


def api_calls_total(dataset_ids: list[int]) -> dict[str, int]:
    """Calls counted so far per API for these datasets (one query)."""
    from .models import ApiCallDay

    rows = ApiCallDay.objects.filter(dataset_id__in=dataset_ids).values("api").annotate(n=Sum("calls"))
    return {row["api"]: row["n"] for row in rows}
