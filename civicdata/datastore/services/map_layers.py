"""Tables copied from ArcGIS REST map layers, kept in step on a schedule: the GIS tool records the layer
behind the table it made; the `map_layers_tick` task pages the layer through again when its time comes and
loads the copy as a new version of the table (the swap is atomic, so a failed copy keeps the last rows)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write
from civicdata.core.errors import InvalidInput
from civicdata.datastore import gis
from civicdata.datastore.models import DataTable, IngestJob, LiveRefresh, MapLayerSource
from civicdata.datastore.permissions import ensure_can_manage_table
from civicdata.datastore.services.schedules import due_sources, next_refresh, run_claimed_copy
from civicdata.datastore.services.tables import start_ingest

#: A copy whose worker died this long ago no longer holds the layer.
STALE_AFTER = timedelta(hours=1)


def check_refresh(refresh: str) -> str:
    """The schedule name, or InvalidInput in plain language."""
    refresh = (refresh or "").strip() or LiveRefresh.MANUAL
    if refresh not in LiveRefresh.values:
        raise InvalidInput(
            _("Choose how often the layer is copied again: %(choices)s.") % {"choices": ", ".join(LiveRefresh.values)},
            code="refresh_unknown",
        )
    return refresh


def record_map_layer(table: DataTable, *, layer_url: str, refresh: str, by: Any) -> MapLayerSource:
    """Remember that `table` is a copy of the layer at `layer_url`, copied again on `refresh`.

    Preconditions: the caller made the table from the layer for `by` (see `tools.convert_gis`), so the
    first copy is already on its way; the next one is due one interval from now."""
    refresh = check_refresh(refresh)
    source, _created = MapLayerSource.objects.update_or_create(
        table=table,
        defaults={
            "layer_url": gis.layer_url(layer_url),
            "refresh": refresh,
            "next_refresh_at": next_refresh(refresh),
            "last_refreshed_at": timezone.now(),
            "last_tried_at": timezone.now(),
            "last_error": "",
            "created_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    record_write(
        actor=by,
        action="datastore.map_layer.register",
        target=source,
        after={"url": source.layer_url, "refresh": refresh},
    )
    return source


def change_map_layer(source: MapLayerSource, *, refresh: str, by: Any) -> MapLayerSource:
    """Change how often the layer is copied again ("manual" stops the schedule)."""
    ensure_can_manage_table(by, source.table)
    refresh = check_refresh(refresh)
    before = source.refresh
    source.refresh = refresh
    source.next_refresh_at = next_refresh(refresh, after=source.last_refreshed_at)
    source.save(update_fields=["refresh", "next_refresh_at"])
    record_write(actor=by, action="datastore.map_layer.change", target=source, before={"refresh": before},
                 after={"refresh": refresh})  # fmt: skip
    return source


def request_map_layer_refresh(source: MapLayerSource, *, by: Any) -> None:
    """Queue a copy now (the "Copy the layer again now" button)."""
    ensure_can_manage_table(by, source.table)
    record_write(actor=by, action="datastore.map_layer.refresh", target=source, after={})
    transaction.on_commit(lambda: _enqueue(source.pk))


def _enqueue(source_id: int) -> None:
    from civicdata.datastore.tasks import refresh_map_layer

    refresh_map_layer.enqueue(source_id=source_id)


def refresh_map_layer_now(source_id: int) -> IngestJob | None:
    """Page the layer through again and queue its load as a new version of the table (the worker runs
    this). A failure is written on the source in plain language; the table keeps its rows."""
    now = timezone.now()

    def copy(source: MapLayerSource) -> tuple[IngestJob, dict[str, Any]]:
        _name, data = gis.read_arcgis_layer(source.layer_url)
        job = start_ingest(source.table, by=source.created_by, upload=ContentFile(data, name="layer.geojson"))
        return job, {"last_refreshed_at": now, "last_features": len(json.loads(data)["features"])}

    return run_claimed_copy(
        MapLayerSource,
        source_id,
        now=now,
        stale_before=now - STALE_AFTER,
        copy=copy,
        expected=(InvalidInput,),
        stamp={"last_tried_at": now},
    )


def due_map_layers(now: Any = None) -> list[int]:
    """Ids of map layer tables whose next copy is due."""
    return due_sources(MapLayerSource, now)
