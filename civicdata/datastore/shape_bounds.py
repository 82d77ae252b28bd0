"""Bounding boxes of a shape table's rows, for the area filter `_bbox` on tables of polygons and lines.

A GeoJSON upload keeps each feature's geometry as GeoJSON text in its `geometry` column (a point as
WKT, "POINT (x y)"). A row matches an area when the *bounding box* of its shape overlaps the area
(edges touching count): quick, and never misses a shape that crosses the area, though a long diagonal
line or an L-shaped area can match a box it does not itself touch.

Reading the corners out of the text costs about 2 seconds per 100,000 detailed polygons (measured:
100,000 polygons of 61 corners, 180 MB of text; the same boxes precomputed answer in 5–25 ms). So
every load writes the boxes once into the table's version file (`_shape_bounds`, keyed by rowid, see
`write_bounds`); a version file written before that computes them inside the query instead (correct,
just slower).
"""

from __future__ import annotations

from typing import Any

import duckdb

#: The side table of a version file: (row_id, west, south, east, north) per row with a shape.
BOUNDS_TABLE = "_shape_bounds"
#: The column whose shapes the side table describes (a GeoJSON upload's geometries).
BOUNDS_COLUMN = "geometry"

_NUMBER = r"(-?[0-9][0-9.eE+-]*)"
_WKT_POINT = rf"^\s*[Pp][Oo][Ii][Nn][Tt]\s*\(\s*{_NUMBER}\s+{_NUMBER}\s*\)\s*$"
# Where the positions sit in each geometry type (numbers may be JSON text: uploads keep exact decimals).
_PATHS = {
    "Point": "$.coordinates",
    "MultiPoint": "$.coordinates[*]",
    "LineString": "$.coordinates[*]",
    "MultiLineString": "$.coordinates[*][*]",
    "Polygon": "$.coordinates[*][*]",
    "MultiPolygon": "$.coordinates[*][*][*]",
}


def _axis(col: str, index: int) -> str:
    """The list of longitudes (index 0) or latitudes (1) of the geometry text in `col`."""
    cases = []
    for kind, path in _PATHS.items():
        extract = f"json_extract_string({col}, '{path}[{index}]')"
        if kind == "Point":
            extract = f"[{extract}]"
        cases.append(f"WHEN '{kind}' THEN {extract}")
    wkt = f"[regexp_extract({col}, '{_WKT_POINT}', {index + 1})]"
    return (
        f"list_transform(CASE WHEN json_valid({col}) THEN CASE json_extract_string({col}, '$.type') "
        f"{' '.join(cases)} END ELSE {wkt} END, lambda v: TRY_CAST(v AS DOUBLE))"
    )


def bounds_select(col: str, relation: str) -> str:
    """SELECT row_id, west, south, east, north of every row of `relation` whose `col` (quoted) holds
    a shape with at least one readable corner."""
    return (
        "SELECT row_id, list_min(xs) AS west, list_min(ys) AS south, list_max(xs) AS east, "  # noqa: S608
        f"list_max(ys) AS north FROM (SELECT rowid AS row_id, {_axis(col, 0)} AS xs, {_axis(col, 1)} AS ys "
        f"FROM {relation} WHERE {col} IS NOT NULL AND {col} <> '') WHERE list_min(xs) IS NOT NULL "
        "AND list_min(ys) IS NOT NULL"
    )


def write_bounds(conn: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """In a version file being written: the boxes of `relation`'s `geometry` text column, when it has
    one. True when the side table was written."""
    found = conn.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = ? AND column_name = ? AND data_type = 'VARCHAR'",
        [relation, BOUNDS_COLUMN],
    ).fetchone()
    if not found or not found[0]:
        return False
    conn.execute(f"DROP TABLE IF EXISTS {BOUNDS_TABLE}")
    col = f'"{BOUNDS_COLUMN}"'
    conn.execute(f"CREATE TABLE {BOUNDS_TABLE} AS {bounds_select(col, relation)} ORDER BY row_id")
    return True


def has_bounds(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the version file a reading cursor uses holds the precomputed boxes."""
    row = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?",
        [BOUNDS_TABLE],
    ).fetchone()
    return bool(row and row[0])


def area_condition(
    col: str, box: tuple[float, float, float, float], *, precomputed: bool, relation: str
) -> tuple[str, list[Any]]:
    """WHERE condition (and its parameters) keeping the rows whose shape in `col` (quoted) has a
    bounding box overlapping `box` (west, south, east, north)."""
    source = BOUNDS_TABLE if precomputed else f"({bounds_select(col, relation)})"
    west, south, east, north = box
    sql = f"rowid IN (SELECT row_id FROM {source} WHERE west <= ? AND east >= ? AND south <= ? AND north >= ?)"  # noqa: S608
    return sql, [east, west, north, south]
