"""Build safe DuckDB queries from Data API request parameters.

Identifiers only ever come from the table's known columns (quoted), values are always bound
parameters, and every mistake raises QueryError naming the valid columns and operators.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from civicdata.core import cursors

from .ingest.infer import TRUE_WORDS, quote_ident
from .shape_bounds import area_condition
from .store import DATA_TABLE

OPERATORS = ("exact", "gt", "gte", "lt", "lte", "ne", "in", "contains", "startswith", "isnull")
AGGREGATES = ("count", "sum", "avg", "min", "max")
RESERVED = frozenset(
    {"q", "fields", "sort", "limit", "cursor", "offset", "group_by", *AGGREGATES, "_shape", "format", "_format"}
)
#: `_bbox=west,south,east,north` keeps rows whose point lies inside the box, or (tables of shapes) whose
#: shape's bounding box overlaps it.
BBOX_PARAM = "_bbox"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_IN_VALUES = 200
MAX_Q_WORDS = 6

_SQL_OPS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "ne": "<>"}


class QueryError(ValueError):
    """A bad request parameter; `as_dict()` is the body of the 400 response."""

    def __init__(self, message: str, *, param: str | None = None, columns: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.columns = list(columns)

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "param": self.param,
            "valid_columns": self.columns,
            "valid_operators": list(OPERATORS),
            "valid_aggregates": list(AGGREGATES),
        }


@dataclass(frozen=True)
class TableInfo:
    """What the query builder needs to know about a table: column names → Table Schema types."""

    types: dict[str, str]
    row_count: int = 0
    offset_max_rows: int = 50_000
    point: tuple[str, str] | None = None  # SQL for (longitude, latitude), when rows have a location
    shape: str | None = None  # SQL for the column of GeoJSON shapes, when rows have polygons or lines
    shape_bounds: bool = False  # the version file holds the shapes' precomputed boxes (shape_bounds.py)

    @classmethod
    def from_schema(
        cls,
        schema: Mapping[str, Any],
        *,
        row_count: int = 0,
        offset_max_rows: int = 50_000,
    ) -> TableInfo:
        from .maps import shape_column
        from .schema import point_sql

        point = point_sql(dict(schema))
        shape = shape_column(dict(schema)) if point is None else None
        return cls(
            types={f["name"]: f.get("type", "string") for f in schema.get("fields", [])},
            row_count=row_count,
            offset_max_rows=offset_max_rows,
            point=point,
            shape=quote_ident(shape) if shape else None,
        )

    @property
    def columns(self) -> list[str]:
        return list(self.types)


@dataclass
class ParsedQuery:
    table: TableInfo
    fields: list[str]
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0
    cursor: list[Any] | None = None
    group_by: list[str] = field(default_factory=list)
    aggregates: list[tuple[str, str]] = field(default_factory=list)  # (function, column or *)
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north

    @property
    def grouped(self) -> bool:
        return bool(self.group_by or self.aggregates)

    @property
    def output_columns(self) -> list[str]:
        if self.grouped:
            return [*self.group_by, *(_agg_name(fn, col) for fn, col in self.aggregates)]
        return list(self.fields)

    def sort_signature(self) -> str:
        text = ",".join(f"{'-' if d else ''}{c}" for c, d in self.sort)
        return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


def _agg_name(fn: str, col: str) -> str:
    return "count" if fn == "count" and col == "*" else f"{fn}_{col}"


class _Params:
    """Uniform access to a Django QueryDict, a dict of lists or a dict of strings."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def names(self) -> list[str]:
        return list(self.data.keys())

    def getlist(self, key: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            return [str(v) for v in self.data.getlist(key)]
        value = self.data.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]

    def get(self, key: str) -> str | None:
        values = self.getlist(key)
        return values[-1] if values else None


