"""Reading datasets out of the database as POD v1.1 objects, in bulk and without loading everything.

`/data.json`, the exports, the CKAN API and the revision history all need the POD form of stored
datasets; this module rebuilds it from the columns (see `columns.py`) in chunks so that 100k datasets
stream in constant memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from civicdata.catalog import columns as layout
from civicdata.catalog import pod
from civicdata.catalog.models import Dataset, Distribution
from civicdata.catalog.registry import distribution_links_for, with_distribution_links

DATASET_VALUE_FIELDS: tuple[str, ...] = (
    "id",
    *layout.DATASET_SCALARS,
    "pod_type",
    "publisher_json",
    "contact_point_json",
    "has_distribution_list",
    "extras",
    "fidelity",
)
DISTRIBUTION_VALUE_FIELDS: tuple[str, ...] = (
    "dataset_id",
    "position",
    *layout.DISTRIBUTION_SCALARS,
    "pod_type",
    "extras",
    "fidelity",
)
DEFAULT_CHUNK = 1000


def _distributions_by_dataset(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = Distribution.objects.filter(dataset_id__in=ids).order_by("dataset_id", "position")
    for row in rows.values(*DISTRIBUTION_VALUE_FIELDS):
        grouped[row["dataset_id"]].append(row)
    return grouped


def iter_pod_rows(
    queryset: QuerySet[Dataset], *, chunk_size: int = DEFAULT_CHUNK, links_base: str | None = None
) -> Iterator[tuple[int, dict]]:
    """(dataset id, POD object) for every dataset of `queryset`, reading `chunk_size` rows at a time.

    With `links_base` (the site's address), distributions get the links the apps above the catalog
    registered (the Data API's `accessURL` and `describedBy`), for output only.
    """
    rows = queryset.values(*DATASET_VALUE_FIELDS).iterator(chunk_size=chunk_size)
    while True:
        chunk = list(islice(rows, chunk_size))
        if not chunk:
            return
        listed = [row["id"] for row in chunk if row["has_distribution_list"]]
        dists = _distributions_by_dataset(listed)
        links = distribution_links_for(listed) if links_base is not None else {}
        for row in chunk:
            obj = pod.to_pod(layout.flat_from_columns(row, dists.get(row["id"], [])))
            if links:
                obj = with_distribution_links(row["id"], obj, links, base_url=links_base or "")
            yield row["id"], obj


def iter_pod(
    queryset: QuerySet[Dataset], *, chunk_size: int = DEFAULT_CHUNK, links_base: str | None = None
) -> Iterator[dict[str, Any]]:
    """The POD objects of `queryset`, in its order, streamed in chunks (see `iter_pod_rows`)."""
    for _, obj in iter_pod_rows(queryset, chunk_size=chunk_size, links_base=links_base):
        yield obj


def dataset_pod(dataset: Dataset) -> dict[str, Any]:
    """The POD object of one dataset instance as stored now (its distributions are read unless they were
    prefetched on the instance, as the dataset page does)."""
    row = {name: getattr(dataset, name) for name in DATASET_VALUE_FIELDS if name != "id"}
    prefetched = getattr(dataset, "_prefetched_objects_cache", {}).get("distributions")
    if prefetched is not None:
        ordered = sorted(prefetched, key=lambda d: d.position)
        dists = [{name: getattr(d, name) for name in DISTRIBUTION_VALUE_FIELDS} for d in ordered]
    else:
        dists = list(
            Distribution.objects.filter(dataset=dataset).order_by("position").values(*DISTRIBUTION_VALUE_FIELDS)
        )
    return pod.to_pod(layout.flat_from_columns(row, dists if dataset.has_distribution_list else []))


def published_pod(dataset: Dataset, *, links_base: str) -> dict[str, Any]:
    """The POD object of one dataset as the listings publish it: stored metadata plus registered links."""
    obj = dataset_pod(dataset)
    if not dataset.has_distribution_list:
        return obj
    return with_distribution_links(dataset.pk, obj, distribution_links_for([dataset.pk]), base_url=links_base)


def pods_for(datasets: Iterable[Dataset]) -> dict[int, dict[str, Any]]:
    """POD objects for already-loaded dataset instances (one query for all their distributions)."""
    items = list(datasets)
    dists = _distributions_by_dataset([d.pk for d in items if d.has_distribution_list])
    result: dict[int, dict[str, Any]] = {}
    for dataset in items:
        row = {name: getattr(dataset, name) for name in DATASET_VALUE_FIELDS if name != "id"}
        result[dataset.pk] = pod.to_pod(layout.flat_from_columns(row, dists.get(dataset.pk, [])))
    return result
