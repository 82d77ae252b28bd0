"""The Data API under /api/data/: query any published table (JSON pages, or streamed CSV, XML,
GeoJSON, JSON and XLSX downloads), read its Table Schema, and run read-only SQL.

Each table's columns and types are added to the OpenAPI document at request time (see
`LiveTableSchemas`), so /api/openapi.json always describes the tables that exist now."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Router, Schema

from civicdata.core.api_errors import error_response

from . import formats, runtime
from .guard import Busy, QueryFailed, QueryTimeout
from .ingest.infer import quote_ident
from .maps import map_points
from .models import DataTable, TableStatus
from .permissions import can_view_table, is_public_table, visible_tables
from .query import AGGREGATES, OPERATORS, ParsedQuery, QueryError, build_sql, parse_query
from .sql import SqlRejected, approximate_json_bytes, run_sql
from .table_query import EXPORT_FORMATS, QueryProblem, guard_problem, run_table_query

router = Router()

OPENAPI_TYPES = {
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    # Table timestamps carry no time zone, so they are not RFC 3339 `date-time` values.
    "datetime": {"type": "string", "description": "date and time in ISO 8601 without a time zone"},
    "geopoint": {"type": "string", "description": "point as text (WKT or (lat, lon))"},
    "string": {"type": "string"},
}


def get_visible_table(request: HttpRequest, dataset: str, table: str) -> DataTable:
    """The table, or 404 when it does not exist or the person may not see it (no existence leak)."""
    try:
        # (dataset, name) is unique: get() asks for no ordering, which first() would add to every request.
        found = DataTable.objects.select_related("dataset", "dataset__publisher", "distribution").get(
            dataset__name=dataset, name=table
        )
    except DataTable.DoesNotExist:
        raise Http404("No such table.") from None
    if not can_view_table(request.user, found):
        raise Http404("No such table.")
    return found


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        formats.dumps(data),
        status=status,
        content_type="application/json",
    )


def _guard_error(exc: Busy | QueryTimeout | QueryFailed) -> HttpResponse:
    return problem_response(guard_problem(exc))


def _query_error(exc: QueryError) -> HttpResponse:
    return error_response(400, exc.message, code="bad_parameter", details=exc.as_dict())


def columns_meta(table: DataTable) -> list[dict[str, Any]]:
    return [
        {"name": f["name"], "title": f.get("title", f["name"]), "type": f.get("type", "string")}
        for f in table.schema.get("fields", [])
    ]


class ColumnOut(Schema):
    name: str
    title: str
    type: str


class FacetValueOut(Schema):
    value: Any
    count: int


class FacetOut(Schema):
    column: str
    values: list[FacetValueOut]
    truncated: bool


class PageOut(Schema):
    dataset: str
    table: str
    columns: list[ColumnOut]
    rows: list[Any]
    next_cursor: str | None = None
    next_offset: int | None = None
    next: str | None = None
    row_count: int
    matching_count: int
    facets: list[FacetOut] = []


class TableOut(Schema):
    name: str
    title: str
    api: str
    row_count: int
    columns: list[ColumnOut]


class SqlIn(Schema):
    sql: str


class SqlOut(Schema):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    truncated_by: str | None = None
    row_cap: int
    byte_cap: int


def problem_response(problem: QueryProblem) -> HttpResponse:
    """A query problem in the API's error envelope (503 answers say when to retry)."""
    response = error_response(problem.status, problem.message, code=problem.code, details=problem.details)
    if problem.status == 503:
        response["Retry-After"] = "2"
    return response


