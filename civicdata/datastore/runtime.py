"""The per-process objects the Data API shares between requests: the table store under
DATA_DIR/datastore, the query guard, and helpers that open a table's current version."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from .guard import Guard
from .ingest import Limits
from .query import TableInfo
from .store import ReaderConfig, TableStore

if TYPE_CHECKING:
    import duckdb

    from .models import DataTable

_lock = threading.Lock()
_stores: dict[Path, TableStore] = {}
_guard: Guard | None = None


def store_root() -> Path:
    return Path(settings.DATA_DIR) / "datastore"


def get_store() -> TableStore:
    """The store for the current DATA_DIR (tests change DATA_DIR per test, so it is looked up)."""
    root = store_root()
    with _lock:
        store = _stores.get(root)
        if store is None:
            # DATA_DIR only changes between tests; close the stores of earlier folders.
            for old in _stores.values():
                old.close()
            _stores.clear()
            store = TableStore(
                root,
                reader=ReaderConfig(
                    memory_mb=settings.DATASTORE_QUERY_MEMORY_MB, threads=settings.DATASTORE_QUERY_THREADS
                ),
            )
            _stores[root] = store
        return store


def get_guard() -> Guard:
    global _guard
    with _lock:
        wanted = (settings.DATASTORE_QUERY_TIMEOUT, settings.DATASTORE_MAX_CONCURRENT_QUERIES)
        if _guard is None or (_guard.timeout, _guard.max_concurrent) != wanted:
            _guard = Guard(timeout=wanted[0], max_concurrent=wanted[1])
        return _guard


def limits() -> Limits:
    return Limits(
        max_file_bytes=settings.DATASTORE_MAX_FILE_MB << 20,
        max_columns=settings.DATASTORE_MAX_COLUMNS,
        xlsx_max_uncompressed_bytes=settings.DATASTORE_XLSX_MAX_UNCOMPRESSED_MB << 20,
    )


def table_path(table: DataTable) -> Path:
    return get_store().version_path(table.relation, table.version)


def open_cursor(table: DataTable) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the table's current version (attached read-only to the process's reading database)."""
    store = get_store()
    return store.connection(store.version_path(table.relation, table.version)).cursor()


def table_info(table: DataTable) -> TableInfo:
    return TableInfo.from_schema(
        table.schema, row_count=table.row_count, offset_max_rows=settings.DATASTORE_OFFSET_MAX_ROWS
    )
