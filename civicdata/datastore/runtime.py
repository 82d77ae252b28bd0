"""The per-process objects the Data API shares between requests: the table store under
DATA_DIR/datastore, the query guard, and helpers that open a table's current version."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from .guard import Guard
from .ingest import Limits
from .ingest.infer import quote_ident
from .query import TableInfo
from .shape_bounds import BOUNDS_COLUMN, has_bounds
from .store import ReaderConfig, TableStore

if TYPE_CHECKING:
    import duckdb

    from .models import DataTable

_lock = threading.Lock()
_stores: dict[Path, TableStore] = {}
_guard: Guard | None = None
#: Whether a version file holds its shapes' boxes, by (path, inode, modification time): a version file
#: never changes, but a dropped table's version numbers can be written again.
_bounds_known: dict[tuple[str, int, int], bool] = {}


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
    info = TableInfo.from_schema(
        table.schema, row_count=table.row_count, offset_max_rows=settings.DATASTORE_OFFSET_MAX_ROWS
    )
    if info.shape is None or not table.version:
        return info
    precomputed = info.shape == quote_ident(BOUNDS_COLUMN) and _has_shape_bounds(table)
    return dataclasses.replace(info, shape_bounds=precomputed)


def _has_shape_bounds(table: DataTable) -> bool:
    """Whether the table's current version file holds the precomputed boxes of its shapes."""
    path = table_path(table)
    try:
        stat = path.stat()
    except OSError:
        return False
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    with _lock:
        known = _bounds_known.get(key)
    if known is None:
        known = has_bounds(open_cursor(table))
        with _lock:
            if len(_bounds_known) > 4096:
                _bounds_known.clear()
            _bounds_known[key] = known
    return known
