"""The published catalog: which datasets each listing holds, and streaming it as a v1.1 `data.json`.

Three listings exist: the Public Data Listing (`/data.json`: published, not withdrawn, public or
restricted public), the Enterprise Data Inventory (every dataset not withdrawn, for staff), and either
of them narrowed to one publisher and its sub-organisations. Responses are streamed one dataset at a time
(orjson per dataset) with an ETag and Last-Modified derived from the listing's state, so a harvester that
asks again gets a 304 without the server serialising anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.db.models import Count, Max, QuerySet

from civicdata.accounts.models import Organization
from civicdata.catalog import pod, records
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
from civicdata.catalog.registry import listing_stamp

STREAM_CHUNK = 1000


class Listing:
    PUBLIC = "public"
    INVENTORY = "inventory"


def organization_tree_ids(publisher: Organization) -> list[int]:
    """The publisher and all organisations below it (component agencies)."""
    ids = [publisher.pk]
    frontier = [publisher.pk]
    while frontier:
        children = list(
            Organization.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
        )
        ids.extend(children)
        frontier = children
    return ids


def listing_queryset(listing: str, *, publisher: Organization | None = None) -> QuerySet[Dataset]:
    """Datasets of a listing, in a stable order (by id)."""
    # Neither listing ever carries a dataset that fails its profile: held-back ("needs fixing") datasets and
    # invalid drafts stay out of the inventory too.
    queryset = Dataset.objects.filter(withdrawn_at__isnull=True, needs_fixing=False).exclude(is_valid=False)
    if listing == Listing.PUBLIC:
        queryset = queryset.filter(is_published=True, access_level__in=PUBLIC_LEVELS)
    if publisher is not None:
        queryset = queryset.filter(publisher_id__in=organization_tree_ids(publisher))
    return queryset.order_by("id")


@dataclass(frozen=True, slots=True)
class ListingState:
    """What validators (ETag, Last-Modified) are computed from: one aggregate query."""

    count: int
    last_modified: datetime | None
    etag: str


def listing_state(queryset: QuerySet[Dataset], *, variant: str) -> ListingState:
    """Count and newest change of a listing, and an ETag that changes whenever either does."""
    figures = queryset.order_by().aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
    stamp = figures["last"].isoformat() if figures["last"] else "-"
    # Links registered by the apps above (the Data API's) are part of the listing too.
    extra = listing_stamp()
    digest = hashlib.sha256(f"{variant}|{figures['count']}|{stamp}|{figures['top']}|{extra}".encode()).hexdigest()[:32]
    return ListingState(count=figures["count"], last_modified=figures["last"], etag=f'"{digest}"')


def catalog_header(*, catalog_url: str) -> dict[str, Any]:
    """The catalog members written before the dataset list."""
    return {
        "@context": pod.POD_V11_CONTEXT,
        "@id": catalog_url,
        "@type": "dcat:Catalog",
        "conformsTo": pod.POD_V11_SCHEMA,
        "describedBy": pod.POD_V11_DESCRIBED_BY,
    }


def stream_catalog(queryset: QuerySet[Dataset], *, catalog_url: str, links_base: str = "") -> Iterator[bytes]:
    """The v1.1 catalog document for `queryset`, as chunks of bytes, reading the database in chunks.

    Distributions carry the links registered by the apps above (see `registry.py`), made absolute with
    `links_base` (the site's address; by default the catalog's own).
    """
    if not links_base:
        parts = urlsplit(catalog_url)
        links_base = f"{parts.scheme}://{parts.netloc}"
    header = orjson.dumps(catalog_header(catalog_url=catalog_url))
    yield header[:-1] + b',"dataset":['
    first = True
    buffer: list[bytes] = []
    for obj in records.iter_pod(queryset, chunk_size=STREAM_CHUNK, links_base=links_base):
        buffer.append(pod.dumps_json(obj) if first else b"," + pod.dumps_json(obj))
        first = False
        if len(buffer) >= 200:
            yield b"".join(buffer)
            buffer.clear()
    if buffer:
        yield b"".join(buffer)
    yield b"]}"