def query_page(request: HttpRequest, table: DataTable) -> HttpResponse:
    """One JSON page of a table, from the same `run_table_query` as the HTML table page."""
    shape = request.GET.get("_shape", "objects")
    if shape not in ("objects", "arrays"):
        return _query_error(QueryError("_shape must be objects or arrays.", param="_shape"))
    result = run_table_query(table, request.GET)
    if result.error is not None:
        return problem_response(result.error)
    names = result.columns
    rows = (
        [list(r) for r in result.rows] if shape == "arrays" else [dict(zip(names, r, strict=True)) for r in result.rows]
    )
    meta = {f["name"]: f for f in columns_meta(table)}
    next_query = result.next_query
    weight = sum(approximate_json_bytes(tuple(r)) for r in result.rows)
    if weight > response_byte_cap():
        return error_response(
            413,
            f"This page would be larger than {settings.DATASTORE_RESPONSE_MAX_MB} MB. Ask for fewer rows "
            "(`limit`) or fewer columns (`fields`), or download the table as a file.",
            code="response_too_large",
            details={"limit": len(result.rows), "byte_cap": response_byte_cap()},
        )
    return _json(
        {
            "dataset": table.dataset.name,
            "table": table.name,
            "columns": [meta.get(n, {"name": n, "title": n, "type": _output_type(n)}) for n in names],
            "rows": rows,
            "next_cursor": result.next_cursor,
            "next_offset": result.next_offset,
            "next": request.build_absolute_uri(request.path) + next_query if next_query else None,
            "row_count": table.row_count,
            "matching_count": result.matching_count,
            "facets": [facet.as_dict() for facet in result.facets],
        }
    )


def _output_type(name: str) -> str:
    return "integer" if name == "count" else "number"


