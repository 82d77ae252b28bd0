"""Column facets, Datasette-style: for a column with few distinct values among the rows matching the
current filters, its most common values with their counts.

Facets run on the query's own cursor, inside the caller's guard slot and deadline: one aggregate pass
over the filtered rows picks the low-cardinality columns (approximate distinct counts), then one
grouped query per faceted column, each capped at `MAX_FACET_VALUES + 1` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .ingest.infer import quote_ident
from .query import ParsedQuery, QueryError
from .store import DATA_TABLE

#: A column is "low-cardinality" (and faceted on the table page) with at most this many distinct values.
MAX_FACET_VALUES = 30
#: Columns faceted automatically on the table page, at most.
MAX_AUTO_FACETS = 6
#: Types a facet can filter back on with `column=value`.
FACET_TYPES = ("string", "integer", "boolean", "date")


@dataclass(frozen=True)
class FacetValue:
    value: Any  # None for rows where the column is empty
    count: int

    def filter_param(self, column: str) -> tuple[str, str]:
        """The query parameter selecting these rows: `column=value`, or `column__isnull=true`."""
        value = self.value
        if value is None:
            return f"{column}__isnull", "true"
        if isinstance(value, bool):
            return column, "true" if value else "false"
        if isinstance(value, (dt.date, dt.datetime)):
            return column, value.isoformat()
        return column, str(value)


@dataclass(frozen=True)
class Facet:
    column: str
    values: list[FacetValue]
    truncated: bool  # more distinct values than listed

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "values": [{"value": v.value, "count": v.count} for v in self.values],
            "truncated": self.truncated,
        }


def _where(query: ParsedQuery) -> tuple[str, list[Any]]:
    if not query.where:
        return "", []
    return " WHERE " + " AND ".join(query.where), list(query.params)


def requested_columns(raw: Sequence[str], query: ParsedQuery) -> list[str]:
    """Columns named by `_facet` parameters (repeatable or comma-separated), checked against the table."""
    columns: list[str] = []
    for item in raw:
        for name in (part.strip() for part in item.split(",")):
            if not name:
                continue
            if name not in query.table.types:
                raise QueryError(f"Unknown column {name!r} in _facet.", param="_facet", columns=query.table.columns)
            if name not in columns:
                columns.append(name)
    return columns


def suggest_columns(cur: Any, query: ParsedQuery, *, keep: Sequence[str] = ()) -> list[str]:
    """Columns worth faceting for the rows matching `query`: 2 to MAX_FACET_VALUES distinct values
    (approximate count, one pass) and some value repeated (an identifier column is no facet), plus the
    `keep` columns (those already filtered on), in table order."""
    candidates = [c for c, t in query.table.types.items() if t in FACET_TYPES]
    if not candidates:
        return []
    where, params = _where(query)
    parts = ", ".join(f"approx_count_distinct({quote_ident(c)})" for c in candidates)
    total, *distinct = cur.execute(f"SELECT count(*), {parts} FROM {DATA_TABLE}{where}", params).fetchone()  # noqa: S608
    chosen = [
        c
        for c, n in zip(candidates, distinct, strict=True)
        if c in keep or 2 <= (n or 0) <= min(MAX_FACET_VALUES, total - 1)
    ]
    return chosen[:MAX_AUTO_FACETS]


def compute_facets(
    cur: Any, query: ParsedQuery, columns: Sequence[str], *, drop_truncated: bool = False
) -> list[Facet]:
    """The top values and counts of each column among the rows matching `query`, most common first.
    With `drop_truncated`, a column with more than MAX_FACET_VALUES distinct values is left out."""
    where, params = _where(query)
    facets = []
    for column in columns:
        col = quote_ident(column)
        sql = (
            f"SELECT {col}, count(*) AS n FROM {DATA_TABLE}{where} GROUP BY {col} "  # noqa: S608
            f"ORDER BY n DESC, {col} ASC NULLS LAST LIMIT {MAX_FACET_VALUES + 1}"
        )
        rows = cur.execute(sql, params).fetchall()
        truncated = len(rows) > MAX_FACET_VALUES
        if truncated and drop_truncated:
            continue
        values = [FacetValue(value, int(count)) for value, count in rows[:MAX_FACET_VALUES]]
        facets.append(Facet(column, values, truncated))
    return facets
