"""What the catalog's dataset page shows for each table: the first rows, column summaries and saved
charts. `receivers.data_api_panel` renders `datastore/_preview.html` with the context from `preview_context`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from civicdata.core.fragments import NotKept, cached_fragment

from . import runtime
from .dataset_tables import loaded_tables
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


def visible_preview_tables(dataset: Any, user: Any = None) -> list[DataTable]:
    """The dataset's loaded tables the person may see, with their charts (see `loaded_tables`)."""
    return [table for table in loaded_tables(dataset) if can_view_table(user, table)]


def table_preview(table: DataTable, user: Any = None) -> dict[str, Any]:
    """One table's entry of the preview: first rows, column summaries, saved charts and map (the rows
    and summaries are read from DuckDB; a failure becomes the entry's `error`)."""
    entry: dict[str, Any] = {
        "table": table,
        "columns": table_columns(table),
        "charts": list(table.charts.all()),
        "can_manage": can_manage_table(user, table),
        "error": None,
        "map": (map_context(table, area_form="", area_url=table.get_absolute_url()) if has_map(table.schema) else None),
    }
    try:
        entry["rows"] = first_rows(table)
        entry["summaries"] = column_summaries(table)
    except (Busy, QueryTimeout, QueryFailed, StoreError) as exc:
        entry["rows"], entry["summaries"], entry["error"] = [], [], str(exc)
    return entry


def preview_context(dataset: Any, user: Any = None) -> dict[str, Any]:
    """Context for `{% include "datastore/_preview.html" %}` on a dataset page: every table the person
    may see, with first rows, summaries and saved charts. Failures degrade to a message per table."""
    previews = [table_preview(table, user) for table in visible_preview_tables(dataset, user)]
    return {
        "datastore_previews": previews,
        "datastore_preview_rows": PREVIEW_ROWS,
        "datastore_settings": settings,
        "datastore_has_map": any(p["map"] for p in previews),
    }


def preview_parts(table: DataTable) -> tuple[Any, ...]:
    """Everything one table's preview shows: the table's row (its `relation` and `version` name the DuckDB
    data, which never changes under one version), its dataset's and file's names, its charts, the map tiles
    and the number of rows previewed."""
    row = tuple(getattr(table, f.attname) for f in DataTable._meta.concrete_fields)
    charts = tuple((c.pk, c.title, c.chart_type, c.x, c.y, c.aggregate) for c in table.charts.all())
    return (
        row,
        table.dataset.name,
        table.distribution.title,
        charts,
        settings.MAP_TILE_URL,
        settings.MAP_TILE_ATTRIBUTION,
        PREVIEW_ROWS,
    )


def preview_section(table: DataTable) -> SafeString:
    """One table's preview section as HTML, rendered once per version of what it shows (see
    `civicdata.core.fragments`): the DuckDB reads and the rendering are skipped on every later view. The
    section is the same for everyone who may see the table; a section showing an error is not kept."""

    def render() -> str:
        entry = table_preview(table)
        html = render_to_string("datastore/_preview_table.html", {"p": entry, "datastore_preview_rows": PREVIEW_ROWS})
        return NotKept(html) if entry["error"] else html

    return cached_fragment("datastore.preview", preview_parts(table), render)


def preview_sections(dataset: Any, user: Any = None) -> dict[str, Any]:
    """Context of the dataset page's Data API panel: each visible table's section (kept, see
    `preview_section`) and whether any of them draws a map."""
    tables = visible_preview_tables(dataset, user)
    return {
        "datastore_sections": [preview_section(table) for table in tables],
        "datastore_has_map": any(has_map(table.schema) for table in tables),
    }