def _csv_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def coerce(value: str, ftype: str, *, column: str, columns: Sequence[str]) -> Any:
    """Turn a text parameter into the Python value matching the column type (for binding)."""
    text = value.strip()
    try:
        if ftype == "integer":
            return int(text)
        if ftype == "number":
            return float(text)
        if ftype == "boolean":
            lowered = text.lower()
            if lowered in TRUE_WORDS | {"1"}:
                return True
            if lowered in {"false", "f", "no", "n", "0"}:
                return False
            raise ValueError
        if ftype == "date":
            return dt.date.fromisoformat(text)
        if ftype == "datetime":
            return (
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                if "T" in text or " " in text
                else (dt.datetime.combine(dt.date.fromisoformat(text), dt.time()))
            )
    except ValueError:
        expected = {
            "integer": "a whole number",
            "number": "a number",
            "boolean": "true or false",
            "date": "a date like 2024-01-31",
            "datetime": "a date-time like 2024-01-31T08:30",
        }[ftype]
        raise QueryError(
            f"{value!r} is not a valid value for column {column!r}: expected {expected}.",
            param=column,
            columns=columns,
        ) from None
    return value


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_query(
    params: Mapping[str, Any],
    table: TableInfo,
    *,
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
    export: bool = False,
    ignore: Iterable[str] = (),
) -> ParsedQuery:
    """Validate request parameters into a ParsedQuery. `export=True` lifts the row limit (full
    downloads stream every matching row) unless `limit` is given."""
    p = _Params(params)
    fields = [_known(table, n, "fields") for n in _csv_list(p.get("fields"))] or list(table.columns)
    query = ParsedQuery(table=table, fields=fields)
    _add_filters(query, p, set(ignore))
    _add_search(query, p)
    _add_bbox(query, p)
    _add_grouping(query, p)
    _add_sort(query, p)
    _add_paging(query, p, default_limit=default_limit, max_limit=max_limit, export=export)
    return query


def _fail(table: TableInfo, message: str, param: str | None = None) -> QueryError:
    return QueryError(message, param=param, columns=table.columns)


def _known(table: TableInfo, name: str, param: str) -> str:
    if name not in table.types:
        raise _fail(table, f"Unknown column {name!r} in {param}.", param)
    return name


def _add_filters(query: ParsedQuery, p: _Params, ignored: set[str]) -> None:
    """`column=value` and `column__op=value` parameters become WHERE conditions."""
    table = query.table
    columns = table.columns
    for key in p.names():
        if key in RESERVED or key in ignored or key.startswith("_"):
            continue
        column, _, op = key.partition("__")
        op = op or "exact"
        if column not in table.types:
            raise _fail(table, f"Unknown column {column!r} in filter {key!r}.", key)
        if op not in OPERATORS:
            raise _fail(table, f"Unknown operator {op!r} in filter {key!r}.", key)
        ftype = table.types[column]
        col = quote_ident(column)
        for raw in p.getlist(key):
            if op == "isnull":
                flag = raw.strip().lower()
                if flag not in {"true", "false", "1", "0", "yes", "no"}:
                    raise _fail(table, f"{key} takes true or false, not {raw!r}.", key)
                query.where.append(f"{col} IS {'' if flag in {'true', '1', 'yes'} else 'NOT '}NULL")
            elif op == "in":
                values = _csv_list(raw)
                if not values or len(values) > MAX_IN_VALUES:
                    raise _fail(table, f"{key} takes 1 to {MAX_IN_VALUES} comma-separated values.", key)
                coerced = [coerce(v, ftype, column=column, columns=columns) for v in values]
                query.where.append(f"{col} IN ({', '.join('?' for _ in coerced)})")
                query.params.extend(coerced)
            elif op in ("contains", "startswith"):
                pattern = _like_escape(raw)
                pattern = f"%{pattern}%" if op == "contains" else f"{pattern}%"
                query.where.append(f"CAST({col} AS VARCHAR) ILIKE ? ESCAPE '\\'")
                query.params.append(pattern)
            else:
                if ftype in ("string", "geopoint"):
                    value: Any = raw
                else:
                    value = coerce(raw, ftype, column=column, columns=columns)
                query.where.append(f"{col} {_SQL_OPS[op]} ?")
                query.params.append(value)


