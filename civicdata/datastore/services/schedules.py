"""What live tables and map layer copies share: when the next copy is due, and one copy run under a claim.

A source (`LiveSource`, `MapLayerSource`) has `refresh`, `next_refresh_at`, `refreshing`,
`refresh_started_at` and `last_error`. A worker claims the source with one conditional UPDATE (so two
workers never copy the same source at once; a claim older than `stale_before` is taken over, as its worker
died), makes the copy, then writes the outcome: the error in plain language, or the fields the copy
reports. Either way the next copy is scheduled from now.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Model, Q
from django.utils import timezone

from civicdata.datastore.models import REFRESH_INTERVALS, IngestJob

log = logging.getLogger(__name__)

#: The copy itself: given the claimed source, queue its load and say which fields to write on success.
Copy = Callable[[Any], tuple[IngestJob, dict[str, Any]]]


def next_refresh(refresh: str, *, after: datetime | None = None) -> datetime | None:
    """When a source on schedule `refresh` is due next (None for "manual")."""
    interval = REFRESH_INTERVALS.get(refresh)
    return None if interval is None else (after or timezone.now()) + interval


def run_claimed_copy(
    model: type[Model],
    source_id: int,
    *,
    now: datetime,
    stale_before: datetime,
    copy: Copy,
    expected: tuple[type[Exception], ...],
    stamp: dict[str, Any] | None = None,
) -> IngestJob | None:
    """Claim source `source_id` of `model`, run `copy`, write the outcome; None when another worker holds
    the claim or the copy failed with one of the `expected` errors (written on the source as
    `last_error`). Any other error releases the claim and propagates. `stamp` is written either way."""
    rows = model._default_manager.filter(pk=source_id)
    claimed = model._default_manager.filter(
        Q(refreshing=False) | Q(refresh_started_at__lt=stale_before), pk=source_id
    ).update(refreshing=True, refresh_started_at=now)
    if not claimed:
        return None
    source = model._default_manager.select_related("table", "created_by").get(pk=source_id)
    following = next_refresh(source.refresh, after=now)
    try:
        job, fields = copy(source)
    except expected as exc:
        message = str(getattr(exc, "message", exc))
        rows.update(refreshing=False, last_error=message, next_refresh_at=following, **(stamp or {}))
        log.warning("%s %s: %s", model.__name__, source_id, message)
        return None
    except BaseException:
        rows.update(refreshing=False)
        raise
    rows.update(refreshing=False, last_error="", next_refresh_at=following, **(stamp or {}), **fields)
    return job


def due_sources(model: type[Model], now: datetime | None = None) -> list[int]:
    """Ids of the sources of `model` whose next copy is due and that nobody is copying."""
    return list(
        model._default_manager.filter(next_refresh_at__lte=now or timezone.now(), refreshing=False).values_list(
            "pk", flat=True
        )
    )
