"""Answers of table queries kept in memory, per process, for public tables only.

A table's version file never changes once written (see store.py), so an answer computed from it stays
true for as long as that file is the table's current version. Every key therefore starts with the
identity of the file read (its path, inode, modification time and size) and the table's row count: a
re-load, a masked or dropped column, or a table dropped and loaded again is a different file, so the
very next request misses and computes the new answer. No message has to travel between web processes.

Only tables anyone may read are cached (`is_public_table`). A restricted or unpublished table is never
cached at all, so an answer computed for one person can never be handed to someone with other rights;
permission is checked before the cache is consulted, on every request.

Three kinds of entries (see table_query.run_table_query):
- a page, keyed on the page's SQL and bound values;
- the matching-row count, keyed on the filter alone, so it is computed once per (version, filter)
  while people follow `next` links or change the sort;
- the facets, keyed on the filter and the faceted columns.

The cache is a least-recently-used map bounded by an estimate of its size in bytes
(DATASTORE_RESULT_CACHE_MB; 0 turns it off).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

from django.conf import settings

from . import runtime
from .models import DataTable
from .permissions import is_public_table

#: What an entry costs besides its rows (key, containers), in bytes, for the size estimate.
ENTRY_OVERHEAD = 256


class ResultCache:
    """A thread-safe LRU map whose entries carry an estimated weight in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, weight: int) -> None:
        weight += ENTRY_OVERHEAD
        if weight > self.max_bytes // 4:  # one huge answer must not empty the cache
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, weight)
            self._bytes += weight
            while self._bytes > self.max_bytes and self._entries:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


_lock = threading.Lock()
_cache: ResultCache | None = None


def get_cache() -> ResultCache | None:
    """The process's cache, sized by DATASTORE_RESULT_CACHE_MB (None when that is 0)."""
    global _cache
    size = int(settings.DATASTORE_RESULT_CACHE_MB) << 20
    if size <= 0:
        return None
    with _lock:
        if _cache is None or _cache.max_bytes != size:
            _cache = ResultCache(size)
        return _cache


def table_key(table: DataTable) -> tuple[Hashable, ...] | None:
    """The identity of the file a query of `table` reads now, or None when its answers are not cached
    (the table is not public, the cache is off, or the file is missing)."""
    if not is_public_table(table):
        return None
    path = runtime.table_path(table)
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (str(path), info.st_ino, info.st_mtime_ns, info.st_size, table.row_count)


def typed(values: Sequence[Any]) -> tuple[tuple[str, Any], ...]:
    """Bound values with their types, so that 1, 1.0 and True (equal in Python) stay distinct keys."""
    return tuple((type(value).__name__, value) for value in values)
