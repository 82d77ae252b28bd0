"""Demand topics: cluster every demand signal and store the result as a new snapshot."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from civicdata.core.audit import record_write
from civicdata.demand import matching, permissions
from civicdata.demand.clustering import cluster_texts
from civicdata.demand.models import DataRequest, DemandItem, DemandKind, MatchVerdict, Topic, TopicSnapshot
from civicdata.demand.services import matches as decisions


def _public_datasets() -> list[Any]:
    from civicdata.catalog.models import PUBLIC_LEVELS, Dataset

    return list(
        Dataset.objects.filter(is_published=True, withdrawn_at__isnull=True, access_level__in=PUBLIC_LEVELS)
        .only("pk", "name", "identifier", "title", "description", "keyword")
        .order_by("pk")
    )


def _dataset_terms(dataset: Any) -> matching.DatasetTerms:
    keywords = dataset.keyword if isinstance(dataset.keyword, list) else []
    return matching.DatasetTerms.build(dataset.title or "", [str(k) for k in keywords], dataset.description or "")


Scored = tuple[int, matching.Match, Any]  # dataset position, match, staff decision or None


def _match_topics(topics: list[Any], datasets: list[Any]) -> dict[int, tuple[list[Scored], list[Scored]]]:
    """For each topic, the datasets that answer it (overlap weighted by the terms' rarity among these
    datasets, above the learned threshold, or confirmed by staff), best first, and the suggestions staff
    rejected (`services/matches.py`)."""
    terms = [_dataset_terms(d) for d in datasets]
    rarity = matching.Rarity.of(terms)  # once per run: how many public datasets use each term
    decided = decisions.load_decisions()
    found: dict[int, tuple[list[Scored], list[Scored]]] = {}
    for topic in topics:
        query = rarity.weigh(matching.query_from_terms(topic.top_terms))
        signature = matching.signature(topic.top_terms)
        kept: list[Scored] = []
        rejected: list[Scored] = []
        for doc, dataset in enumerate(terms):
            match = matching.score(query, dataset)
            past = datasets[doc].pk in decided
            decision = decisions.find_decision(signature, decided[datasets[doc].pk]) if past else None
            if decision is not None and decision.verdict == MatchVerdict.REJECTED:
                rejected.append((doc, match, decision))
            elif decision is not None or matching.is_match(match):
                kept.append((doc, match, decision))
        kept.sort(key=lambda item: (-item[1].score, item[0]))
        confirmed = [item for item in kept if item[2] is not None]
        suggested = [item for item in kept if item[2] is None][: decisions.MAX_SUGGESTIONS]
        found[topic.index] = (confirmed + suggested, rejected)
    return found


def _entry(dataset: Any, match: matching.Match, decision: Any, usage: dict[int, float]) -> dict[str, Any]:
    return {
        "id": dataset.pk,
        "title": str(dataset),
        "url": dataset.get_absolute_url(),
        "score": round(match.score, 3),
        "terms": list(match.terms[:6]),
        "usage": usage.get(dataset.pk, 0),
        **decisions.decision_fields(decision),
    }


def compute_topics(*, by: Any = None) -> TopicSnapshot:
    """Cluster all demand into topics and store them as a new snapshot (one transaction).

    Each request and each vote is one item (votes carry the request's text and their day); log
    rows and searches weigh their counts. A public dataset answers a topic when it shares more than one
    of the topic's terms with enough weight (`civicdata.demand.matching`) or staff confirmed it, and
    never when staff rejected it (`services/matches.py`); topics without any are unmet.
    `by` None is the scheduler or the command line; a person must be demand staff.
    """
    if by is not None:
        permissions.ensure_can_use_staff_pages(by)
    started = time.perf_counter()
    keep, texts, weights = _counted_items()
    result = cluster_texts(texts, weights=weights)
    datasets = _public_datasets()
    matches = _match_topics(result.topics, datasets)
    usage = _dataset_usage()
    stats = _topic_stats(keep, weights, result.assignments)
    with transaction.atomic():
        snapshot = TopicSnapshot.objects.create(
            item_count=len(texts),
            k=result.k,
            vocabulary_size=result.vocabulary_size,
            seconds=round(time.perf_counter() - started, 3),
        )
        topics = []
        for topic in result.topics:
            entry = stats[topic.index]
            kept, rejected = matches.get(topic.index, ([], []))
            matched = decisions.order_matches([_entry(datasets[doc], m, d, usage) for doc, m, d in kept])
            topics.append(
                Topic(
                    snapshot=snapshot,
                    index=topic.index,
                    label=topic.label[:200],
                    top_terms=[[term, weight] for term, weight in topic.top_terms],
                    examples=topic.examples,
                    volume=entry["volume"],
                    by_kind=dict(entry["kind"]),
                    by_month=dict(sorted(entry["month"].items())),
                    requester_types=dict(entry["rtype"].most_common(10)),
                    departments=dict(entry["dept"].most_common(10)),
                    matching_datasets=matched,
                    rejected_datasets=[_entry(datasets[doc], m, d, usage) for doc, m, d in rejected],
                    is_unmet=not matched,
                )
            )
        Topic.objects.bulk_create(topics)
        if by is not None:
            record_write(actor=by, action="demand.compute_topics", target=snapshot)
    return snapshot


def _counted_items() -> tuple[list[tuple], list[str], list[float]]:
    """The demand items that count (rows), with their texts and weights in the same order."""
    rows = list(
        DemandItem.objects.filter(~Q(kind__in=[DemandKind.VIEW, DemandKind.DOWNLOAD]))
        .values_list("pk", "kind", "text", "weight", "occurred_on", "requester_type", "department", "request_id")
        .order_by("pk")
    )
    # Hidden requests do not count; merged duplicates count through the request they were merged into.
    excluded = set(
        DataRequest.objects.filter(Q(is_hidden=True) | Q(merged_into__isnull=False)).values_list("pk", flat=True)
    )
    texts, weights, keep = [], [], []
    for row in rows:
        _pk, _kind, text, weight, _day, _rtype, _dept, request_id = row
        if request_id is not None and request_id in excluded:
            continue
        texts.append(text)
        weights.append(float(weight))
        keep.append(row)
    return keep, texts, weights


def _dataset_usage() -> dict[int, float]:
    """Views and downloads per dataset."""
    return dict(
        DemandItem.objects.filter(kind__in=[DemandKind.VIEW, DemandKind.DOWNLOAD], dataset__isnull=False)
        .values("dataset_id")
        .annotate(total=Sum("weight"))
        .values_list("dataset_id", "total")
    )


def _topic_stats(keep: list[tuple], weights: list[float], assignments: Any) -> dict[int, dict[str, Any]]:
    """Per topic: its volume and the weights by kind, month, requester type and department."""
    stats: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"kind": Counter(), "month": Counter(), "rtype": Counter(), "dept": Counter(), "volume": 0}
    )
    for (_pk, kind, _text, _w, day, rtype, dept, _rid), weight, topic_index in zip(
        keep, weights, assignments, strict=True
    ):
        if topic_index < 0:
            continue
        entry = stats[topic_index]
        entry["volume"] += int(weight)
        entry["kind"][kind] += int(weight)
        entry["month"][day.strftime("%Y-%m")] += int(weight)
        if rtype:
            entry["rtype"][rtype] += int(weight)
        if dept:
            entry["dept"][dept] += int(weight)
    return stats
