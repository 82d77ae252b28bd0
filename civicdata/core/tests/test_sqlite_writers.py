"""Concurrent writers on one SQLite file never fail with "database is locked" (issue 12, item 7).

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps and polls and
is not fair: with dozens of web threads writing at once (500 people voting together, each vote also counting
a rate-limit hit and touching the API token), a thread could keep missing the lock until its busy timeout ran
out, and the vote answered 500. civicdata's SQLite backend queues the writers of one process on a lock of
its own (first come, first served), so only one thread per process waits inside SQLite.

Here many threads of this process write at once, each holding the write lock for a moment, with a busy
timeout far shorter than the time all of them need together: every write must succeed and count once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.db.utils import load_backend

from civicdata.settings.base import database_from_url

THREADS = 24
#: SQLite's busy timeout for this test (seconds): shorter than THREADS × HOLD, so plain waiting cannot cover it.
BUSY_TIMEOUT = 0.2
HOLD = 0.02
#: A subquery that keeps one statement busy for a moment while it holds the write lock.
SLOW_TOUCH = (
    "UPDATE counter SET n = n + 1 + 0 * "
    "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c)"
)


def _wrapper(path: Path, alias: str):
    config = database_from_url(f"sqlite:///{path}")
    config["OPTIONS"] = {**config["OPTIONS"], "timeout": BUSY_TIMEOUT}
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("CONN_MAX_AGE", 0)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    config.setdefault("TEST", {})
    return load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)


def _write_at_once(path: Path, work) -> list[str]:
    setup = _wrapper(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def one(number: int) -> None:
        db = _wrapper(path, f"writer{number}")
        try:
            barrier.wait()
            work(db)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def _count(path: Path) -> int:
    db = _wrapper(path, "reader")
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            return cursor.fetchone()[0]
    finally:
        db.close()


def test_concurrent_write_transactions_all_succeed(tmp_path: Path, django_db_blocker) -> None:
    """Like a vote: a transaction that writes, works a moment, writes again and commits."""
    path = tmp_path / "votes.sqlite3"

    def vote(db) -> None:
        with _atomic(db), db.cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 1")
            threading.Event().wait(HOLD)
            cursor.execute("UPDATE counter SET n = n")

    with django_db_blocker.unblock():  # its own SQLite files, not the test database
        errors = _write_at_once(path, vote)
        assert errors == []
        assert _count(path) == THREADS


def test_concurrent_single_statement_writes_all_succeed(tmp_path: Path, django_db_blocker) -> None:
    """Writes outside a transaction (an UPDATE in autocommit, as `QuerySet.update` does) queue the same way."""
    path = tmp_path / "touches.sqlite3"

    def touch(db) -> None:
        with db.cursor() as cursor:
            for _ in range(5):
                cursor.execute(SLOW_TOUCH)

    with django_db_blocker.unblock():
        errors = _write_at_once(path, touch)
        assert errors == []
        assert _count(path) == THREADS * 5


class _atomic:
    """BEGIN (IMMEDIATE, as configured) … COMMIT on `db`, the way `transaction.atomic` drives a backend."""

    def __init__(self, db) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, kind, value, _tb) -> None:
        try:
            if kind is None:
                self.db.commit()
            else:
                self.db.rollback()
        finally:
            self.db.set_autocommit(True)
