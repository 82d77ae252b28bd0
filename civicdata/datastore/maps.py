"""The bounded GeoJSON behind a table's map: the located rows matching the current filters, at most
`DATASTORE_MAP_MAX_POINTS` of them, with a flag saying when more match than are drawn.

A table has points (latitude/longitude columns or a geopoint column, see `schema.point_source`) or
shapes: a GeoJSON upload keeps each feature's polygon or line as GeoJSON text in its `geometry`
column (see `ingest.sources._feature_row`). Shapes are bounded twice: at most the feature cap, and
at most `DATASTORE_MAP_MAX_VERTICES` corners together — long outlines are thinned to fit, and shapes
beyond the budget are left off (`capped`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from . import runtime
from .guard import Busy, QueryFailed, QueryTimeout
from .ingest.infer import quote_ident
from .models import DataTable
from .query import ParsedQuery, QueryError, parse_query
from .schema import point_source
from .store import DATA_TABLE
from .table_query import QueryProblem, guard_problem


@dataclass(frozen=True)
class MapResult:
    """Points to draw (longitude, latitude, label), how many located rows match, and any problem."""

    points: list[tuple[float, float, str]]
    located_count: int
    cap: int
    error: QueryProblem | None = None
    #: (GeoJSON geometry, label) of a shape table's rows; empty for a point table.
    shapes: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    #: True when some outline is drawn with fewer corners than the data holds.
    simplified: bool = False
    vertex_limit: int | None = None

    @property
    def capped(self) -> bool:
        return self.located_count > len(self.points) + len(self.shapes)

    def as_geojson(self) -> dict[str, Any]:
        """A FeatureCollection with foreign members `located_count`, `feature_limit` and `capped`
        (and, for shapes, `vertex_limit` and `simplified`)."""
        features = [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": {"label": label}}
            for x, y, label in self.points
        ]
        features += [
            {"type": "Feature", "geometry": geometry, "properties": {"label": label}} for geometry, label in self.shapes
        ]
        body: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": features,
            "located_count": self.located_count,
            "feature_limit": self.cap,
            "capped": self.capped,
        }
        if self.vertex_limit is not None:
            body["vertex_limit"] = self.vertex_limit
            body["simplified"] = self.simplified
        return body


#: The column name a GeoJSON upload gives its features' geometries.
SHAPE_COLUMN = "geometry"
SHAPE_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
_WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)\s*$", re.IGNORECASE)


def shape_column(schema: dict[str, Any]) -> str | None:
    """The text column holding GeoJSON geometries (a GeoJSON upload's `geometry`), when the table has
    no points; None otherwise. `x-geo.shape` in the schema names another column."""
    if point_source(schema) is not None:
        return None
    fields = {f["name"]: f for f in schema.get("fields", [])}
    name = (schema.get("x-geo") or {}).get("shape") or SHAPE_COLUMN
    field_ = fields.get(name)
    if field_ is None or field_.get("type", "string") != "string":
        return None
    return name


def has_map(schema: dict[str, Any]) -> bool:
    """True when the table's rows can be drawn: points, or shapes."""
    return point_source(schema) is not None or shape_column(schema) is not None


def _vertex_count(coords: Any) -> int:
    """How many positions nested lists hold (a position is a list of numbers, not of lists)."""
    if not isinstance(coords, list):
        return 0
    if coords and not isinstance(coords[0], list):
        return 1
    return sum(_vertex_count(c) for c in coords)


def _position(p: Any) -> list[float] | None:
    """[longitude, latitude] rounded to 6 decimals (about 10 cm), or None when not a position on Earth.
    A GeoJSON upload keeps exact decimals, so numbers may arrive as text."""
    if not isinstance(p, list) or len(p) < 2 or any(isinstance(v, (bool, list, dict)) for v in p[:2]):
        return None
    try:
        x, y = float(p[0]), float(p[1])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        return None
    return [round(x, 6), round(y, 6)]


def _thin(line: list, keep: int, *, ring: bool) -> list:
    """At most about `keep` positions of `line`, evenly spaced, first and last kept; rounded to 6
    decimals (about 10 cm). A ring keeps at least 4 positions and stays closed."""
    keep = max(keep, 4 if ring else 2)
    out = [q for q in (_position(p) for p in (line if isinstance(line, list) else [])) if q is not None]
    if len(out) > keep:
        step = (len(out) - 1) / (keep - 1)
        out = [out[round(i * step)] for i in range(keep)]
    if ring and out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _shape(value: str, budget: int) -> tuple[dict[str, Any] | None, bool]:
    """The GeoJSON geometry in a cell (or a WKT point), with at most about `budget` corners; and whether
    it was thinned. (None, False) for a cell that is not a geometry we can draw."""
    match = _WKT_POINT.match(value)
    if match:
        position = _position([match[1], match[2]])
        return ({"type": "Point", "coordinates": position}, False) if position else (None, False)
    try:
        geometry = json.loads(value)
    except ValueError:
        return None, False
    if not isinstance(geometry, dict) or geometry.get("type") not in SHAPE_TYPES:
        return None, False
    kind, coords = geometry["type"], geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        return None, False
    total = _vertex_count(coords)
    ratio = min(1.0, budget / total) if total else 1.0
    try:
        if kind == "Point":
            out: Any = _position(coords) or []
        elif kind in ("MultiPoint", "LineString"):
            out = _thin(coords, math.ceil(len(coords) * ratio), ring=False)
        elif kind in ("MultiLineString", "Polygon"):
            lines = (_thin(line, math.ceil(len(line) * ratio), ring=kind == "Polygon") for line in coords)
            out = [line for line in lines if line]
        else:  # MultiPolygon
            polygons = ([_thin(ring, math.ceil(len(ring) * ratio), ring=True) for ring in poly] for poly in coords)
            out = [[ring for ring in poly if ring] for poly in polygons if any(poly)]
    except TypeError:
        return None, False
    if not _vertex_count(out):
        return None, False
    return {"type": kind, "coordinates": out}, _vertex_count(out) < total


def label_column(schema: dict[str, Any]) -> str | None:
    """The first text column: what a marker's pop-up names (an offence, an address, a permit type)."""
    for f in schema.get("fields", []):
        if f.get("type", "string") == "string":
            return f["name"]
    return None


def map_points(
    table: DataTable, query: QueryDict, *, cap: int, max_vertices: int = 100_000, ignore: Iterable[str] = ()
) -> MapResult:
    """The located rows matching the filters in `query` (paging and sort do not apply), in row order,
    at most `cap` (and, for shapes, at most `max_vertices` corners together). Runs under the query
    guard; never raises for a bad query or a busy server."""
    try:
        parsed = parse_query(query, runtime.table_info(table), ignore=ignore)
    except QueryError as exc:
        return MapResult([], 0, cap, QueryProblem(400, "bad_parameter", exc.message, exc.as_dict()))
    if parsed.table.point is None:
        shape = shape_column(table.schema)
        if shape is not None:
            return _map_shapes(table, parsed, shape, cap=cap, max_vertices=max_vertices)
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


def _map_shapes(table: DataTable, parsed: ParsedQuery, shape: str, *, cap: int, max_vertices: int) -> MapResult:
    """The rows' shapes, each thinned to an equal share of the corner budget (at least 16 corners), and
    left off once the budget is spent."""
    col = quote_ident(shape)
    where = [*parsed.where, f"{col} IS NOT NULL", f"{col} <> ''"]
    label = label_column({"fields": [f for f in table.schema.get("fields", []) if f["name"] != shape]})
    label_sql = f"CAST({quote_ident(label)} AS VARCHAR)" if label else "''"
    clause = " WHERE " + " AND ".join(where)
    shapes_sql = f"SELECT {col}, {label_sql} FROM {DATA_TABLE}{clause} ORDER BY rowid LIMIT {int(cap)}"  # noqa: S608
    count_sql = f"SELECT count(*) FROM {DATA_TABLE}{clause}"  # noqa: S608
    try:
        guard = runtime.get_guard()
        cur = runtime.open_cursor(table)
        with guard.slot(), guard.deadline(cur):
            rows = cur.execute(shapes_sql, parsed.params).fetchall()
            located = int(cur.execute(count_sql, parsed.params).fetchone()[0])
    except (Busy, QueryTimeout, QueryFailed) as exc:
        return MapResult([], 0, cap, guard_problem(exc), vertex_limit=max_vertices)
    share = max(16, max_vertices // max(1, len(rows)))
    shapes: list[tuple[dict[str, Any], str]] = []
    used, simplified = 0, False
    for value, text in rows:
        geometry, thinned = _shape(str(value), share)
        if geometry is None:
            located -= 1  # text that is not a drawable geometry is not a location
            continue
        corners = _vertex_count(geometry["coordinates"])
        if used + corners > max_vertices:
            break
        used += corners
        simplified = simplified or thinned
        shapes.append((geometry, text or ""))
    return MapResult(
        [], max(located, len(shapes)), cap, shapes=shapes, simplified=simplified, vertex_limit=max_vertices
    )
