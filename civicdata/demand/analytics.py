"""Demand analytics, read only: unmet topics, publisher metrics, trend charts and the release queue.

The writes that feed them (computing topics, priority weights and ratings) are in
`services/topics.py` and `services/priorities.py`.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from civicdata.demand.models import (
    DataRequest,
    DeclineReason,
    DemandItem,
    PriorityRating,
    PriorityWeights,
    RequestStatus,
    Topic,
    TopicSnapshot,
)
from civicdata.demand.prioritisation import Candidate, RankedItem, Weights, rank_candidates


@dataclass(frozen=True)
class UnmetTopic:
    """A demand topic no public dataset answers: a candidate focus area for a TDE project."""

    label: str
    top_terms: list[str]
    volume: int
    examples: list[str]
    requester_types: dict[str, int]
    departments: dict[str, int]


def latest_snapshot() -> TopicSnapshot | None:
    return TopicSnapshot.objects.order_by("-computed_at", "-pk").first()


def list_unmet_topics(*, limit: int = 20) -> list[UnmetTopic]:
    """Unmet topics of the latest snapshot, largest first, as plain data for the projects app."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    return [
        UnmetTopic(
            label=topic.label,
            top_terms=[term for term, _w in topic.top_terms],
            volume=topic.volume,
            examples=list(topic.examples),
            requester_types=dict(topic.requester_types),
            departments=dict(topic.departments),
        )
        for topic in snapshot.topics.filter(is_unmet=True).order_by("-volume", "index")[:limit]
    ]


# ---------------------------------------------------------------- charts


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def trend_spec(topics: list[Topic], *, title: str) -> dict[str, Any]:
    """A Vega-Lite line chart of monthly demand for the given topics.

    Months without demand are drawn as zero, so a line never bridges a gap as if demand had
    continued; points are shown only while there are few months.
    """
    present = sorted({month for topic in topics for month in topic.by_month})
    months = _month_range(present[0], present[-1]) if present else []
    values = [
        {"month": month, "volume": topic.by_month.get(month, 0), "topic": topic.label}
        for topic in topics
        for month in months
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "line", "point": len(months) <= 36, "interpolate": "linear"},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": _("Month")},
            "y": {"field": "volume", "type": "quantitative", "title": _("Demand")},
            "color": {"field": "topic", "type": "nominal", "title": _("Topic")},
        },
    }


def render_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG on the server (no JavaScript in the page)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(json.dumps(spec))


# ---------------------------------------------------------------- publisher metrics


@dataclass(frozen=True)
class PublisherMetrics:
    """Responsiveness of one publisher (or of unassigned requests when `publisher` is None)."""

    publisher: Any
    total: int
    open: int
    published: int
    declined: int
    share_fulfilled: float | None
    median_days_to_first_response: float | None
    median_days_to_fulfil: float | None
    declined_by_reason: dict[str, int]


def publisher_metrics() -> list[PublisherMetrics]:
    """Metrics per responsible publisher (assigned, else addressed), over non-merged requests."""
    from civicdata.accounts.models import Organization

    rows = DataRequest.objects.filter(merged_into__isnull=True).values_list(
        "assigned_publisher_id",
        "publisher_id",
        "status",
        "decline_reason",
        "created_at",
        "first_response_at",
        "closed_at",
    )
    groups: dict[int | None, list[tuple]] = defaultdict(list)
    for assigned, addressed, *rest in rows:
        groups[assigned or addressed].append(tuple(rest))
    organizations = Organization.objects.in_bulk([key for key in groups if key is not None])
    result = []
    for key, items in groups.items():
        published = [i for i in items if i[0] == RequestStatus.PUBLISHED]
        declined = [i for i in items if i[0] == RequestStatus.DECLINED]
        closed = len(published) + len(declined)
        responses = [(i[3] - i[2]).total_seconds() / 86400 for i in items if i[3]]
        fulfil = [(i[4] - i[2]).total_seconds() / 86400 for i in published if i[4]]
        result.append(
            PublisherMetrics(
                publisher=organizations.get(key) if key is not None else None,
                total=len(items),
                open=len(items) - closed,
                published=len(published),
                declined=len(declined),
                share_fulfilled=round(len(published) / closed, 3) if closed else None,
                median_days_to_first_response=round(statistics.median(responses), 1) if responses else None,
                median_days_to_fulfil=round(statistics.median(fulfil), 1) if fulfil else None,
                declined_by_reason=dict(Counter(str(DeclineReason(i[1]).label) for i in declined if i[1])),
            )
        )
    result.sort(key=lambda m: (-m.total, str(m.publisher or "")))
    return result