def export_response(request: HttpRequest, table: DataTable, fmt: str) -> HttpResponse:
    """Stream every matching row (filters, sort and fields apply; `limit` optional) in `fmt`."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown format.")
    try:
        parsed = parse_query(request.GET, runtime.table_info(table), export=True)
    except QueryError as exc:
        return _query_error(exc)
    if parsed.cursor is not None:
        return _query_error(QueryError("Downloads do not take a cursor.", param="cursor"))
    sql, params, columns = _export_sql(parsed, table, fmt)
    if fmt == "csv" and sql is not None:
        # DuckDB formats each line (vectorised); Python only joins one string per row.
        types = {f["name"]: f.get("type", "string") for f in table.schema.get("fields", [])}
        line = formats.csv_line_sql([(quote_ident(c), types.get(c) in ("string", "geopoint")) for c in columns])
        sql = f"SELECT {line} AS line FROM ({sql})"  # noqa: S608
    if sql is None:
        return error_response(400, "This table has no coordinates, so it has no GeoJSON form.", code="not_geographic")
    guard = runtime.get_guard()
    cur = runtime.open_cursor(table)
    try:
        batches = guard.stream(cur, sql, params, seconds=settings.DATASTORE_EXPORT_TIMEOUT)
        first = next(batches, [])
    except (Busy, QueryTimeout, QueryFailed) as exc:
        return _guard_error(exc)

    def all_batches() -> Iterator[list[tuple]]:
        if first:
            yield first
        yield from batches

    if fmt == "csv":
        body = formats.csv_lines_stream(columns, all_batches())
    elif fmt == "json":
        shape = request.GET.get("_shape", "objects")
        body = formats.json_stream(
            columns, all_batches(), shape="arrays" if shape == "arrays" else "objects", meta={"table": table.name}
        )
    elif fmt == "xml":
        body = formats.xml_stream(columns, all_batches())
    elif fmt == "geojson":
        body = formats.geojson_stream(columns, all_batches())
    else:
        body = formats.xlsx_stream(columns, all_batches(), sheet=table.name)
    response = StreamingHttpResponse(body, content_type=formats.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{table.dataset.name}-{table.name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_sql(parsed: ParsedQuery, table: DataTable, fmt: str) -> tuple[str | None, list[Any], list[str]]:
    if parsed.grouped:
        sql, params = build_sql(parsed, extra=0)
        return sql, params, parsed.output_columns
    columns = list(parsed.fields)
    if fmt != "geojson":
        sql, params = build_sql(parsed, extra=0, with_rowid=False)
        return sql, params, columns
    if parsed.table.point is None:
        return None, [], []
    lon, lat = parsed.table.point
    sql, params = build_sql(parsed, extra=0, with_rowid=False, extra_select=[f"{lon} AS _lon", f"{lat} AS _lat"])
    return sql, params, [*columns, "_lon", "_lat"]


# -- OpenAPI: live per-table schemas ---------------------------------------------------------


def table_component(table: DataTable) -> dict[str, Any]:
    """JSON Schema of one row of `table` (for the OpenAPI document)."""
    properties = {}
    for f in table.schema.get("fields", []):
        entry = dict(OPENAPI_TYPES.get(f.get("type", "string"), {"type": "string"}))
        entry["type"] = [entry["type"], "null"]  # an empty cell is null
        entry["title"] = f.get("title", f["name"])
        if f.get("description"):
            entry["description"] = f["description"]
        properties[f["name"]] = entry
    return {
        "title": f"{table.dataset.name}/{table.name}",
        "type": "object",
        "description": f"One row of {table.display_title}: GET {table.api_path}",
        "properties": properties,
        "x-filter-operators": list(OPERATORS),
        "x-aggregates": list(AGGREGATES),
    }


class LiveTableSchemas(dict):
    """The `responses` part of the query operation's `openapi_extra`, computed each time the OpenAPI
    document is generated (ninja merges it key by key), so published tables appear with their
    columns, titles and types without restarting the server. Rows are described as `oneOf` the
    per-table row schemas (`anyOf`: a row of one table may also fit another's), or arrays with
    `_shape=arrays`."""

    def _build(self) -> dict[int, Any]:
        try:
            tables = list(
                DataTable.objects.select_related("dataset", "distribution")
                .filter(status=TableStatus.PUBLISHED, version__gt=0)
                .order_by("dataset__name", "name")
            )
        except DatabaseError:
            tables = []
        components = [table_component(t) for t in tables if is_public_table(t)]
        arrays = {"type": "array", "description": "with `_shape=arrays`: the values in the order of `columns`"}
        row_schema: dict[str, Any] = {"anyOf": [*components, arrays]} if components else {"type": ["object", "array"]}
        return {
            200: {
                "description": "A page of rows; each row follows the schema of the requested table.",
                "content": {
                    "application/json": {
                        "schema": {
                            "properties": {"rows": {"type": "array", "items": row_schema}},
                            "x-tables": [c["title"] for c in components],
                        }
                    }
                },
            }
        }

    def __iter__(self):  # type: ignore[override]
        self._cache = self._build()
        return iter(self._cache)

    def __getitem__(self, key: Any) -> Any:
        cache = getattr(self, "_cache", None) or self._build()
        return cache[key]

    def __contains__(self, key: object) -> bool:
        return key == 200

    def __len__(self) -> int:
        return 1

    def keys(self):  # type: ignore[override]
        return list(iter(self))

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in self]


QUERY_DESCRIPTION = (
    "Filters: `column=value` or `column__op=value` with op in "
    + ", ".join(f"`{o}`" for o in OPERATORS)
    + " (`in` takes comma-separated values, `isnull` true/false). `q` searches text columns. `fields` "
    "picks columns, `sort` orders (`-column` for descending, comma-separated), `limit` (default 100, "
    "max 10,000), `cursor` follows `next_cursor`, `offset` pages small tables. `group_by` with "
    "`count`, `sum`, `avg`, `min`, `max` (column names) aggregates. `_shape=arrays` returns rows as "
    "arrays. `_bbox=west,south,east,north` keeps rows located inside the box (tables with points), or "
    "whose shape's bounding box overlaps it (tables of GeoJSON shapes). "
    "`_facet=column` (repeatable) adds the column's most common values with their counts among the "
    "matching rows (`facets`). `matching_count` is the number of rows matching the filters. "
    "Bad parameters answer 400 listing the valid columns and operators."
)


# -- endpoints -------------------------------------------------------------------------------


@router.get("/sql", response=SqlOut, summary="Read-only SQL (GET)", url_name="data_sql_get")
def sql_get(request: HttpRequest, sql: str) -> HttpResponse:
    """Run one SELECT over published tables (named by their SQL name, see each table's `sql_name`).
    Allowed as GET because it can never change anything."""
    return _run_sql(request, sql)


@router.post("/sql", response=SqlOut, summary="Read-only SQL", url_name="data_sql")
def sql_post(request: HttpRequest, payload: SqlIn) -> HttpResponse:
    """Run one SELECT statement with a time limit, a row cap and no file, network or extension access."""
    return _run_sql(request, payload.sql)


def _run_sql(request: HttpRequest, sql: str) -> HttpResponse:
    """Only the tables the person may read are attached; any other name is simply unknown."""
    candidates = DataTable.objects.select_related("dataset").filter(version__gt=0)
    tables = {t.relation: runtime.table_path(t) for t in visible_tables(request.user, candidates)}
    cap = settings.DATASTORE_SQL_ROW_CAP
    byte_cap = response_byte_cap()
    try:
        result = run_sql(
            sql,
            tables,
            guard=runtime.get_guard(),
            row_cap=cap,
            memory_mb=settings.DATASTORE_QUERY_MEMORY_MB,
            max_bytes=byte_cap,
        )
    except SqlRejected as exc:
        return error_response(400, str(exc), code="sql_rejected", details={"tables": sorted(tables)})
    except (Busy, QueryTimeout, QueryFailed) as exc:
        return _guard_error(exc)
    return _json(
        {
            "columns": result.columns,
            "rows": [list(r) for r in result.rows],
            "truncated": result.truncated,
            "truncated_by": result.truncated_by or None,
            "row_cap": cap,
            "byte_cap": byte_cap,
        }
    )


def response_byte_cap() -> int:
    return int(settings.DATASTORE_RESPONSE_MAX_MB) * 1024 * 1024


@router.get("/{dataset}", response=list[TableOut], summary="Tables of a dataset", url_name="data_tables")
def dataset_tables(request: HttpRequest, dataset: str) -> HttpResponse:
    """The queryable tables of a dataset, with their columns."""
    tables = [
        t
        for t in DataTable.objects.select_related("dataset", "dataset__publisher", "distribution").filter(
            dataset__name=dataset
        )
        if can_view_table(request.user, t)
    ]
    if not tables:
        raise Http404("No tables for this dataset.")
    return _json(
        [
            {
                "name": t.name,
                "title": t.display_title,
                "api": request.build_absolute_uri(t.api_path),
                "sql_name": t.relation,
                "row_count": t.row_count,
                "columns": columns_meta(t),
            }
            for t in tables
        ]
    )


@router.get(
    "/{dataset}/{table}/schema",
    summary="Table Schema of a table",
    url_name="data_table_schema",
)
def table_schema(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """The Frictionless Table Schema (the distribution's `describedBy`)."""
    found = get_visible_table(request, dataset, table)
    response = _json(found.schema)
    response["Content-Type"] = "application/schema+json"
    return response


@router.get(
    "/{dataset}/{table}/points",
    summary="Points or shapes of a table for a map (bounded GeoJSON)",
    description=(
        "The located rows matching the filters (same parameters as the query, including "
        "`_bbox=west,south,east,north`: points inside it, or shapes whose bounding box overlaps it), "
        "as a GeoJSON FeatureCollection of at most "
        "DATASTORE_MAP_MAX_POINTS features. `located_count` is how many located rows match; `capped` is true "
        "when not all are drawn. For a table of shapes (a GeoJSON upload's polygons and lines) the corners "
        "of all shapes together are at most DATASTORE_MAP_MAX_VERTICES (`vertex_limit`): long outlines are "
        "thinned (`simplified`) and shapes beyond the budget are left off."
    ),
    url_name="data_table_points",
)
def table_points(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Bounded GeoJSON for the table page's and dataset page's maps."""
    result = map_points(
        get_visible_table(request, dataset, table),
        request.GET,
        cap=settings.DATASTORE_MAP_MAX_POINTS,
        max_vertices=settings.DATASTORE_MAP_MAX_VERTICES,
    )
    if result.error is not None:
        return problem_response(result.error)
    response = _json(result.as_geojson())
    response["Content-Type"] = "application/geo+json"
    return response


@router.get(
    "/{dataset}/{table}.{fmt}",
    summary="Download a table (csv, json, xml, geojson, xlsx)",
    description="Streams every matching row. " + QUERY_DESCRIPTION,
    url_name="data_table_export",
)
def table_export(request: HttpRequest, dataset: str, table: str, fmt: str) -> HttpResponse:
    """Streamed full download in the format named by the suffix; filters and sort apply."""
    return export_response(request, get_visible_table(request, dataset, table), fmt)


@router.get(
    "/{dataset}/{table}",
    response=PageOut,
    summary="Query a table",
    description=QUERY_DESCRIPTION,
    url_name="data_table",
    openapi_extra={"responses": LiveTableSchemas()},
)
def table_query(request: HttpRequest, dataset: str, table: str) -> HttpResponse:
    """Filter, sort, page and aggregate a table; answers a JSON page."""
    return query_page(request, get_visible_table(request, dataset, table))
