"""Quality report of a loaded table, shown to staff before publishing: cast failures, header
problems, duplicate rows, missing values per column, numeric outliers (IQR rule) and constraint
violations."""

from __future__ import annotations

from typing import Any

import duckdb

from .ingest.infer import quote_ident
from .store import DATA_TABLE

NUMERIC = ("integer", "number")
#: Above this many rows the quartiles of the outlier check are estimated rather than exact.
EXACT_QUARTILES_ROWS = 1_000_000


def _has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database()"
    return bool(cur.execute(sql, [name]).fetchone()[0])


def _outliers(
    cur: duckdb.DuckDBPyConnection, fields: list[dict[str, Any]], row_count: int
) -> dict[str, dict[str, Any]]:
    """Per numeric column, how many values fall outside 1.5 interquartile ranges, and the bounds."""
    outliers: dict[str, dict[str, Any]] = {}
    numeric = [f["name"] for f in fields if f.get("type") in NUMERIC]
    if numeric and row_count:
        # Exact quartiles hold every value of every numeric column in memory at once, which a large table
        # cannot do within the store's memory limit; above EXACT_QUARTILES_ROWS they are estimated (t-digest,
        # a few kilobytes per column), close enough for a usual range.
        quartiles = "quantile_cont" if row_count <= EXACT_QUARTILES_ROWS else "approx_quantile"
        quart = cur.execute(
            "SELECT "  # noqa: S608
            + ", ".join(f"{quartiles}({quote_ident(n)}, [0.25, 0.75]), min({quote_ident(n)})" for n in numeric)
            + f" FROM {DATA_TABLE}"
        ).fetchone()
        bounds = {}
        for index, name in enumerate(numeric):
            q, smallest = quart[2 * index], quart[2 * index + 1]
            if not q or q[0] is None:
                continue
            iqr = q[1] - q[0]
            low = q[0] - 1.5 * iqr
            # A column with no negative value (an area, a count, a price) cannot have a negative usual range:
            # the lower bound stops at the smallest value seen (issue 11: "AREA −7,289").
            if smallest is not None and smallest >= 0 and low < smallest:
                low = float(smallest)
            bounds[name] = (low, q[1] + 1.5 * iqr)
        if bounds:
            counts = cur.execute(
                "SELECT "  # noqa: S608
                + ", ".join(f"count(*) FILTER (WHERE {quote_ident(n)} < ? OR {quote_ident(n)} > ?)" for n in bounds)
                + f" FROM {DATA_TABLE}",
                [v for low_high in bounds.values() for v in low_high],
            ).fetchone()
            for (name, (low, high)), n in zip(bounds.items(), counts, strict=True):
                outliers[name] = {"count": int(n), "low": low, "high": high}
    return outliers


def quality_report(
    cur: duckdb.DuckDBPyConnection,
    schema: dict[str, Any],
    *,
    cast_failures: dict[str, int] | None = None,
    blank_headers: list[int] | None = None,
    duplicate_headers: list[str] | None = None,
) -> dict[str, Any]:
    """Compute the report with a handful of aggregate queries (no row leaves DuckDB)."""
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    cols = [quote_ident(n) for n in names]
    row_count = cur.execute(f"SELECT count(*) FROM {DATA_TABLE}").fetchone()[0]  # noqa: S608

    missing_row = cur.execute(
        "SELECT " + ", ".join(f"count(*) - count({c})" for c in cols) + f" FROM {DATA_TABLE}"  # noqa: S608
    ).fetchone()
    missing = {
        name: {"count": int(n), "share": (n / row_count) if row_count else 0.0}
        for name, n in zip(names, missing_row, strict=True)
    }

    duplicates = cur.execute(
        f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {DATA_TABLE} "  # noqa: S608
        f"GROUP BY {', '.join(cols)} HAVING count(*) > 1)"
    ).fetchone()[0]

    outliers = _outliers(cur, fields, row_count)

    failure_rows: list[dict[str, Any]] = []
    if _has_table(cur, "_cast_failures"):
        failure_rows = [
            {"row": r, "column": c}
            for r, c in cur.execute(
                "SELECT row_number, column_name FROM _cast_failures ORDER BY row_number LIMIT 50"
            ).fetchall()
        ]

    violations = constraint_violations(cur, schema)
    problems = (
        sum((cast_failures or {}).values())
        + len(blank_headers or [])
        + len(duplicate_headers or [])
        + int(duplicates)
        + sum(v["count"] for v in violations)
    )
    return {
        "row_count": int(row_count),
        "column_count": len(names),
        "cast_failures": dict(cast_failures or {}),
        "cast_failure_rows": failure_rows,
        "blank_headers": list(blank_headers or []),
        "duplicate_headers": list(duplicate_headers or []),
        "duplicate_rows": int(duplicates),
        "missing": missing,
        "outliers": outliers,
        "constraint_violations": violations,
        "problem_count": int(problems),
    }


def constraint_violations(cur: duckdb.DuckDBPyConnection, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows breaking each staff-set constraint (required, unique, minimum/maximum, length, pattern, enum)."""
    checks: list[tuple[str, str, str, list[Any]]] = []
    for f in schema.get("fields", []):
        c = quote_ident(f["name"])
        for key, value in (f.get("constraints") or {}).items():
            if key == "required" and value:
                checks.append((f["name"], key, f"{c} IS NULL", []))
            elif key == "minimum":
                checks.append((f["name"], key, f"{c} < ?", [value]))
            elif key == "maximum":
                checks.append((f["name"], key, f"{c} > ?", [value]))
            elif key == "minLength":
                checks.append((f["name"], key, f"length({c}::VARCHAR) < ?", [value]))
            elif key == "maxLength":
                checks.append((f["name"], key, f"length({c}::VARCHAR) > ?", [value]))
            elif key == "pattern":
                checks.append((f["name"], key, f"NOT regexp_full_match({c}::VARCHAR, ?)", [value]))
            elif key == "enum" and value:
                marks = ", ".join("?" for _ in value)
                checks.append((f["name"], key, f"{c}::VARCHAR NOT IN ({marks})", [str(v) for v in value]))
    result = []
    if checks:
        sql = "SELECT " + ", ".join(f"count(*) FILTER (WHERE {cond})" for _, _, cond, _ in checks)
        params = [p for _, _, _, ps in checks for p in ps]
        counts = cur.execute(f"{sql} FROM {DATA_TABLE}", params).fetchone()
        result = [
            {"column": name, "constraint": key, "count": int(n)}
            for (name, key, _, _), n in zip(checks, counts, strict=True)
        ]
    for f in schema.get("fields", []):
        if (f.get("constraints") or {}).get("unique"):
            c = quote_ident(f["name"])
            n = cur.execute(
                f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM {DATA_TABLE} "  # noqa: S608
                f"WHERE {c} IS NOT NULL GROUP BY {c} HAVING count(*) > 1)"
            ).fetchone()[0]
            result.append({"column": f["name"], "constraint": "unique", "count": int(n)})
    return [v for v in result if v["count"]]
