"""Figures of the publisher dashboard: datasets by access level, share valid, missing required fields,
broken links, stale datasets against their promised frequency, and the daily trend."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from civicdata.accounts.models import Organization
from civicdata.catalog.models import Dataset, Distribution, LinkStatus, PublisherSnapshot
from civicdata.catalog.periodicity import is_stale
from civicdata.catalog.publishing import organization_tree_ids

LIST_LIMIT = 50


@dataclass(slots=True)
class PublisherFigures:
    total: int = 0
    by_access_level: dict[str, int] = field(default_factory=dict)
    valid: int = 0
    invalid: int = 0
    missing_required: int = 0
    missing_by_field: list[tuple[str, int]] = field(default_factory=list)
    broken_links: int = 0
    broken: list[Distribution] = field(default_factory=list)
    stale: int = 0
    stale_datasets: list[Dataset] = field(default_factory=list)
    invalid_datasets: list[Dataset] = field(default_factory=list)
    needs_fixing: int = 0

    @property
    def share_valid(self) -> float:
        return (self.valid / self.total) if self.total else 0.0


def publisher_figures(publisher: Organization) -> PublisherFigures:
    """Current figures for a publisher and its sub-organisations (withdrawn datasets excluded)."""
    datasets = Dataset.objects.filter(publisher_id__in=organization_tree_ids(publisher), withdrawn_at__isnull=True)
    figures = PublisherFigures()
    summary = datasets.aggregate(
        total=Count("id"), valid=Count("id", filter=Q(is_valid=True)), held=Count("id", filter=Q(needs_fixing=True))
    )
    figures.total = summary["total"]
    figures.needs_fixing = summary["held"]
    figures.valid = summary["valid"]
    figures.invalid = figures.total - figures.valid
    figures.by_access_level = {
        row["access_level"] or "": row["n"]
        for row in datasets.values("access_level").annotate(n=Count("id")).order_by("access_level")
    }
    missing = Counter()
    now = timezone.now()
    stale: list[Dataset] = []
    rows = datasets.only("id", "name", "identifier", "title", "modified", "accrual_periodicity", "missing_fields")
    for dataset in rows.iterator(chunk_size=2000):
        if dataset.missing_fields:
            figures.missing_required += 1
            missing.update(dataset.missing_fields)
        if is_stale(dataset.modified, dataset.accrual_periodicity, now=now):
            figures.stale += 1
            if len(stale) < LIST_LIMIT:
                stale.append(dataset)
    figures.missing_by_field = missing.most_common()
    figures.stale_datasets = stale
    broken = Distribution.objects.filter(dataset__in=datasets, link_status=LinkStatus.BROKEN)
    figures.broken_links = broken.count()
    figures.broken = list(broken.select_related("dataset")[:LIST_LIMIT])
    figures.invalid_datasets = list(datasets.filter(is_valid=False).order_by("title")[:LIST_LIMIT])
    return figures


def trend(publisher: Organization, *, days: int = 90) -> list[PublisherSnapshot]:
    """The publisher's daily snapshots of the last `days` days, oldest first."""
    since = timezone.localdate() - timedelta(days=days)
    return list(PublisherSnapshot.objects.filter(publisher=publisher, date__gte=since).order_by("date"))
