"""Demand signals from the catalog: searches that found nothing and dataset views and downloads,
counted per day in one row each."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from civicdata.demand.models import DemandItem, DemandKind

logger = logging.getLogger(__name__)


def record_zero_result_search(*, query: str, language: str = "en") -> None:
    """Count a catalog search that found nothing, as demand. Cheap and never raises.

    Searches are counted per normalised query and day in one row, so a popular miss is one row.
    """
    try:
        if not isinstance(query, str):
            return
        text = " ".join(query.split())[:300]
        if len(text) < 2:
            return
        _bump_daily(DemandKind.SEARCH, text=text, key=text.casefold(), language=str(language)[:10])
    except Exception:  # demand recording must never break a search page
        logger.exception("demand: could not record a zero-result search")


def record_usage(*, dataset: Any, kind: str) -> None:
    """Count a dataset view or download, per dataset and day. Cheap and never raises."""
    try:
        item_kind = DemandKind.DOWNLOAD if kind == "download" else DemandKind.VIEW
        _bump_daily(item_kind, text=str(getattr(dataset, "title", ""))[:300], key=str(dataset.pk), dataset=dataset)
    except Exception:  # usage counting must never break a dataset page
        logger.exception("demand: could not record dataset usage")


def _bump_daily(kind: str, *, text: str, key: str, dataset: Any = None, language: str = "") -> None:
    today = timezone.localdate()
    fingerprint = hashlib.sha256(f"{kind}\x1f{today.isoformat()}\x1f{key}".encode()).hexdigest()
    if DemandItem.objects.filter(fingerprint=fingerprint).update(weight=F("weight") + 1):
        return
    try:
        with transaction.atomic():
            DemandItem.objects.create(
                kind=kind,
                text=text,
                occurred_on=today,
                dataset=dataset,
                fingerprint=fingerprint,
                language=language,
                source="civicdata",
            )
    except IntegrityError:  # another request created today's row first
        DemandItem.objects.filter(fingerprint=fingerprint).update(weight=F("weight") + 1)
