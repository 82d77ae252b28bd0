"""The published catalog: which datasets each listing holds, and streaming it as a v1.1 `data.json`.

Three listings exist: the Public Data Listing (`/data.json`: published, not withdrawn, public or
restricted public), the Enterprise Data Inventory (every dataset not withdrawn, for staff), and either
of them narrowed to one publisher and its sub-organisations. Responses are streamed one dataset at a time
(orjson per dataset) with an ETag and Last-Modified derived from the listing's state, so a harvester that
asks again gets a 304 without the server serialising anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection
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


#: Listing figures by (database, listing query), with the catalog stamp they were counted at.
_figures: dict[tuple[str, str], tuple[tuple, dict[str, Any]]] = {}
_figures_lock = threading.Lock()


def _catalog_stamp() -> tuple:
    """Changes whenever any dataset is written (every write sets `updated_at`; new ones raise the top id).
    Two index look-ups, where counting a listing reads every row."""
    newest = Dataset.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    top = Dataset.objects.order_by("-id").values_list("id", flat=True).first()
    return (newest, top)


def listing_state(queryset: QuerySet[Dataset], *, variant: str) -> ListingState:
    """Count and newest change of a listing, and an ETag that changes whenever either does.

    Counting a 100,000-dataset listing reads the whole table (about 0.2 s), so its figures are remembered
    with the catalog's stamp (in the process and in the shared cache) and counted again only after a write.
    """
    sql, params = queryset.order_by().query.sql_with_params()
    key = (f"{connection.vendor}:{connection.settings_dict.get('NAME')}", f"{sql}|{params!r}")
    stamp = _catalog_stamp()
    found = _figures.get(key)
    if found is not None and found[0] == stamp:
        figures = found[1]
    else:
        # Shared between processes through the cache: the worker that wrote /data.json ahead counted it,
        # so the web processes' first request after a change does not count again.
        shared = "catalog:listing-figures:" + hashlib.sha256(f"{key!r}|{stamp!r}".encode()).hexdigest()[:40]
        figures = cache.get(shared)
        if figures is None:
            figures = queryset.order_by().aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
            cache.set(shared, figures, timeout=24 * 3600)
        with _figures_lock:
            _figures[key] = (stamp, figures)
            while len(_figures) > 256:
                _figures.pop(next(iter(_figures)))
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


# --- the kept document ---------------------------------------------------------------------------

#: Bytes read from a kept document per chunk.
KEPT_CHUNK = 1024 * 1024


def kept_folder() -> Path:
    """Where serialised listings are kept (DATA_DIR/cache/listings)."""
    return Path(settings.DATA_DIR) / "cache" / "listings"


def kept_catalog(
    queryset: QuerySet[Dataset], *, etag: str, variant: str, catalog_url: str
) -> tuple[Iterator[bytes], int | None]:
    """The listing's document as chunks, and its length when it is known.

    Serialising 100,000 datasets costs about half a minute of CPU, so the first answer for a listing's state
    (its ETag, which changes whenever a dataset of the listing, its count or a registered link changes) is
    written to a file in `kept_folder()` while it streams; later answers for the same state and address read
    that file (hundreds of MB/s) with its length. Older states of the same listing are removed once a newer
    one is complete; a stream that stops half-way leaves nothing behind.
    """
    folder, prefix, name = _kept_place(etag=etag, variant=variant, catalog_url=catalog_url)
    try:
        handle = (folder / name).open("rb")
    except OSError:
        return _stream_and_keep(stream_catalog(queryset, catalog_url=catalog_url), folder, prefix, name), None
    return _read_kept(handle), os.fstat(handle.fileno()).st_size


def _kept_place(*, etag: str, variant: str, catalog_url: str) -> tuple[Path, str, str]:
    """(folder, prefix of the listing at this address, file name of this state) of a kept document."""
    prefix = hashlib.sha256(f"{variant}|{catalog_url}".encode()).hexdigest()[:16]
    return kept_folder(), prefix, f"{prefix}-{hashlib.sha256(etag.encode()).hexdigest()[:32]}.json"


def listing_variant(listing: str, publisher: Organization | None) -> str:
    """What tells listings apart in ETags and kept documents."""
    return f"{listing}:{publisher.pk if publisher else '-'}"


def prepare_listing(*, catalog_url: str, listing: str = Listing.PUBLIC, publisher: Organization | None = None) -> bool:
    """Write the listing's document for its current state before anyone asks for it (the worker does this
    after an import or a harvest, and on the catalog's schedule), so that even the first person to ask
    after a change is answered from the kept file. `catalog_url` is the listing's public address, as
    requests name it. True when a document was written, False when the current one was already kept."""
    queryset = listing_queryset(listing, publisher=publisher)
    variant = listing_variant(listing, publisher)
    state = listing_state(queryset, variant=variant)
    folder, prefix, name = _kept_place(etag=state.etag, variant=variant, catalog_url=catalog_url)
    if (folder / name).is_file():
        return False
    for _chunk in _stream_and_keep(stream_catalog(queryset, catalog_url=catalog_url), folder, prefix, name):
        pass
    return (folder / name).is_file()


def _read_kept(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(KEPT_CHUNK):
            yield chunk


def _stream_and_keep(chunks: Iterator[bytes], folder: Path, prefix: str, name: str) -> Iterator[bytes]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f"{name}.", suffix=".part", dir=folder)
    except OSError:  # a read-only or full disk: serve without keeping
        yield from chunks
        return
    complete = False
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                yield chunk
        # Atomic: a concurrent reader sees the whole previous file, no file, or the whole new one.
        os.replace(temporary, folder / name)
        complete = True
        for older in folder.glob(f"{prefix}-*.json"):
            if older.name != name:
                older.unlink(missing_ok=True)
        # Parts of streams whose process was stopped half-way (an hour is far beyond any stream).
        stale = time.time() - 3600
        for part in folder.glob(f"{prefix}-*.part"):
            with contextlib.suppress(OSError):
                if part.stat().st_mtime < stale:
                    part.unlink()
    finally:
        if not complete:
            Path(temporary).unlink(missing_ok=True)
