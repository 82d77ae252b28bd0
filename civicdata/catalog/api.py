"""Native JSON API of the catalog, mounted at /api/catalog/: dataset search and listing (cursor
pagination), dataset detail as POD v1.1 plus catalog fields, publishers, and for editors the release
checklist and publishing."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from civicdata.accounts.auth import signed_in
from civicdata.accounts.models import Organization
from civicdata.catalog import permissions, records, release, services
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
from civicdata.catalog.search import FACETS, Sort, query_for_user, search_datasets
from civicdata.catalog.spatial import parse_bbox_text
from civicdata.catalog.tools.api import router as tools_router
from civicdata.core.errors import InvalidInput
from civicdata.core.pagination import MAX_LIMIT, decode_cursor, encode_cursor

router = Router()


class DatasetSummary(Schema):
    identifier: str | None
    name: str
    title: str | None
    description: str | None
    publisher: str
    access_level: str | None
    modified: str | None
    keyword: list[Any] | None
    url: str
    view_count: int
    download_count: int


class DatasetPage(Schema):
    items: list[DatasetSummary]
    next_cursor: str | None = None
    total: int
    facets: dict[str, list[tuple[str, int]]] = {}


class DatasetDetail(Schema):
    identifier: str | None
    name: str
    publisher: str
    url: str
    is_published: bool
    is_valid: bool | None
    view_count: int
    download_count: int
    pod: dict[str, Any]


class PublisherOut(Schema):
    slug: str
    name: str
    parent: str | None
    dataset_count: int
    data_json: str


class SearchParams(Schema):
    q: str = ""
    sort: str = Sort.RELEVANCE
    publisher: list[str] = []
    theme: list[str] = []
    keyword: list[str] = []
    format: list[str] = []
    access_level: list[str] = []
    license: list[str] = []
    bbox: str = ""
    facets: bool = False
    cursor: str | None = None
    limit: int = 20


def _summary(dataset: Dataset) -> dict[str, Any]:
    return {
        "identifier": dataset.identifier,
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "publisher": dataset.publisher.slug,
        "access_level": dataset.access_level,
        "modified": dataset.modified,
        "keyword": dataset.keyword,
        "url": dataset.get_absolute_url(),
        "view_count": dataset.view_count,
        "download_count": dataset.download_count,
    }


@router.get("/datasets", response=DatasetPage, summary="Search and list datasets")
def list_datasets(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Full-text search with facet filters (publisher, theme, keyword, format, access_level, license), a
    bounding box (`bbox=west,south,east,north`) and sorts (relevance, modified, views, title). The cursor
    is opaque; pass `next_cursor` back to get the next page. `facets=true` adds facet counts."""
    if params.limit < 1 or params.limit > MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.", code="invalid_limit")
    if params.sort not in Sort.CHOICES:
        raise InvalidInput(f"sort must be one of {', '.join(Sort.CHOICES)}.", code="invalid_sort")
    offset = 0
    if params.cursor:
        values = decode_cursor(params.cursor)
        if not values or not isinstance(values[0], int) or values[0] < 0:
            raise InvalidInput("The cursor is not one this API gave out.", code="invalid_cursor")
        offset = values[0]
    bbox = None
    if params.bbox:
        bbox = parse_bbox_text(params.bbox)
        if bbox is None:
            raise InvalidInput("bbox must be west,south,east,north in degrees.", code="invalid_bbox")
    filters = {facet: getattr(params, facet) for facet in FACETS if getattr(params, facet)}
    query = query_for_user(
        request.user, text=params.q, filters=filters, sort=params.sort, bbox=bbox, offset=offset, limit=params.limit
    )
    result = search_datasets(query, facets=FACETS if params.facets else ())
    next_offset = offset + params.limit
    return {
        "items": [_summary(d) for d in result.datasets],
        "next_cursor": encode_cursor([next_offset]) if next_offset < result.total else None,
        "total": result.total,
        "facets": result.facets,
    }


class ChecklistItemOut(Schema):
    key: str
    label: str
    met: bool
    manual: bool
    reasons: list[str]


class ReleaseOut(Schema):
    name: str
    is_published: bool
    can_publish: bool
    items: list[ChecklistItemOut]


def _release_out(dataset: Dataset) -> dict[str, Any]:
    items = release.release_checklist(dataset)
    return {
        "name": dataset.name,
        "is_published": dataset.is_published,
        "can_publish": all(item.met for item in items),
        "items": [
            {"key": i.key, "label": i.label, "met": i.met, "manual": i.manual, "reasons": list(i.reasons)}
            for i in items
        ],
    }


def _editable_dataset(user: Any, name: str) -> Dataset:
    dataset = Dataset.objects.select_related("publisher").filter(name=name).first()
    if dataset is None:
        raise Http404("No such dataset.")
    permissions.ensure_can_edit_dataset(user, dataset)
    return dataset


@router.get("/releases/{name}", response=ReleaseOut, auth=signed_in, summary="Release checklist of a dataset")
def release_checklist(request: HttpRequest, name: str) -> dict[str, Any]:
    """Editors of the dataset's publisher: every checklist item (computed or confirmed by a person),
    whether it is met, and what to do when it is not."""
    return _release_out(_editable_dataset(request.auth, name))


@router.post("/releases/{name}/publish", response=ReleaseOut, auth=signed_in, summary="Publish a dataset")
def publish(request: HttpRequest, name: str) -> dict[str, Any]:
    """Editors of the dataset's publisher. Refused with 400 (`release_checklist_incomplete`) and the
    list of unmet items in `details` while the checklist is not complete, as on the page."""
    dataset = services.publish_dataset(_editable_dataset(request.auth, name), by=request.auth)
    return _release_out(dataset)


@router.get("/datasets/{path:identifier}", response=DatasetDetail, summary="One dataset")
def dataset_detail(request: HttpRequest, identifier: str) -> dict[str, Any]:
    """A dataset by identifier (or short name): its POD v1.1 object and catalog fields."""
    dataset = Dataset.objects.select_related("publisher").filter(identifier=identifier).first()
    dataset = dataset or Dataset.objects.select_related("publisher").filter(name=identifier).first()
    if dataset is None:
        raise Http404("No such dataset.")
    permissions.ensure_can_view_dataset(request.user, dataset)
    return {
        "identifier": dataset.identifier,
        "name": dataset.name,
        "publisher": dataset.publisher.slug,
        "url": dataset.get_absolute_url(),
        "is_published": dataset.is_published,
        "is_valid": dataset.is_valid,
        "view_count": dataset.view_count,
        "download_count": dataset.download_count,
        "pod": records.published_pod(dataset, links_base=request.build_absolute_uri("/").rstrip("/")),
    }


@router.get("/publishers", response=list[PublisherOut], summary="Publishers")
def list_publishers(request: HttpRequest) -> list[dict[str, Any]]:
    """Every publisher with the number of datasets in its public listing."""
    from django.db.models import Count, Q

    public = Q(
        datasets__is_published=True, datasets__withdrawn_at__isnull=True, datasets__access_level__in=PUBLIC_LEVELS
    )
    orgs = (
        Organization.objects.filter(kind="publisher")
        .select_related("parent")
        .annotate(n=Count("datasets", filter=public))
        .order_by("name")
    )
    return [
        {
            "slug": org.slug,
            "name": org.name,
            "parent": org.parent.slug if org.parent else None,
            "dataset_count": org.n,
            "data_json": f"/publishers/{org.slug}/data.json",
        }
        for org in orgs
    ]


# The validator and merger API (catalog/tools/api.py) shares this router's prefix.
router.add_router("", tools_router)
