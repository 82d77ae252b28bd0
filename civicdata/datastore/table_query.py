"""The one query path of the Data API: the HTML table page and the JSON/CSV endpoints all call
`run_table_query`, so for the same filters, sort and page they show the same rows, the same
matching-row count and the same error.

It validates the query string (`query.parse_query`), runs the page and the count under the query
guard (time limit, concurrency slot), and returns a `TableResult` with the links both sides render.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from . import result_cache, runtime
from .facets import Facet, compute_facets, requested_columns, suggest_columns
from .guard import Busy, QueryFailed, QueryTimeout
from .models import DataTable
from .query import DEFAULT_LIMIT, ParsedQuery, QueryError, build_count_sql, build_sql, fetch_page, parse_query
from .sql import approximate_json_bytes

EXPORT_FORMATS = ("csv", "json", "xml", "geojson", "xlsx")
PAGING = ("cursor", "offset")

Params = list[tuple[str, str]]


@dataclass(frozen=True)
class QueryProblem:
    """Why a query did not run: the HTTP status, a stable code and a message for people."""

    status: int  # 400 for a bad query, 503 when every query slot is busy
    code: str  # bad_parameter, query_timeout, query_failed or busy
    message: str
    details: dict[str, Any] | None = None  # for bad parameters: the param, valid columns and operators

    def as_dict(self) -> dict[str, Any]:
        """The problem as the page shows it (message plus the valid columns and operators)."""
        return {"message": self.message, **(self.details or {})}


@dataclass(frozen=True)
class TableResult:
    """One page of a table query, with everything the page and the API render.

    Links are query strings ("?…") for the page itself, or addresses under the table's API path;
    `params` are the request's parameters in their order, without page controls.
    """

    table: DataTable
    query: ParsedQuery | None
    columns: list[str]  # output columns (fields, or group keys and aggregates)
    rows: list[tuple]
    matching_count: int | None  # rows (or groups) matching the filters, across all pages
    next_cursor: str | None
    next_offset: int | None
    error: QueryProblem | None
    params: Params
    facets: list[Facet] = dataclasses.field(default_factory=list)

    @property
    def grouped(self) -> bool:
        return bool(self.query and self.query.grouped)

    def _with(self, *drop: str, add: Iterable[tuple[str, str]] = ()) -> Params:
        return [(k, v) for k, v in self.params if k not in drop] + list(add)

    @property
    def next_query(self) -> str | None:
        """Query string of the next page, or None on the last one."""
        if self.next_cursor:
            return _query_string(self._with(*PAGING, add=[("cursor", self.next_cursor)]))
        if self.next_offset is not None:
            return _query_string(self._with(*PAGING, add=[("offset", str(self.next_offset))]))
        return None

    @property
    def first_query(self) -> str | None:
        """Query string of the first page, or None when this is the first page."""
        if any(k in PAGING and v for k, v in self.params):
            return _query_string(self._with(*PAGING))
        return None

    @property
    def json_url(self) -> str:
        """The JSON API address answering exactly these rows (same filters, sort, page and limit)."""
        params = self._with()
        limit = self.query.limit if self.query is not None else None
        if limit not in (None, DEFAULT_LIMIT) and all(k != "limit" for k, _v in params):
            params.append(("limit", str(limit)))  # the page's own default differs from the API's
        return self.table.api_path + (_query_string(params) if params else "")

    def download_url(self, fmt: str) -> str:
        """Address of a full download: every row matching the filters, in the same sort."""
        params = self._with(*PAGING, "limit")
        return f"{self.table.api_path}.{fmt}" + (_query_string(params) if params else "")


def guard_problem(exc: Busy | QueryTimeout | QueryFailed) -> QueryProblem:
    """The problem for a query the guard stopped: busy (503), too slow or failed (400)."""
    if isinstance(exc, Busy):
        return QueryProblem(503, "busy", str(exc))
    if isinstance(exc, QueryTimeout):
        return QueryProblem(400, "query_timeout", str(exc))
    return QueryProblem(400, "query_failed", str(exc))


def _query_string(params: Sequence[tuple[str, str]]) -> str:
    return "?" + urlencode(list(params)) if params else "?"


def _params(query: QueryDict, ignore: Iterable[str]) -> Params:
    skip = set(ignore)
    return [(k, v) for k, values in query.lists() for v in values if k not in skip]


def count_matching(cur: Any, query: ParsedQuery) -> int:
    """Rows matching the filters (groups, for a grouped query), whatever the page."""
    if query.grouped:
        whole = dataclasses.replace(query, limit=None, offset=0, sort=[])
        sql, params = build_sql(whole, extra=0)
        sql = f"SELECT count(*) FROM ({sql})"  # noqa: S608 - built from quoted known identifiers
    else:
        sql, params = build_count_sql(query)
    return int(cur.execute(sql, params).fetchone()[0])


@dataclass
class _Remembered:
    """The result cache seen through one query's keys; does nothing when the table is not cached."""

    cache: result_cache.ResultCache | None
    keys: dict[str, tuple]

    def get(self, kind: str) -> Any:
        return self.cache.get(self.keys[kind]) if self.cache is not None else None

    def put(self, kind: str, value: Any, weight: int) -> None:
        if self.cache is not None:
            self.cache.put(self.keys[kind], value, weight)


