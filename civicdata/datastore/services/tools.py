"""Writes of the POD toolbox's converters (tables from PDFs, GIS files and ArcGIS layers): keep an upload
between the steps of a tool, and add the table it made to a dataset as a distribution loaded into the
Data API, with the source file beside it as a second distribution."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from civicdata.catalog import services as catalog_services
from civicdata.catalog.files import SOURCE_KINDS, safe_name
from civicdata.catalog.models import Dataset, Distribution
from civicdata.core.errors import InvalidInput
from civicdata.datastore import gis
from civicdata.datastore.models import IngestJob
from civicdata.datastore.services import map_layers
from civicdata.datastore.services.uploads import load_distribution_file

#: A kept upload older than this is swept (the editor left the tool half-way).
STASH_SECONDS = 24 * 3600
_KEY = re.compile(r"[0-9a-f]{32}")


def stash_dir() -> Path:
    """DATA_DIR/tool-uploads: files kept between the steps of a tool."""
    return Path(settings.DATA_DIR) / "tool-uploads"


def stashed_path(key: str) -> Path:
    """Where the kept upload with this key is (InvalidInput for a key that is not one of ours)."""
    if not _KEY.fullmatch(key or ""):
        raise InvalidInput(_("That upload is not known; upload the file again."), code="stash_unknown")
    return stash_dir() / key


def stash_upload(upload: Any) -> str:
    """Keep an uploaded file (within MAX_UPLOAD_MB) for the next step of a tool; returns its key."""
    limit = int(settings.MAX_UPLOAD_BYTES)
    if not getattr(upload, "size", 0):
        raise InvalidInput(_("The file is empty."), code="file_empty")
    if upload.size > limit:
        raise InvalidInput(
            _("The file is larger than the %(mb)s MB limit.") % {"mb": limit >> 20}, code="file_too_large"
        )
    key = uuid.uuid4().hex
    target = stashed_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise InvalidInput(
                    _("The file is larger than the %(mb)s MB limit.") % {"mb": limit >> 20}, code="file_too_large"
                )
            out.write(chunk)
    return key


def delete_stale_stashes(*, now: float | None = None) -> int:
    """Delete kept uploads older than STASH_SECONDS; returns how many went."""
    root = stash_dir()
    if not root.is_dir():
        return 0
    cutoff = (now or time.time()) - STASH_SECONDS
    deleted = 0
    for path in root.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def sweep_stale_stashes(alive: Any) -> int:
    """The stopped-work sweep's hook (registered in DatastoreConfig.ready()): old kept uploads go. Marks
    no rows failed, so it returns 0."""
    delete_stale_stashes()
    return 0


@dataclass
class ToolResult:
    """What a converter added: the table's distribution, the source's (if kept) and the queued load."""

    table_distribution: Distribution
    source_distribution: Distribution | None
    job: IngestJob | None


def add_converted_table(
    dataset: Dataset,
    *,
    data: bytes,
    file_name: str,
    title: str,
    by: Any,
    site_url: str,
    source: Path | None = None,
    source_name: str = "",
    description: str = "",
) -> ToolResult:
    """Add `data` (a CSV or GeoJSON file called `file_name`) to the dataset as a distribution and queue its
    load into the Data API; keep `source` (the PDF, shapefile, ...) as a second distribution.

    Preconditions: the caller checked that `by` may edit the dataset. Both distributions are added in one
    transaction; the load is queued after commit.
    """
    source_kind = None
    if source is not None:
        source_kind = SOURCE_KINDS.get(Path(source_name).suffix.lower())
        if source_kind is None:
            raise InvalidInput(_("The source file's kind is not one the catalog keeps."), code="file_type")
    with transaction.atomic():
        table_distribution = catalog_services.add_distribution_file(
            dataset,
            upload=ContentFile(data, name=file_name),
            title=title,
            by=by,
            site_url=site_url,
            description=description,
        )
        source_distribution = None
        if source is not None:
            with source.open("rb") as handle:
                source_distribution = catalog_services.add_distribution_file(
                    dataset,
                    upload=File(handle, name=source_name),
                    title=_("%(title)s (original file)") % {"title": title},
                    by=by,
                    site_url=site_url,
                    kind=source_kind,
                )
        job = load_distribution_file(table_distribution, by=by)
    return ToolResult(table_distribution, source_distribution, job)


def convert_gis(
    *, dataset: Dataset, upload: Any, layer_url: str, title: str, by: Any, site_url: str, refresh: str = "manual"
) -> ToolResult:
    """Convert an uploaded GIS file (kept as a second distribution) or an ArcGIS layer into a GeoJSON
    distribution loaded into the Data API (shared by the page and the API). A layer's table remembers
    the layer and is copied again on `refresh` (see `services.map_layers`)."""
    if upload is not None:
        name = safe_name(upload.name or "data")
        if not name.lower().endswith(gis.SUFFIXES):
            raise InvalidInput(
                _("Upload a zipped shapefile (.zip), a GeoPackage (.gpkg) or KML (.kml, .kmz)."), code="file_type"
            )
        key = stash_upload(upload)
        path = stashed_path(key)
        try:
            data = gis.convert_file(path, name)
            stem = name.rsplit(".", 1)[0]
            return add_converted_table(
                dataset,
                data=data,
                file_name=f"{stem}.geojson",
                title=title or stem.replace("_", " "),
                by=by,
                site_url=site_url,
                source=path,
                source_name=name,
            )
        finally:
            path.unlink(missing_ok=True)
    refresh = map_layers.check_refresh(refresh)
    layer_name, data = gis.read_arcgis_layer(layer_url)
    title = title or layer_name
    with transaction.atomic():
        result = add_converted_table(
            dataset,
            data=data,
            file_name=f"{safe_name(title)[:100]}.geojson",
            title=title,
            by=by,
            site_url=site_url,
            description=_("Copied from the map layer %(url)s") % {"url": gis.layer_url(layer_url)},
        )
        if result.job is not None:
            map_layers.record_map_layer(result.job.table, layer_url=layer_url, refresh=refresh, by=by)
    return result
