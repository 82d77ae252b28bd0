"""What the catalog's dataset page shows for each table: the first rows, column summaries and saved
charts. `receivers.data_api_panel` renders `datastore/_preview.html` with the context from `preview_context`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from . import runtime
from .guard import Busy, QueryFailed, QueryTimeout
from .ingest.infer import quote_ident
from .maps import has_map
from .models import DataTable
from .permissions import can_manage_table, can_view_table
from .schema import point_source
from .store import DATA_TABLE, StoreError

PREVIEW_ROWS = 10
ORDERED_TYPES = ("integer", "number", "date", "datetime")


def table_columns(table: DataTable) -> list[dict[str, Any]]:
    return [
        {
            "name": f["name"],
            "title": f.get("title") or f["name"],
            "type": f.get("type", "string"),
            "description": f.get("description", ""),
        }
        for f in table.schema.get("fields", [])
    ]


def map_context(
    table: DataTable, params: Sequence[tuple[str, str]] = (), *, area_form: str = "area-form", area_url: str = ""
) -> dict[str, Any]:
    """What `datastore/_map.html` needs: the bounded GeoJSON address for these filters, the tiles, and
    where "Filter to this area" goes (the table page's area form, or an address taking `_bbox`). For a
    table of shapes (polygons, lines) the area keeps the rows whose shape's bounding box overlaps it."""
    query = "?" + urlencode(list(params)) if params else ""
    points = point_source(table.schema) is not None
    return {
        "id": f"map-{table.pk}",
        "points_url": f"{table.api_path}/points{query}",
        "shapes": not points,
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "area_form": area_form,
        "area_url": area_url,
    }


def column_summaries(table: DataTable) -> list[dict[str, Any]]:
    """Filled/missing counts, distinct values and min/max per column, in one aggregate query."""
    columns = table_columns(table)
    if not columns:
        return []
    parts = []
    for c in columns:
        col = quote_ident(c["name"])
        parts.append(f"count({col})")
        parts.append(f"approx_count_distinct({col})")
        if c["type"] in ORDERED_TYPES:
            parts.append(f"min({col})")
            parts.append(f"max({col})")
        else:
            parts.append("NULL")
            parts.append("NULL")
    guard = runtime.get_guard()
    cur = runtime.open_cursor(table)
    with guard.slot(), guard.deadline(cur):
        row = cur.execute(f"SELECT {', '.join(parts)} FROM {DATA_TABLE}").fetchone()  # noqa: S608
    total = table.row_count or 0
    result = []
    for i, c in enumerate(columns):
        filled, distinct, low, high = row[i * 4 : i * 4 + 4]
        result.append(
            {
                **c,
                "filled": filled,
                "missing": total - filled,
                "missing_percent": round(100 * (total - filled) / total, 1) if total else 0.0,
                "distinct": distinct,
                "min": low,
                "max": high,
            }
        )
    return result


def first_rows(table: DataTable, limit: int = PREVIEW_ROWS) -> list[tuple]:
    guard = runtime.get_guard()
    cur = runtime.open_cursor(table)
    with guard.slot(), guard.deadline(cur):
        return cur.execute(f"SELECT * FROM {DATA_TABLE} ORDER BY rowid LIMIT {int(limit)}").fetchall()  # noqa: S608


def preview_context(dataset: Any, user: Any = None) -> dict[str, Any]:
    """Context for `{% include "datastore/_preview.html" %}` on a dataset page: every table the person
    may see, with first rows, summaries and saved charts. Failures degrade to a message per table."""
    previews = []
    tables = DataTable.objects.filter(dataset=dataset, version__gt=0).select_related(
        "dataset", "dataset__publisher", "distribution"
    )
    for table in tables.prefetch_related("charts"):
        if not can_view_table(user, table):
            continue
        entry: dict[str, Any] = {
            "table": table,
            "columns": table_columns(table),
            "charts": list(table.charts.all()),
            "can_manage": can_manage_table(user, table),
            "error": None,
            "map": (
                map_context(table, area_form="", area_url=table.get_absolute_url()) if has_map(table.schema) else None
            ),
        }
        try:
            entry["rows"] = first_rows(table)
            entry["summaries"] = column_summaries(table)
        except (Busy, QueryTimeout, QueryFailed, StoreError) as exc:
            entry["rows"], entry["summaries"], entry["error"] = [], [], str(exc)
        previews.append(entry)
    return {
        "datastore_previews": previews,
        "datastore_preview_rows": PREVIEW_ROWS,
        "datastore_settings": settings,
        "datastore_has_map": any(p["map"] for p in previews),
    }
