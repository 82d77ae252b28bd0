"""Where DuckDB table files live and how readers open them: one immutable file per table version.

DuckDB lets only one process open a database file for writing, and web workers and the ingest worker
are separate processes. So every load writes a brand-new file (`<root>/<relation>/v000007.duckdb`)
that nobody else has open, and the swap to the new version is one atomic rename of a small pointer
file (plus, in Django, one database transaction on `DataTable`). A reader therefore opens either the
old file or the new one, never a half-written mix, and the old version keeps serving when a load fails.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civicdata.core import duckdb as embedded

from .shape_bounds import write_bounds

log = logging.getLogger(__name__)
#: How long closing the reading database waits for a query still running on one of its cursors.
CLOSE_WAIT_SECONDS = 10.0

#: Name of the table inside every version file.
DATA_TABLE = "data"

_RELATION_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_VERSION_RE = re.compile(r"^v(\d{6})\.duckdb$")


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


class StoreError(Exception):
    """A table name or version the store cannot use."""


def check_relation(relation: str) -> str:
    """Return `relation` if it is a safe lowercase identifier usable as a folder and SQL name."""
    if not _RELATION_RE.match(relation):
        raise StoreError(
            f"{relation!r} is not a valid table name: use lowercase letters, digits and _ "
            "(starting with a letter, at most 63 characters)."
        )
    return relation


@dataclass(frozen=True)
class ReaderConfig:
    """Limits of the per-process reading database (see DATASTORE_QUERY_* settings)."""

    memory_mb: int = 256
    threads: int = 2


class AttachedTable:
    """One version file attached to the shared reading database; `.cursor()` gives an independent,
    interruptible connection whose default catalog is that file (so `FROM data` reads it)."""

    def __init__(self, store: TableStore, alias: str) -> None:
        self.store = store
        self.alias = alias

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self.store._lock:
            cur = self.store._reader().cursor()
        cur.execute(f"USE {self.alias}")
        return cur


class TableStore:
    """The folder of DuckDB files for all tables, with an atomic "current version" pointer each."""

    def __init__(self, root: Path | str, *, reader: ReaderConfig | None = None) -> None:
        self.root = Path(root)
        self.reader = reader or ReaderConfig()
        self._db: duckdb.DuckDBPyConnection | None = None
        self._attached: OrderedDict[Path, str] = OrderedDict()
        self._serial = 0
        self._lock = threading.Lock()
        self.max_open = 64

    # -- paths -------------------------------------------------------------------------------
    def folder(self, relation: str) -> Path:
        return self.root / check_relation(relation)

    def version_path(self, relation: str, version: int) -> Path:
        if version < 1 or version > 999_999:
            raise StoreError(f"version {version} is out of range")
        return self.folder(relation) / f"v{version:06d}.duckdb"

    def versions(self, relation: str) -> list[int]:
        folder = self.folder(relation)
        if not folder.is_dir():
            return []
        found = [int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_RE.match(p.name))]
        return sorted(found)

    def next_version(self, relation: str) -> int:
        existing = self.versions(relation)
        current = self.current_version(relation) or 0
        return max([current, *existing]) + 1

    def current_version(self, relation: str) -> int | None:
        pointer = self.folder(relation) / "CURRENT"
        try:
            text = pointer.read_text().strip()
        except FileNotFoundError:
            return None
        match = _VERSION_RE.match(text)
        return int(match.group(1)) if match else None

    def current_path(self, relation: str) -> Path | None:
        version = self.current_version(relation)
        return None if version is None else self.version_path(relation, version)

    # -- writing -----------------------------------------------------------------------------
    def swap(self, relation: str, version: int, *, keep: int = 2) -> None:
        """Make `version` the current one in one atomic rename; prune all but the last `keep` files.

        Precondition: the version file is complete and closed. Readers that already opened an
        older file keep reading it (POSIX keeps unlinked files alive while open).
        """
        target = self.version_path(relation, version)
        if not target.exists():
            raise StoreError(f"{target} does not exist")
        folder = self.folder(relation)
        tmp = folder / f".CURRENT.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(target.name + "\n")
        os.replace(tmp, folder / "CURRENT")
        self.prune(relation, keep=keep)

    def prune(self, relation: str, *, keep: int = 2) -> None:
        current = self.current_version(relation)
        for version in self.versions(relation)[:-keep] if keep else self.versions(relation):
            if version == current:
                continue
            self.discard(relation, version)

    def discard(self, relation: str, version: int) -> None:
        """Delete one version file (used when a load fails before its swap)."""
        path = self.version_path(relation, version)
        self._forget(path)
        for candidate in (path, path.with_name(path.name + ".wal")):
            candidate.unlink(missing_ok=True)

    def drop(self, relation: str) -> None:
        """Remove every version of a table."""
        for version in self.versions(relation):
            self.discard(relation, version)
        folder = self.folder(relation)
        (folder / "CURRENT").unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()

    def derive(self, relation: str, source_version: int, select_sql: str, *, memory_mb: int = 256) -> int:
        """Write a new version whose rows are `SELECT <select_sql> FROM` the source version, in the
        same order; returns the new version (not yet current: call `swap`). Used to drop, mask or
        re-type columns without the original file.

        Precondition: `select_sql` is built from quoted known column names only.
        """
        source = self.version_path(relation, source_version)
        version = self.next_version(relation)
        target = self.version_path(relation, version)
        conn = embedded.connect(target, memory_mb=memory_mb)
        try:
            conn.execute(f"ATTACH '{_sql_text(str(source))}' AS src (READ_ONLY)")
            conn.execute(
                f"CREATE TABLE {DATA_TABLE} AS SELECT {select_sql} FROM src.{DATA_TABLE} ORDER BY rowid"  # noqa: S608
            )
            conn.execute("DETACH src")
            write_bounds(conn, DATA_TABLE)
            conn.execute("CHECKPOINT")
        except BaseException:
            conn.close()
            self.discard(relation, version)
            raise
        conn.close()
        return version

    # -- reading -----------------------------------------------------------------------------
    def _reader(self) -> duckdb.DuckDBPyConnection:
        if self._db is None:
            # One in-memory DuckDB per process attaches the table files read-only, so the memory limit
            # and thread count hold for all tables together. It only ever runs SQL built by query.py
            # (quoted known identifiers, bound values); user-written SQL runs in sql.py's sandbox.
            self._db = embedded.connect(memory_mb=self.reader.memory_mb, threads=self.reader.threads)
        return self._db

    def connection(self, path: Path) -> AttachedTable:
        """The version file attached (read-only, once per process) to the shared reading database.

        Callers use `.cursor()` for each query. At most `max_open` files stay attached (least
        recently used are detached).
        """
        path = Path(path)
        with self._lock:
            alias = self._attached.get(path)
            if alias is not None:
                self._attached.move_to_end(path)
                return AttachedTable(self, alias)
            if not path.exists():
                raise StoreError(f"table file {path.name} is missing")
            self._serial += 1
            alias = f"t{self._serial}"
            db = self._reader()
            db.execute(f"ATTACH '{_sql_text(str(path))}' AS {alias} (READ_ONLY)")
            self._attached[path] = alias
            while len(self._attached) > self.max_open:
                _, old = self._attached.popitem(last=False)
                db.execute(f"DETACH {old}")
            return AttachedTable(self, alias)

    def cursor(self, relation: str) -> duckdb.DuckDBPyConnection:
        path = self.current_path(relation)
        if path is None:
            raise StoreError(f"table {relation!r} has no loaded version")
        return self.connection(path).cursor()

    def _forget(self, path: Path) -> None:
        with self._lock:
            alias = self._attached.pop(Path(path), None)
            if alias is not None and self._db is not None:
                with suppress(duckdb.Error):
                    self._db.execute(f"DETACH {alias}")

    def close(self, *, wait_seconds: float = CLOSE_WAIT_SECONDS) -> None:
        """Close the reading database. A query still running on one of its cursors (another thread's
        request) makes DuckDB refuse; the close then waits for it, `wait_seconds` at most, after which the
        database is left to be closed when its last cursor goes (dropped here, not kept)."""
        with self._lock:
            self._attached.clear()
            if self._db is None:
                return
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    self._db.close()
                    break
                except duckdb.ResourceInUseException:
                    if time.monotonic() >= deadline:
                        log.warning("closing the table store while a query still runs; left to finish")
                        break
                    time.sleep(0.05)
            self._db = None