# ---------------------------------------------------------------- release queue


def current_weights() -> Weights:
    row = PriorityWeights.objects.order_by("-updated_at", "-pk").first()
    if row is None:
        return Weights()
    return Weights(
        demand=row.demand, mission=row.mission, effort=row.effort, privacy=row.privacy, security=row.security
    )


@dataclass(frozen=True)
class QueueEntry:
    """A ranked candidate with its page and the object behind it."""

    ranked: RankedItem
    url: str
    target: Any

    @property
    def reasons(self) -> list[str]:
        """The reasons in the current language."""
        return [reason.render(_) for reason in self.ranked.reasons]


def release_queue(weights: Weights | None = None) -> list[QueueEntry]:
    """Non-public inventory datasets and planned or under-review requests, ranked.

    Demand for a request is 1 + votes + followers; for a dataset it is the weight of its usage
    items plus the votes of requests it is linked to.
    """
    from civicdata.catalog.models import PUBLIC_LEVELS, Dataset

    ratings_d = {r.dataset_id: r for r in PriorityRating.objects.filter(dataset__isnull=False)}
    ratings_r = {r.request_id: r for r in PriorityRating.objects.filter(request__isnull=False)}
    candidates: list[Candidate] = []
    targets: dict[str, tuple[str, Any]] = {}
    datasets = Dataset.objects.filter(
        Q(is_published=False) | ~Q(access_level__in=PUBLIC_LEVELS), withdrawn_at__isnull=True
    ).only("pk", "title", "name", "identifier")[:500]
    usage = dict(
        DemandItem.objects.filter(dataset__isnull=False)
        .values("dataset_id")
        .annotate(total=Sum("weight"))
        .values_list("dataset_id", "total")
    )
    for dataset in datasets:
        rating = ratings_d.get(dataset.pk)
        key = f"dataset-{dataset.pk}"
        candidates.append(_candidate(key, str(dataset), "dataset", usage.get(dataset.pk, 0), rating))
        targets[key] = (dataset.get_absolute_url(), dataset)
    requests = DataRequest.objects.filter(
        status__in=[RequestStatus.PLANNED, RequestStatus.UNDER_REVIEW], merged_into__isnull=True, is_hidden=False
    ).order_by("-vote_count")[:500]
    for request in requests:
        key = f"request-{request.pk}"
        demand = 1 + request.vote_count + request.follower_count
        candidates.append(_candidate(key, request.title, "request", demand, ratings_r.get(request.pk)))
        targets[key] = (request.get_absolute_url(), request)
    ranked = rank_candidates(candidates, weights or current_weights())
    return [
        QueueEntry(ranked=item, url=targets[item.candidate.key][0], target=targets[item.candidate.key][1])
        for item in ranked
    ]


def _candidate(key: str, title: str, kind: str, demand: float, rating: PriorityRating | None) -> Candidate:
    if rating is None:
        return Candidate(key=key, title=title, kind=kind, demand=demand)
    return Candidate(
        key=key,
        title=title,
        kind=kind,
        demand=demand,
        mission=rating.mission,
        effort=rating.effort,
        privacy_risk=rating.privacy_risk,
        security_risk=rating.security_risk,
    )


def _totals(field: str, *, limit: int = 15, exclude_blank: bool = True) -> dict[str, int]:
    queryset = DemandItem.objects.all()
    if exclude_blank:
        queryset = queryset.exclude(**{field: ""})
    rows = queryset.values(field).annotate(total=Sum("weight")).order_by("-total", field)[:limit]
    return {row[field]: row["total"] for row in rows}


def requester_type_totals() -> dict[str, int]:
    """Demand by requester type across requests and imported logs."""
    return _totals("requester_type")


def department_totals(limit: int = 15) -> dict[str, int]:
    """Demand by department named in requests and imported logs."""
    return _totals("department", limit=limit)


def kind_totals() -> dict[str, int]:
    """Demand by kind of signal (requests, log rows, searches, views, downloads)."""
    return _totals("kind", limit=20)
