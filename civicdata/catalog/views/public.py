"""Public catalog pages: dataset search, dataset pages, downloads, and the published `data.json` listings."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from civicdata.accounts.models import Organization
from civicdata.catalog import permissions, records, services, signals
from civicdata.catalog.models import AccessLevel, Dataset, Distribution, DistributionFile
from civicdata.catalog.publishing import Listing, kept_catalog, listing_queryset, listing_state, listing_variant
from civicdata.catalog.registry import render_dataset_panels
from civicdata.catalog.schemaorg import schema_org_dataset
from civicdata.catalog.search import FACETS, SearchQuery, Sort, publisher_labels, query_for_user, search_datasets
from civicdata.catalog.spatial import parse_bbox_text

PAGE_SIZE = 20
FACET_TITLES = {
    "publisher": _("Publisher"),
    "theme": _("Category"),
    "keyword": _("Keyword"),
    "format": _("Format"),
    "access_level": _("Access level"),
    "license": _("License"),
}


# --- search --------------------------------------------------------------------------------------


def parse_search(request: HttpRequest) -> SearchQuery:
    """The SearchQuery described by a request's query string (shared by the page and the API)."""
    params = request.GET
    filters = {facet: [v for v in params.getlist(facet) if v][:5] for facet in FACETS if params.getlist(facet)}
    sort = params.get("sort", Sort.RELEVANCE)
    if sort not in Sort.CHOICES:
        sort = Sort.RELEVANCE
    try:
        page = max(1, min(int(params.get("page", "1")), 500))
    except ValueError:
        page = 1
    bbox = parse_bbox_text(params.get("bbox", "")) if params.get("bbox") else None
    return query_for_user(
        request.user,
        text=params.get("q", "").strip()[:200],
        filters=filters,
        sort=sort,
        bbox=bbox,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )


@require_safe
def dataset_search(request: HttpRequest) -> HttpResponse:
    """`/datasets/`: full-text search with facets, sorts and a bounding-box filter; works without JS."""
    query = parse_search(request)
    result = search_datasets(query)
    if query.text and result.total == 0 and query.offset == 0:
        # Announced for the demand app, which counts unmet searches as requests for data.
        signals.search_found_nothing.send(
            sender=None, query=query.text, language=getattr(request, "LANGUAGE_CODE", "en")
        )
    labels = publisher_labels([value for value, _n in result.facets.get("publisher", [])])
    access_labels = dict(AccessLevel.choices)
    facets = []
    for facet in FACETS:
        values = []
        for value, count in result.facets.get(facet, []):
            selected = value in query.filters.get(facet, [])
            label = labels.get(value, value) if facet == "publisher" else access_labels.get(value, value)
            values.append({"value": value, "label": label, "count": count, "selected": selected})
        if values:
            facets.append({"name": facet, "title": FACET_TITLES[facet], "values": values})
    page = query.offset // PAGE_SIZE + 1
    base_params = [(key, value) for key, values in request.GET.lists() if key != "page" for value in values]
    pages = {
        "previous": urlencode([*base_params, ("page", page - 1)]) if page > 1 else "",
        "next": urlencode([*base_params, ("page", page + 1)]) if query.offset + PAGE_SIZE < result.total else "",
        "number": page,
        "count": max(1, (result.total + PAGE_SIZE - 1) // PAGE_SIZE),
    }
    context = {
        "query": query,
        "result": result,
        "facets": facets,
        "pages": pages,
        "sorts": [
            (Sort.RELEVANCE, _("Relevance")),
            (Sort.MODIFIED, _("Recently modified")),
            (Sort.VIEWS, _("Most viewed")),
            (Sort.TITLE, _("Title")),
        ],
        "bbox": request.GET.get("bbox", ""),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "catalog/search.html", context)


# --- dataset page --------------------------------------------------------------------------------


def get_dataset(key: str) -> Dataset:
    """A dataset by identifier, or by its short name; 404 otherwise."""
    found = Dataset.objects.select_related("publisher").filter(identifier=key).first()
    if found is None:
        found = get_object_or_404(Dataset.objects.select_related("publisher"), name=key)
    return found


@require_safe
def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A dataset page with its distributions, contact, license, usage notes and schema.org JSON-LD."""
    dataset = get_dataset(key)
    permissions.ensure_can_view_dataset(request.user, dataset)
    services.record_dataset_view(dataset)
    # The files once, ordered, for this page and for the panels below (`dataset.distributions.all()`).
    prefetch_related_objects([dataset], Prefetch("distributions", queryset=Distribution.objects.order_by("position")))
    data = records.dataset_pod(dataset)
    json_ld = schema_org_dataset(data, url=request.build_absolute_uri(dataset.get_absolute_url()))
    context = {
        "dataset": dataset,
        "data": data,
        "distributions": list(dataset.distributions.all()),
        "notes": list(dataset.usage_notes.all()),
        "publisher_chain": [dataset.publisher, *dataset.publisher.ancestors()],
        # Escape "<" so the JSON can never close the script element early.
        "json_ld": json.dumps(json_ld, ensure_ascii=False).replace("<", "\\u003c"),
        "can_edit": permissions.can_edit_dataset(request.user, dataset),
        "extras": {k: v for k, v in data.items() if k not in _SHOWN_FIELDS},
        # Panels from the apps above the catalog, e.g. the datastore's Data API preview.
        "dataset_panels": render_dataset_panels(request, dataset),
    }
    return render(request, "catalog/dataset_detail.html", context)


_SHOWN_FIELDS = {
    "@type",
    "title",
    "description",
    "keyword",
    "distribution",
    "contactPoint",
    "publisher",
    "license",
    "identifier",
    "accessLevel",
    "modified",
}


@require_POST
def distribution_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Count a download (nothing about the visitor is kept) and send the browser to the file."""
    distribution = get_object_or_404(Distribution.objects.select_related("dataset__publisher"), pk=pk)
    permissions.ensure_can_view_dataset(request.user, distribution.dataset)
    stored = DistributionFile.objects.filter(distribution=distribution).select_related("dataset").first()
    if stored is not None:
        # The file's own address counts the download (and also serves links from data.json).
        return HttpResponseRedirect(stored.get_absolute_url())
    target = distribution.url or ""
    if not target.startswith(("https://", "http://")):
        return HttpResponseRedirect(distribution.dataset.get_absolute_url())
    services.record_distribution_download(distribution)
    return HttpResponseRedirect(target)


# --- data.json -----------------------------------------------------------------------------------


def _listing_response(request: HttpRequest, *, listing: str, publisher: Organization | None) -> HttpResponse:
    queryset = listing_queryset(listing, publisher=publisher)
    variant = listing_variant(listing, publisher)
    state = listing_state(queryset, variant=variant)
    last_modified = http_date(state.last_modified.timestamp()) if state.last_modified else None
    if request.headers.get("If-None-Match") == state.etag:
        return HttpResponseNotModified(headers={"ETag": state.etag})
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if (
        since is not None
        and state.last_modified is not None
        and "If-None-Match" not in request.headers
        and int(state.last_modified.timestamp()) <= since
    ):
        return HttpResponseNotModified(headers={"ETag": state.etag})
    chunks, length = kept_catalog(
        queryset,
        etag=state.etag,
        variant=variant,
        catalog_url=request.build_absolute_uri(request.path),
    )
    response = StreamingHttpResponse(chunks, content_type="application/json")
    if length is not None:
        response["Content-Length"] = str(length)
    response["ETag"] = state.etag
    if last_modified:
        response["Last-Modified"] = last_modified
    # Inventories are private; the public listing may be cached by browsers and proxies briefly.
    response["Cache-Control"] = "private, no-cache" if listing == Listing.INVENTORY else "public, max-age=300"
    response["Vary"] = "Cookie"
    return response


@require_safe
def data_json(request: HttpRequest) -> HttpResponse:
    """`/data.json`: the Public Data Listing; `?inventory=1` gives staff the Enterprise Data Inventory."""
    if request.GET.get("inventory"):
        permissions.ensure_can_see_inventory(request.user)
        return _listing_response(request, listing=Listing.INVENTORY, publisher=None)
    return _listing_response(request, listing=Listing.PUBLIC, publisher=None)


@require_safe
def inventory_json(request: HttpRequest) -> HttpResponse:
    """`/catalog/inventory.json`: the Enterprise Data Inventory (staff only)."""
    permissions.ensure_can_see_inventory(request.user)
    return _listing_response(request, listing=Listing.INVENTORY, publisher=None)


@require_safe
def publisher_data_json(request: HttpRequest, slug: str) -> HttpResponse:
    """`/publishers/<slug>/data.json`: one publisher's listing (with its sub-organisations)."""
    publisher = get_object_or_404(Organization, slug=slug, kind="publisher")
    if request.GET.get("inventory"):
        permissions.ensure_can_see_inventory(request.user, publisher)
        return _listing_response(request, listing=Listing.INVENTORY, publisher=publisher)
    return _listing_response(request, listing=Listing.PUBLIC, publisher=publisher)