def _add_search(query: ParsedQuery, p: _Params) -> None:
    """Full-text search `q`: every word must appear in some text column."""
    q = (p.get("q") or "").strip()
    if not q:
        return
    table = query.table
    text_cols = [c for c, t in table.types.items() if t in ("string", "geopoint")] or table.columns
    for word in q.split()[:MAX_Q_WORDS]:
        pattern = f"%{_like_escape(word)}%"
        ors = [f"CAST({quote_ident(c)} AS VARCHAR) ILIKE ? ESCAPE '\\'" for c in text_cols]
        query.where.append("(" + " OR ".join(ors) + ")")
        query.params.extend([pattern] * len(ors))


def parse_bbox(raw: str) -> tuple[float, float, float, float] | None:
    """`west,south,east,north` in degrees, or None when the text is not such a box."""
    parts = raw.split(",")
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    in_range = all(-180 <= x <= 180 for x in (west, east)) and all(-90 <= y <= 90 for y in (south, north))
    if not in_range or west > east or south > north:
        return None
    return west, south, east, north


def _add_bbox(query: ParsedQuery, p: _Params) -> None:
    """`_bbox`: rows whose point lies inside the box, or whose shape's bounding box overlaps it (edges
    included)."""
    raw = (p.get(BBOX_PARAM) or "").strip()
    if not raw:
        return
    table = query.table
    if table.point is None and table.shape is None:
        raise _fail(table, "This table has no locations, so it cannot be filtered by area.", BBOX_PARAM)
    box = parse_bbox(raw)
    if box is None:
        raise _fail(
            table,
            f"{BBOX_PARAM} must be west,south,east,north in degrees (west ≤ east, south ≤ north), not {raw!r}.",
            BBOX_PARAM,
        )
    if table.point is None:
        assert table.shape is not None  # noqa: S101 (checked above)
        condition, values = area_condition(table.shape, box, precomputed=table.shape_bounds, relation=DATA_TABLE)
        query.where.append(condition)
        query.params.extend(values)
    else:
        lon, lat = table.point
        query.where.append(f"({lon} BETWEEN ? AND ? AND {lat} BETWEEN ? AND ?)")
        query.params.extend([box[0], box[2], box[1], box[3]])
    query.bbox = box


def _add_grouping(query: ParsedQuery, p: _Params) -> None:
    """`group_by` and the aggregates; a grouped query always counts its rows."""
    table = query.table
    query.group_by = [_known(table, n, "group_by") for n in _csv_list(p.get("group_by"))]
    for fn in AGGREGATES:
        for raw in p.getlist(fn):
            for name in _csv_list(raw):
                if fn == "count" and name in ("*", "1", "true"):
                    query.aggregates.append(("count", "*"))
                    continue
                _known(table, name, fn)
                if fn in ("sum", "avg") and table.types[name] not in ("integer", "number"):
                    raise _fail(table, f"{fn} needs a numeric column; {name!r} is {table.types[name]}.", fn)
                query.aggregates.append((fn, name))
    if query.grouped and ("count", "*") not in query.aggregates:
        query.aggregates.insert(0, ("count", "*"))


def _add_sort(query: ParsedQuery, p: _Params) -> None:
    sortable = query.output_columns if query.grouped else query.table.columns
    for item in _csv_list(p.get("sort")):
        desc = item.startswith("-")
        name = item.lstrip("-+")
        if name not in sortable:
            raise QueryError(f"Cannot sort by {name!r}.", param="sort", columns=sortable)
        query.sort.append((name, desc))


