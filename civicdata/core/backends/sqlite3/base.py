"""civicdata's SQLite backend: Django's, with the writers of one process queued on a lock of their own.

SQLite lets one connection write at a time. The others wait in its busy handler, which sleeps and polls
and is not fair: with dozens of web threads writing at once (500 people voting together, each vote also
counting a rate-limit hit), a thread could keep missing the lock until its busy timeout ran out and its
request answered 500 "database is locked". Here a write transaction (`BEGIN IMMEDIATE`, as `atomic()`
starts one) and a write statement in autocommit first take a process-wide lock, first come first served,
and hold it until the commit, rollback or statement ends; so only one thread per process waits inside
SQLite, and the busy timeout only has to cover the other processes (the other web process, the worker).

The lock is per database file. A thread that cannot have it within WRITE_QUEUE_SECONDS goes on without
it (SQLite's own busy timeout then applies, as with Django's backend), so a stuck holder cannot hang
every writer for ever.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.db.backends.sqlite3 import base

#: The longest a writer waits for its turn in this process before trying SQLite directly.
WRITE_QUEUE_SECONDS = 120.0

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def _forget_locks() -> None:
    """A forked child (gunicorn's workers) starts with no writer: it gets fresh locks."""
    global _locks_guard
    _locks.clear()
    _locks_guard = threading.Lock()


os.register_at_fork(after_in_child=_forget_locks)

_READS = ("SELECT", "WITH", "VALUES", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_turn: threading.Lock | None = None

    def _take_write_turn(self) -> None:
        if self._write_turn is not None or self.is_in_memory_db():
            return
        lock = _lock_for(str(self.settings_dict["NAME"]))
        if lock.acquire(timeout=WRITE_QUEUE_SECONDS):
            self._write_turn = lock

    def _give_write_turn(self) -> None:
        lock, self._write_turn = self._write_turn, None
        if lock is not None:
            lock.release()

    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode not in {"IMMEDIATE", "EXCLUSIVE"}:
            super()._start_transaction_under_autocommit()
            return
        self._take_write_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_write_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._give_write_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._give_write_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._give_write_turn()

    def create_cursor(self, name: str | None = None) -> base.SQLiteCursorWrapper:
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.wrapper = self
        return cursor


class QueuedCursor(base.SQLiteCursorWrapper):
    """A write statement outside a transaction takes the process's write turn while it runs."""

    wrapper: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if not self._lone_write(query):
            return super().execute(query, params)
        self.wrapper._take_write_turn()
        try:
            return super().execute(query, params)
        finally:
            self.wrapper._give_write_turn()

    def executemany(self, query: str, param_list: Any) -> Any:
        if not self._lone_write(query):
            return super().executemany(query, param_list)
        self.wrapper._take_write_turn()
        try:
            return super().executemany(query, param_list)
        finally:
            self.wrapper._give_write_turn()

    def _lone_write(self, query: str) -> bool:
        """A statement that writes, run in autocommit (no transaction holds the turn or the file)."""
        wrapper = self.wrapper
        if wrapper._write_turn is not None or wrapper.connection is None or wrapper.connection.in_transaction:
            return False
        return not query.lstrip().upper().startswith(_READS)
