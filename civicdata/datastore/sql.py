"""Read-only SQL for power users: exactly one SELECT, run in a locked-down DuckDB sandbox.

Defence in depth: (1) DuckDB's own parser must see exactly one statement of type SELECT; (2) the
sandbox is a fresh in-memory database that attaches only the published table files, read-only,
then switches off file/network access and extension loading and locks its configuration; (3) the
guard imposes a time limit, a memory limit and a row cap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civicdata.core import duckdb as embedded

from .guard import Guard
from .store import DATA_TABLE

MAX_SQL_CHARS = 20_000
#: Functions and catalogs that describe the server (database files, settings, extensions, secrets, temp
#: files, environment) rather than the published tables: refused before the statement runs.
BLOCKED_FUNCTIONS = re.compile(
    # Catalog functions and views, with or without parentheses (duckdb_databases is also a view) …
    r"(?<![\w$])((?:duckdb_\w+|pragma_\w+|pg_settings|current_setting|getenv|which_secret)\b"
    # … and table functions that read files or run a SQL string, only when called.
    r"|(?:glob|read_\w+|sniff_csv|parquet_\w+|iceberg_\w+|delta_scan|query_table|query)\s*(?=\())",
    re.IGNORECASE,
)
FETCH_BATCH = 256


class SqlRejected(ValueError):
    """The statement is not allowed (message says why, for a 400 response)."""


def check_sql(sql: str) -> str:
    """Return the one SELECT statement in `sql`, or raise SqlRejected."""
    text = (sql or "").strip()
    if not text:
        raise SqlRejected("Send one SELECT statement in `sql`.")
    if len(text) > MAX_SQL_CHARS:
        raise SqlRejected(f"The statement is longer than {MAX_SQL_CHARS:,} characters.")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise SqlRejected(f"The statement cannot be parsed: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise SqlRejected(f"Send exactly one statement; found {len(statements)}.")
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name.replace("_", " ")
        raise SqlRejected(f"Only SELECT statements are allowed (this one is {kind}).")
    blocked = BLOCKED_FUNCTIONS.search(statement.query)
    if blocked:
        raise SqlRejected(
            f"{blocked.group(1).strip()} describes or reaches the server, not the data, and is not available "
            "here. Query the published tables by their SQL names."
        )
    return statement.query


@dataclass
class SqlResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool
    #: "rows" when the row cap cut the result, "bytes" when the byte cap did, "" when complete
    truncated_by: str = ""


def open_sandbox(tables: Mapping[str, Path], *, memory_mb: int = 256, threads: int = 1) -> duckdb.DuckDBPyConnection:
    """An in-memory connection where each name in `tables` is a view of that file's data, and
    nothing else is reachable. `tables` names must be safe identifiers (DataTable relation names)."""
    conn = embedded.connect(memory_mb=memory_mb, threads=threads, spill=False)
    try:
        for index, (name, path) in enumerate(sorted(tables.items())):
            alias = f"src{index}"
            conn.execute(f"ATTACH '{_escape(str(path))}' AS {alias} (READ_ONLY)")
            conn.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {alias}.{DATA_TABLE}')  # noqa: S608
        embedded.seal(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _escape(text: str) -> str:
    return text.replace("'", "''")


def referenced_tables(sql: str, available: Mapping[str, Path]) -> dict[str, Path]:
    """Only attach tables whose name appears in the statement (cheap, and keeps the sandbox small)."""
    lowered = sql.lower()
    return {name: path for name, path in available.items() if name.lower() in lowered}


def run_sql(
    sql: str,
    tables: Mapping[str, Path],
    *,
    guard: Guard,
    row_cap: int = 10_000,
    memory_mb: int = 256,
    max_bytes: int = 16 * 1024 * 1024,
) -> SqlResult:
    """Check, sandbox and run one SELECT; at most `row_cap` rows and about `max_bytes` of JSON come back
    (`truncated` and `truncated_by` say so). Rows are fetched in batches inside the time limit, so a
    result of huge cells stops at the cap instead of being built whole after the deadline."""
    statement = check_sql(sql)
    with guard.slot():
        conn = open_sandbox(referenced_tables(statement, tables), memory_mb=memory_mb)
        try:
            cur = conn.cursor()
            with guard.deadline(cur):
                result = cur.execute(statement)
                columns = [d[0] for d in result.description or []]
                rows, truncated_by = _fetch_capped(result, row_cap, max_bytes)
        finally:
            conn.close()
    return SqlResult(columns=columns, rows=rows, truncated=bool(truncated_by), truncated_by=truncated_by)


def _fetch_capped(result: duckdb.DuckDBPyConnection, row_cap: int, max_bytes: int) -> tuple[list[tuple], str]:
    rows: list[tuple] = []
    size = 0
    while len(rows) <= row_cap:
        batch = result.fetchmany(min(FETCH_BATCH, row_cap + 1 - len(rows)))
        if not batch:
            return rows, ""
        for row in batch:
            size += approximate_json_bytes(row)
            if size > max_bytes:
                return rows, "bytes"
            rows.append(row)
    return rows[:row_cap], "rows"


def approximate_json_bytes(row: tuple) -> int:
    """About what one row weighs as JSON (text by length, anything else by its printed form)."""
    total = 2
    for value in row:
        total += (len(value) if isinstance(value, (str, bytes)) else len(str(value))) + 3
    return total