def _add_paging(query: ParsedQuery, p: _Params, *, default_limit: int, max_limit: int, export: bool) -> None:
    """`limit`, then `offset` (small tables and grouped results) or `cursor`."""
    table = query.table
    raw_limit = p.get("limit")
    if raw_limit is None:
        query.limit = None if export else default_limit
    else:
        try:
            query.limit = int(raw_limit)
        except ValueError:
            raise _fail(table, f"limit must be a whole number, not {raw_limit!r}.", "limit") from None
        if not 1 <= query.limit <= (max_limit if not export else 10**12):
            raise _fail(table, f"limit must be between 1 and {max_limit:,}.", "limit")
    raw_offset = p.get("offset")
    if raw_offset:
        try:
            query.offset = int(raw_offset)
        except ValueError:
            raise _fail(table, f"offset must be a whole number, not {raw_offset!r}.", "offset") from None
        if query.offset < 0:
            raise _fail(table, "offset cannot be negative.", "offset")
        if query.offset and not query.grouped and table.row_count > table.offset_max_rows:
            raise _fail(
                table,
                f"offset paging is only available for tables up to {table.offset_max_rows:,} rows; "
                "follow the `next` cursor link instead.",
                "offset",
            )
    raw_cursor = p.get("cursor")
    if raw_cursor:
        if query.grouped:
            raise _fail(table, "cursor paging does not apply to group_by results; use offset.", "cursor")
        query.cursor = decode_cursor(raw_cursor, query)


def _cursor_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def encode_cursor(query: ParsedQuery, last_row: Mapping[str, Any], rowid: int) -> str:
    """Opaque cursor: the last row's sort-key values, its rowid and a signature of the sort."""
    payload = [query.sort_signature(), [_cursor_value(last_row[c]) for c, _ in query.sort], rowid]
    return cursors.encode_cursor(payload)


def decode_cursor(raw: str, query: ParsedQuery) -> list[Any]:
    bad = QueryError(
        "The cursor is not valid for this query; start again without `cursor`.",
        param="cursor",
        columns=query.table.columns,
    )
    try:
        signature, values, rowid = cursors.decode_cursor(raw)
    except ValueError:  # BadCursor, or a list of the wrong length
        raise bad from None
    if signature != query.sort_signature() or not isinstance(rowid, int) or len(values) != len(query.sort):
        raise bad
    decoded = []
    for (name, _), value in zip(query.sort, values, strict=True):
        ftype = query.table.types.get(name, "string")
        if value is not None and ftype in ("date", "datetime"):
            value = coerce(str(value), ftype, column=name, columns=query.table.columns)
        decoded.append(value)
    return [*decoded, rowid]


def _keyset(query: ParsedQuery) -> tuple[str, list[Any]]:
    """WHERE clause for rows strictly after the cursor in (sort..., rowid) order, NULLS LAST."""
    *values, rowid = query.cursor or [None]
    ors, params = [], []
    eq_parts: list[str] = []
    eq_params: list[Any] = []
    for (name, desc), value in zip(query.sort, values, strict=True):
        col = quote_ident(name)
        # Nothing sorts after NULL except other NULLs, which the equality chain handles.
        after = None if value is None else f"({col} {'<' if desc else '>'} ? OR {col} IS NULL)"
        if after:
            ors.append("(" + " AND ".join([*eq_parts, after]) + ")")
            params.extend([*eq_params, value])
        if value is None:
            eq_parts.append(f"{col} IS NULL")
        else:
            eq_parts.append(f"{col} = ?")
            eq_params.append(value)
    ors.append("(" + " AND ".join([*eq_parts, "rowid > ?"]) + ")")
    params.extend([*eq_params, rowid])
    return "(" + " OR ".join(ors) + ")", params


