"""Read-only queries behind the demand pages and API: the filtered request list, a person's triage queue,
similar requests and matching datasets shown before someone submits a new request."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from civicdata.accounts.permissions import coordinated_roots, editable_organizations, is_site_staff
from civicdata.demand.clustering import stop_words
from civicdata.demand.models import OPEN_STATUSES, DataRequest, RequestStatus

SORTS = {
    "votes": ("-vote_count", "-created_at", "-pk"),
    "new": ("-created_at", "-pk"),
    "updated": ("-updated_at", "-pk"),
}


def triage_queue(user: Any) -> QuerySet[DataRequest]:
    """Open requests the person triages: every one for site staff, else those of the organisations they edit,
    plus, for coordinators of a root organisation, the requests that name no department."""
    queue = DataRequest.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
    if not is_site_staff(user):
        orgs = [org.pk for org in editable_organizations(user)]
        mine = Q(publisher_id__in=orgs) | Q(assigned_publisher_id__in=orgs)
        if coordinated_roots(user):
            mine |= Q(publisher__isnull=True, assigned_publisher__isnull=True)
        queue = queue.filter(mine)
    return queue


def public_requests() -> QuerySet[DataRequest]:
    """Requests anyone may see: not hidden by moderation."""
    return DataRequest.objects.filter(is_hidden=False)


def filter_requests(
    queryset: QuerySet[DataRequest],
    *,
    q: str = "",
    status: str = "",
    topic: str = "",
    publisher: str = "",
    sort: str = "votes",
) -> QuerySet[DataRequest]:
    """Apply the list's search, filters and sort (unknown values are ignored)."""
    if q.strip():
        for word in q.split()[:6]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status in RequestStatus.values:
        queryset = queryset.filter(status=status)
    if topic:
        queryset = queryset.filter(topic__iexact=topic)
    if publisher:
        # Resolve the slug first: an OR across two joins would stop the database using its indexes.
        from civicdata.accounts.models import Organization

        org_id = Organization.objects.filter(slug=publisher).values_list("pk", flat=True).first()
        if org_id is None:
            return queryset.none()
        queryset = queryset.filter(Q(publisher_id=org_id) | Q(assigned_publisher_id=org_id))
    return queryset.order_by(*SORTS.get(sort, SORTS["votes"]))


def keywords(text: str, *, limit: int = 6) -> list[str]:
    """The most telling words of a title: long, not stop words, in order of length."""
    stop = stop_words()
    words = {w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in stop}
    return sorted(words, key=lambda w: (-len(w), w))[:limit]


def similar_open_requests(text: str, *, exclude: int | None = None, limit: int = 5) -> list[DataRequest]:
    """Open requests sharing the most keywords with `text` (ties: more votes first)."""
    words = keywords(text)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(description__icontains=word)
    candidates = list(
        public_requests()
        .filter(condition, status__in=OPEN_STATUSES, merged_into__isnull=True)
        .exclude(pk=exclude)
        .order_by("-vote_count")[:200]
    )
    scored = []
    for request in candidates:
        haystack = f"{request.title} {request.description}".lower()
        score = sum(2 if word in request.title.lower() else 1 for word in words if word in haystack)
        scored.append((score, request.vote_count, request))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2].pk))
    return [request for _s, _v, request in scored[:limit]]


def matching_datasets(text: str, *, limit: int = 5) -> list[Any]:
    """Public datasets whose title, description or keywords share words with `text`."""
    from civicdata.catalog.models import PUBLIC_LEVELS, Dataset

    words = keywords(text)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(description__icontains=word)
    candidates = list(
        Dataset.objects.filter(condition, is_published=True, withdrawn_at__isnull=True, access_level__in=PUBLIC_LEVELS)
        .only("pk", "name", "identifier", "title", "description")
        .order_by("pk")[:200]
    )
    scored = []
    for dataset in candidates:
        title = (dataset.title or "").lower()
        haystack = f"{title} {(dataset.description or '').lower()}"
        scored.append((sum(2 if w in title else 1 for w in words if w in haystack), dataset))
    scored.sort(key=lambda item: (-item[0], item[1].pk))
    return [dataset for _s, dataset in scored[:limit]]
