"""Catalog exports of the Public Data Listing: CSV and XLSX (a row per dataset or per distribution) and
DCAT RDF (JSON-LD, Turtle), streamed from the database through the writers in `catalog/exports.py`."""

from __future__ import annotations

import tempfile
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_safe

from civicdata.catalog import exports, records
from civicdata.catalog.publishing import Listing, listing_queryset
from civicdata.catalog.services import catalog_settings


def _datasets(request: HttpRequest):
    # Distributions carry the Data API links (accessURL, describedBy) as in /data.json.
    return records.iter_pod(listing_queryset(Listing.PUBLIC), links_base=request.build_absolute_uri("/").rstrip("/"))


def _dataset_iri(request: HttpRequest):
    base = request.build_absolute_uri("/datasets/")

    def iri_for(identifier: str) -> str:
        return base + quote(identifier, safe="") + "/"

    return iri_for


@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """`/catalog/export.csv` (`?per=distribution` for one row per distribution)."""
    per = "distribution" if request.GET.get("per") == "distribution" else "dataset"
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in exports.iter_csv(_datasets(request), per=per)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="catalog-{per}s.csv"'
    return response


@require_safe
def export_xlsx(request: HttpRequest) -> FileResponse:
    """`/catalog/export.xlsx`: a workbook with a Datasets and a Distributions sheet."""
    # xlsxwriter needs a seekable file; a temporary file keeps memory flat for large catalogs.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    exports.write_xlsx(_datasets(request), handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename="catalog.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_safe
def export_jsonld(request: HttpRequest) -> StreamingHttpResponse:
    """`/catalog/catalog.jsonld`: DCAT as JSON-LD."""
    chunks = exports.iter_jsonld(
        _datasets(request),
        catalog_iri=request.build_absolute_uri("/data.json"),
        title=catalog_settings().title,
        dataset_iri=_dataset_iri(request),
    )
    return StreamingHttpResponse((c.encode("utf-8") for c in chunks), content_type="application/ld+json")


@require_safe
def export_turtle(request: HttpRequest) -> StreamingHttpResponse:
    """`/catalog/catalog.ttl`: DCAT as Turtle."""
    chunks = exports.iter_turtle(
        _datasets(request),
        catalog_iri=request.build_absolute_uri("/data.json"),
        title=catalog_settings().title,
        dataset_iri=_dataset_iri(request),
    )
    return StreamingHttpResponse((c.encode("utf-8") for c in chunks), content_type="text/turtle; charset=utf-8")