def build_sql(
    query: ParsedQuery,
    *,
    relation: str = DATA_TABLE,
    extra: int = 1,
    with_rowid: bool = True,
    extra_select: Sequence[str] = (),
) -> tuple[str, list[Any]]:
    """SQL and bound parameters. Ungrouped queries also select `rowid` (last column) for cursors
    unless `with_rowid=False`; `extra_select` adds trusted expressions after the fields; `extra` rows
    beyond the limit are fetched to know whether a next page exists."""
    where = list(query.where)
    params = list(query.params)
    if query.grouped:
        keys = [quote_ident(c) for c in query.group_by]
        aggs = []
        for fn, col in query.aggregates:
            expr = "count(*)" if col == "*" else f"{fn}({quote_ident(col)})"
            aggs.append(f"{expr} AS {quote_ident(_agg_name(fn, col))}")
        select = ", ".join([*keys, *aggs])
        sql = f"SELECT {select} FROM {relation}"  # noqa: S608
        if where:
            sql += " WHERE " + " AND ".join(where)
        if keys:
            sql += " GROUP BY " + ", ".join(keys)
        order = [f"{quote_ident(c)} {'DESC' if d else 'ASC'} NULLS LAST" for c, d in query.sort]
        order += [f"{k} ASC NULLS LAST" for k in keys]
        if order:
            sql += " ORDER BY " + ", ".join(order)
    else:
        if query.cursor is not None:
            clause, keyset_params = _keyset(query)
            where.append(clause)
            params.extend(keyset_params)
        select = ", ".join([*(quote_ident(c) for c in query.fields), *extra_select, *(["rowid"] if with_rowid else [])])
        sql = f"SELECT {select} FROM {relation}"  # noqa: S608
        if where:
            sql += " WHERE " + " AND ".join(where)
        order = [f"{quote_ident(c)} {'DESC' if d else 'ASC'} NULLS LAST" for c, d in query.sort]
        order.append("rowid ASC")
        sql += " ORDER BY " + ", ".join(order)
    if query.limit is not None:
        sql += f" LIMIT {int(query.limit) + extra}"
    if query.offset:
        sql += f" OFFSET {int(query.offset)}"
    return sql, params


def build_count_sql(query: ParsedQuery, *, relation: str = DATA_TABLE) -> tuple[str, list[Any]]:
    """Count of rows matching the filters (ignores paging)."""
    sql = f"SELECT count(*) FROM {relation}"  # noqa: S608
    if query.where:
        sql += " WHERE " + " AND ".join(query.where)
    return sql, list(query.params)


@dataclass
class Page:
    columns: list[str]
    rows: list[tuple]
    next_cursor: str | None
    next_offset: int | None


def fetch_page(cur: Any, query: ParsedQuery) -> Page:
    """Run the page query on a DuckDB cursor and work out the next cursor/offset."""
    sql, params = build_sql(query)
    rows = cur.execute(sql, params).fetchall()
    columns = query.output_columns
    limit = query.limit or len(rows)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = next_offset = None
    if query.grouped:
        if more:
            next_offset = query.offset + limit
        return Page(columns, rows, None, next_offset)
    if more and rows:
        last = rows[-1]
        row_map = dict(zip(query.fields, last[:-1], strict=True))
        for name, _ in query.sort:
            row_map.setdefault(name, None)
        if any(name not in query.fields for name, _ in query.sort):
            # The sort column is not among `fields`: look its value up by rowid.
            names = [n for n, _ in query.sort if n not in query.fields]
            extra = cur.execute(
                f"SELECT {', '.join(quote_ident(n) for n in names)} FROM {DATA_TABLE} WHERE rowid = ?",  # noqa: S608
                [last[-1]],
            ).fetchone()
            row_map.update(dict(zip(names, extra, strict=True)))
        next_cursor = encode_cursor(query, row_map, int(last[-1]))
        if query.offset or (query.cursor is None and query.table.row_count <= query.table.offset_max_rows):
            next_offset = query.offset + limit
    return Page(columns, [r[:-1] for r in rows], next_cursor, next_offset)
