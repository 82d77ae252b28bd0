"""Guardrails around every DuckDB query the web process runs: a time limit (interrupt from a timer
thread), a bounded number of concurrent queries (refuse fast when full) and row caps."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import duckdb


class Busy(Exception):
    """Too many queries are running; the caller should answer 503 with Retry-After."""


class QueryTimeout(Exception):
    """The query ran past its time limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The query took longer than {seconds:g} s and was stopped. Add filters or a smaller limit.")
        self.seconds = seconds


class QueryFailed(Exception):
    """DuckDB refused or failed the query (message is safe to show: server paths are scrubbed)."""


#: An absolute file path (POSIX or Windows) inside a DuckDB message, e.g. a table file's location.
_PATHS = re.compile(r"""(?:[A-Za-z]:\\|/)(?:[^\s'"`]+[/\\])+[^\s'"`]*""")


def scrub_paths(message: str) -> str:
    """DuckDB names files in some errors; the server's folders are nobody's business."""
    return _PATHS.sub("[server file]", message)


@dataclass
class Guard:
    """Per-process limits; one instance is shared by every request of a process."""

    timeout: float = 2.0
    max_concurrent: int = 4
    #: how long a request may wait for a slot before it is refused (503)
    wait: float = 0.5

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.max_concurrent)

    def acquire(self) -> None:
        if not self._slots.acquire(timeout=self.wait):
            raise Busy("The Data API is busy; try again in a moment.")

    def release(self) -> None:
        self._slots.release()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    @contextmanager
    def deadline(self, cur: duckdb.DuckDBPyConnection, seconds: float | None = None) -> Iterator[None]:
        """Interrupt `cur` if the block is still running after `seconds` (default: self.timeout)."""
        limit = self.timeout if seconds is None else seconds
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            with suppress(duckdb.Error):
                cur.interrupt()

        timer = threading.Timer(limit, stop)
        timer.daemon = True
        timer.start()
        try:
            yield
        except duckdb.InterruptException:
            raise QueryTimeout(limit) from None
        except duckdb.Error as exc:
            if fired.is_set():
                raise QueryTimeout(limit) from None
            raise QueryFailed(scrub_paths(str(exc).splitlines()[0])) from None
        finally:
            timer.cancel()
        if fired.is_set():
            raise QueryTimeout(limit)

    def run(self, cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """Execute and fetch all rows under a concurrency slot and the time limit."""
        with self.slot(), self.deadline(cur):
            return cur.execute(sql, params or []).fetchall()

    def stream(
        self,
        cur: duckdb.DuckDBPyConnection,
        sql: str,
        params: list[Any] | None = None,
        *,
        seconds: float,
        batch: int = 20_000,
    ) -> Iterator[list[tuple]]:
        """Yield batches of rows of a long query (full downloads) under a slot and a longer limit.

        The slot is held until the generator is exhausted or closed (the response finished or the
        client went away), so a flood of downloads cannot pile up unbounded.
        """
        self.acquire()
        try:
            with self.deadline(cur, seconds):
                result = cur.execute(sql, params or [])
                while rows := result.fetchmany(batch):
                    yield rows
        finally:
            self.release()