def _compute_facets(
    cur: Any, parsed: ParsedQuery, asked: list[str], *, auto_facets: bool, filtered: list[str]
) -> list[Facet]:
    """The `_facet` columns, plus with `auto_facets` the low-cardinality columns among the matching rows."""
    facets = compute_facets(cur, parsed, asked) if asked else []
    if auto_facets and not parsed.grouped:
        suggested = [c for c in suggest_columns(cur, parsed, keep=filtered) if c not in asked]
        facets += compute_facets(cur, parsed, suggested, drop_truncated=True)
    return facets


def _cache_keys(
    table: DataTable, parsed: ParsedQuery, asked: list[str], *, auto_facets: bool, filtered: list[str]
) -> dict[str, tuple] | None:
    """Result-cache keys of this query's page, count and facets (None when the table is not cached).

    The page is keyed on its SQL and values (plus what decides its `next` links), the count and the
    facets on the filter alone, so paging and re-sorting reuse them."""
    base = result_cache.table_key(table)
    if base is None:
        return None
    sql, values = build_sql(parsed)
    where = (tuple(parsed.where), result_cache.typed(parsed.params))
    grouping = (tuple(parsed.group_by), tuple(parsed.aggregates))
    paging = (parsed.table.offset_max_rows, tuple(parsed.output_columns))
    return {
        "page": (*base, "page", sql, result_cache.typed(values), paging),
        "count": (*base, "count", where, grouping),
        "facets": (*base, "facets", where, tuple(asked), auto_facets and not parsed.grouped, tuple(filtered)),
    }


def run_table_query(
    table: DataTable,
    query: QueryDict,
    *,
    default_limit: int = DEFAULT_LIMIT,
    ignore: Iterable[str] = (),
    auto_facets: bool = False,
) -> TableResult:
    """Validate `query` against the table, then fetch one page, the matching count and the facets.

    Facets are the columns named by `_facet` parameters, plus with `auto_facets` the low-cardinality
    columns among the matching rows (ungrouped queries only). `ignore` names parameters that are
    controls of the calling page, not filters. Never raises for a bad query or a busy server: the
    result's `error` says what went wrong.
    """
    params = _params(query, ignore)
    try:
        parsed = parse_query(query, runtime.table_info(table), default_limit=default_limit, ignore=ignore)
        asked = requested_columns(query.getlist("_facet"), parsed)
        filtered = sorted({k.partition("__")[0] for k, _v in params})
        cache = result_cache.get_cache()
        keys = None
        if cache is not None:  # (an empty cache is falsy: it has a length)
            keys = _cache_keys(table, parsed, asked, auto_facets=auto_facets, filtered=filtered)
        remembered = _Remembered(cache if keys else None, keys or {})
        wants_facets = bool(asked) or (auto_facets and not parsed.grouped)
        page, matching = remembered.get("page"), remembered.get("count")
        facets = remembered.get("facets") if wants_facets else []
        if page is None or matching is None or (wants_facets and facets is None):
            guard = runtime.get_guard()
            cur = runtime.open_cursor(table)
            with guard.slot(), guard.deadline(cur):
                if page is None:
                    page = fetch_page(cur, parsed)
                    remembered.put("page", page, sum(approximate_json_bytes(row) for row in page.rows))
                if matching is None:
                    matching = count_matching(cur, parsed)
                    remembered.put("count", matching, 0)
                if wants_facets and facets is None:
                    facets = _compute_facets(cur, parsed, asked, auto_facets=auto_facets, filtered=filtered)
                    remembered.put("facets", facets, sum(64 * (1 + len(f.values)) for f in facets))
        facets = list(facets or [])
    except QueryError as exc:
        return _failed(table, params, QueryProblem(400, "bad_parameter", exc.message, exc.as_dict()))
    except (Busy, QueryTimeout, QueryFailed) as exc:
        return _failed(table, params, guard_problem(exc))
    return TableResult(
        table=table,
        query=parsed,
        columns=page.columns,
        rows=page.rows,
        matching_count=matching,
        next_cursor=page.next_cursor,
        next_offset=page.next_offset,
        error=None,
        params=params,
        facets=facets,
    )


def _failed(table: DataTable, params: Params, problem: QueryProblem) -> TableResult:
    return TableResult(
        table=table,
        query=None,
        columns=[],
        rows=[],
        matching_count=None,
        next_cursor=None,
        next_offset=None,
        error=problem,
        params=params,
    )
