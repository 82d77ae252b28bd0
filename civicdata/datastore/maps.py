"""The bounded GeoJSON behind a table's map: the located rows matching the current filters, at most
`DATASTORE_MAP_MAX_POINTS` of them, with a flag saying when more match than are drawn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from . import runtime
from .guard import Busy, QueryFailed, QueryTimeout
from .ingest.infer import quote_ident
from .models import DataTable
from .query import QueryError, parse_query
from .store import DATA_TABLE
from .table_query import QueryProblem, guard_problem


@dataclass(frozen=True)
class MapResult:
    """Points to draw (longitude, latitude, label), how many located rows match, and any problem."""

    points: list[tuple[float, float, str]]
    located_count: int
    cap: int
    error: QueryProblem | None = None

    @property
    def capped(self) -> bool:
        return self.located_count > len(self.points)

    def as_geojson(self) -> dict[str, Any]:
        """A FeatureCollection with foreign members `located_count`, `feature_limit` and `capped`."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [x, y]},
                    "properties": {"label": label},
                }
                for x, y, label in self.points
            ],
            "located_count": self.located_count,
            "feature_limit": self.cap,
            "capped": self.capped,
        }


def label_column(schema: dict[str, Any]) -> str | None:
    """The first text column: what a marker's pop-up names (an offence, an address, a permit type)."""
    for f in schema.get("fields", []):
        if f.get("type", "string") == "string":
            return f["name"]
    return None


def map_points(table: DataTable, query: QueryDict, *, cap: int, ignore: Iterable[str] = ()) -> MapResult:
    """The located rows matching the filters in `query` (paging and sort do not apply), in row order,
    at most `cap`. Runs under the query guard; never raises for a bad query or a busy server."""
    try:
        parsed = parse_query(query, runtime.table_info(table), ignore=ignore)
    except QueryError as exc:
        return MapResult([], 0, cap, QueryProblem(400, "bad_parameter", exc.message, exc.as_dict()))
    if parsed.table.point is None:
        problem = QueryProblem(400, "not_geographic", "This table has no locations, so it has no map.")
        return MapResult([], 0, cap, problem)
    lon, lat = parsed.table.point
    where = [*parsed.where, f"{lon} IS NOT NULL", f"{lat} IS NOT NULL"]
    label = label_column(table.schema)
    label_sql = f"CAST({quote_ident(label)} AS VARCHAR)" if label else "''"
    clause = " WHERE " + " AND ".join(where)
    points_sql = f"SELECT {lon}, {lat}, {label_sql} FROM {DATA_TABLE}{clause} ORDER BY rowid LIMIT {int(cap)}"  # noqa: S608
    count_sql = f"SELECT count(*) FROM {DATA_TABLE}{clause}"  # noqa: S608
    try:
        guard = runtime.get_guard()
        cur = runtime.open_cursor(table)
        with guard.slot(), guard.deadline(cur):
            rows = cur.execute(points_sql, parsed.params).fetchall()
            located = int(cur.execute(count_sql, parsed.params).fetchone()[0])
    except (Busy, QueryTimeout, QueryFailed) as exc:
        return MapResult([], 0, cap, guard_problem(exc))
    return MapResult([(float(x), float(y), text or "") for x, y, text in rows], located, cap)
