"""JSON API of the POD toolbox's converters, mounted at /api/tools/ beside the catalog's crawl API
(editors of the dataset's publisher): tables found in a PDF, a PDF table loaded, and a GIS file or ArcGIS
layer loaded, each into the Data API."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from civicdata.accounts.auth import signed_in
from civicdata.catalog.files import safe_name
from civicdata.catalog.models import Dataset
from civicdata.core.errors import InvalidInput
from civicdata.datastore import pdftables
from civicdata.datastore.models import MapLayerSource
from civicdata.datastore.permissions import ensure_can_manage_dataset, ensure_can_manage_table
from civicdata.datastore.services import map_layers, tools

router = Router(tags=["tools"])


class FoundTableOut(Schema):
    ref: str
    page: int
    columns: int
    rows: int
    preview: list[list[str]]


class LoadedOut(Schema):
    dataset: str
    distribution: str
    source_distribution: str | None = None
    job_id: int | None = None
    job_url: str | None = None


def _dataset(request: HttpRequest, name: str) -> Dataset:
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=name)
    ensure_can_manage_dataset(request.auth, dataset)
    return dataset


def _pdf(upload: UploadedFile) -> str:
    if not (upload.name or "").lower().endswith(".pdf"):
        raise InvalidInput(_("Send a PDF file."), code="file_type")
    return tools.stash_upload(upload)


@router.post("/pdf-tables/found", response=list[FoundTableOut], auth=signed_in, summary="Tables found in a PDF")
def pdf_tables_found(
    request: HttpRequest,
    dataset: Form[str],
    file: File[UploadedFile],
    pages: Form[str] = "",
    strategy: Form[str] = "auto",
    area: Form[str] = "",
    area_unit: Form[str] = "percent",
) -> list[dict]:
    """The tables on the chosen pages ("1-3, 5"; at most 20 at a time), each with its first rows. `area`
    ("left, top, right, bottom" from the page's top-left corner, in `area_unit` percent or points) reads
    only that rectangle of each page."""
    _dataset(request, dataset)
    chosen_area = pdftables.parse_area(area, area_unit)
    path = tools.stashed_path(_pdf(file))
    try:
        found = pdftables.find_tables(
            path, pdftables.parse_pages(pages, pdftables.page_count(path)), strategy=strategy, area=chosen_area
        )
    finally:
        path.unlink(missing_ok=True)
    return [
        {"ref": t.ref, "page": t.page, "columns": t.width, "rows": len(t.rows), "preview": t.preview} for t in found
    ]


@router.post("/pdf-tables", response={201: LoadedOut}, auth=signed_in, summary="Load tables from a PDF")
def pdf_tables_load(
    request: HttpRequest,
    dataset: Form[str],
    file: File[UploadedFile],
    title: Form[str],
    pages: Form[str] = "",
    strategy: Form[str] = "auto",
    tables: Form[str] = "",
    header_row: Form[int] = 1,
    column_names: Form[str] = "",
    area: Form[str] = "",
    area_unit: Form[str] = "percent",
) -> Status:
    """Load the chosen tables (refs from `/pdf-tables/found`, comma-separated; empty for all) as one
    table of the dataset, with the header row chosen; the PDF is kept as a second distribution. `area`
    and `area_unit` as for `/pdf-tables/found`."""
    found_dataset = _dataset(request, dataset)
    chosen_area = pdftables.parse_area(area, area_unit)
    path = tools.stashed_path(_pdf(file))
    try:
        found = pdftables.find_tables(
            path, pdftables.parse_pages(pages, pdftables.page_count(path)), strategy=strategy, area=chosen_area
        )
        wanted = {ref.strip() for ref in tables.split(",") if ref.strip()}
        chosen = [t for t in found if not wanted or t.ref in wanted]
        header, rows = pdftables.combine(chosen, header_row=header_row, column_names=column_names)
        result = tools.add_converted_table(
            found_dataset,
            data=pdftables.to_csv(header, rows),
            file_name=f"{safe_name(title).removesuffix('.')[:100]}.csv",
            title=title,
            by=request.auth,
            site_url=request.build_absolute_uri("/"),
            source=path,
            source_name=safe_name(file.name or "table.pdf"),
        )
    finally:
        path.unlink(missing_ok=True)
    return Status(201, _loaded(found_dataset, result))


@router.post("/gis", response={201: LoadedOut}, auth=signed_in, summary="Load a GIS file or ArcGIS layer")
def gis_load(
    request: HttpRequest,
    dataset: Form[str],
    layer_url: Form[str] = "",
    title: Form[str] = "",
    refresh: Form[str] = "manual",
) -> Status:
    """A zipped shapefile, GeoPackage or KML/KMZ file sent as `file` (multipart; kept as a second
    distribution), or an ArcGIS FeatureServer/MapServer layer address, loaded with its geometry in WGS 84.
    A layer is copied again on `refresh` (manual, hourly, daily or weekly); see `/map-layers/`."""
    found_dataset = _dataset(request, dataset)
    file = request.FILES.get("file")  # optional: a layer address instead
    if (file is None) == (not layer_url):
        raise InvalidInput(_("Send a file or a layer_url (one of the two)."), code="file_or_layer")
    result = tools.convert_gis(
        dataset=found_dataset,
        upload=file,
        layer_url=layer_url,
        title=title,
        by=request.auth,
        site_url=request.build_absolute_uri("/"),
        refresh=refresh,
    )
    return Status(201, _loaded(found_dataset, result))


class MapLayerOut(Schema):
    dataset: str
    table: str
    layer_url: str
    refresh: str
    refreshing: bool
    last_refreshed_at: datetime | None = None
    last_tried_at: datetime | None = None
    last_features: int | None = None
    last_error: str = ""
    next_refresh_at: datetime | None = None


class MapLayerIn(Schema):
    refresh: str


def _map_layer(request: HttpRequest, dataset: str, table: str) -> MapLayerSource:
    source = get_object_or_404(
        MapLayerSource.objects.select_related("table", "table__dataset__publisher"),
        table__dataset__name=dataset,
        table__name=table,
    )
    ensure_can_manage_table(request.auth, source.table)
    return source


def _map_layer_out(source: MapLayerSource) -> dict:
    return {
        "dataset": source.table.dataset.name,
        "table": source.table.name,
        **{
            field: getattr(source, field)
            for field in (
                "layer_url", "refresh", "refreshing", "last_refreshed_at", "last_tried_at", "last_features",
                "last_error", "next_refresh_at",
            )
        },
    }  # fmt: skip


@router.get("/map-layers/{dataset}/{table}", response=MapLayerOut, auth=signed_in, summary="A map layer table")
def map_layer_get(request: HttpRequest, dataset: str, table: str) -> dict:
    """Where a table made from an ArcGIS layer comes from, its schedule, and how its last copy went."""
    return _map_layer_out(_map_layer(request, dataset, table))


@router.patch("/map-layers/{dataset}/{table}", response=MapLayerOut, auth=signed_in, summary="Change its schedule")
def map_layer_change(request: HttpRequest, dataset: str, table: str, payload: MapLayerIn) -> dict:
    """How often the layer is copied again: manual, hourly, daily or weekly."""
    source = map_layers.change_map_layer(_map_layer(request, dataset, table), refresh=payload.refresh, by=request.auth)
    return _map_layer_out(source)


@router.post(
    "/map-layers/{dataset}/{table}/refresh", response={202: MapLayerOut}, auth=signed_in, summary="Copy it now"
)
def map_layer_refresh(request: HttpRequest, dataset: str, table: str) -> Status:
    """Queue a new copy of the layer now; the table keeps its rows if the map server fails."""
    source = _map_layer(request, dataset, table)
    map_layers.request_map_layer_refresh(source, by=request.auth)
    return Status(202, _map_layer_out(source))


def _loaded(dataset: Dataset, result: tools.ToolResult) -> dict:
    return {
        "dataset": dataset.name,
        "distribution": result.table_distribution.download_url,
        "source_distribution": result.source_distribution.download_url if result.source_distribution else None,
        "job_id": result.job.pk if result.job else None,
        "job_url": result.job.get_absolute_url() if result.job else None,
    }
