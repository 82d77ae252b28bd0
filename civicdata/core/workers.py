"""Jobs that always end: worker and job heartbeats, and the sweep that fails work whose worker died.

A `civicdata worker` names itself (`current_worker_id()`), writes a `WorkerHeartbeat` row every
WORKER_HEARTBEAT_SECONDS, and long jobs (table loads, harvests) touch a heartbeat field of their own
row with `beating(...)`. `sweep_stopped_work()` runs when a worker starts and every minute after: it
fails the queued tasks whose worker is gone and calls each app's registered sweep
(`register_stopped_work_sweep`), which marks its own rows failed and queues them again when safe.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

logger = logging.getLogger("civicdata.workers")

#: Queue of the link checker; every other task runs on Django's "default" queue. Link checks get a
#: worker of their own so a slow batch never delays a table load or a harvest.
LINKS_QUEUE = "links"
QUEUES = ("default", LINKS_QUEUE)

WORKER_ID_ENV = "CIVICDATA_WORKER_ID"
#: The reason written on work whose worker died (also matched by the tests and the docs).
STOPPED_REASON = "The worker stopped while this was running."


def current_worker_id() -> str:
    """The id of the `civicdata worker` running this code, or "" outside a worker (web, tests)."""
    return os.environ.get(WORKER_ID_ENV, "")


def new_worker_id() -> str:
    """A worker id unique across hosts and restarts: host, process id and a random suffix."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{os.urandom(4).hex()}"[:64]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is dead for our purpose.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class _Beat(threading.Thread):
    """A daemon thread that calls `touch()` every `interval` seconds until stopped; database errors
    (a locked SQLite file, a dropped connection) are logged and the next beat tries again."""

    def __init__(self, touch: Callable[[], None], interval: float, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.touch = touch
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.touch()
                except DatabaseError:
                    logger.warning("heartbeat %s could not be written", self.name, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 5)


def start_worker_heartbeat(worker_id: str, *, queues: str) -> _Beat:
    """Record this worker as alive now and every WORKER_HEARTBEAT_SECONDS from a background thread."""
    from civicdata.core.models import WorkerHeartbeat

    def touch() -> None:
        now = timezone.now()
        where = {"hostname": socket.gethostname(), "pid": os.getpid(), "queues": queues, "seen_at": now}
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id, defaults=where, create_defaults={**where, "started_at": now}
        )

    touch()
    beat = _Beat(touch, settings.WORKER_HEARTBEAT_SECONDS, name=f"heartbeat-{worker_id}")
    beat.start()
    return beat


@contextmanager
def beating_with(touch: Callable[[], None], *, name: str) -> Iterator[None]:
    """While the block runs, call `touch()` every WORKER_HEARTBEAT_SECONDS from a thread with its own
    database connection (so the writes are visible while the block holds a long transaction)."""
    beat = _Beat(touch, settings.WORKER_HEARTBEAT_SECONDS, name=name)
    beat.start()
    try:
        yield
    finally:
        beat.stop()


@contextmanager
def beating(model: type[Model], pk: Any, *, field: str, **also: Any) -> Iterator[None]:
    """While the block runs, keep `field` of row `pk` at about now (set at once, with the extra values
    in `also`, then every WORKER_HEARTBEAT_SECONDS)."""
    model.objects.filter(pk=pk).update(**{field: timezone.now()}, **also)

    def touch() -> None:
        model.objects.filter(pk=pk).update(**{field: timezone.now()})

    with beating_with(touch, name=f"heartbeat-{model._meta.label}-{pk}"):
        yield


@dataclass(frozen=True)
class Liveness:
    """What a sweep needs to decide that running work has stopped."""

    #: heartbeats older than this mean the work stopped
    stale_before: datetime
    #: ids of workers known to be gone (their process ended on this host, or their beat is stale)
    dead_workers: frozenset[str]

    def stopped(self, *, worker_id: str, heartbeat: datetime | None) -> bool:
        if worker_id and worker_id in self.dead_workers:
            return True
        return heartbeat is None or heartbeat < self.stale_before


def liveness(*, now: datetime | None = None) -> Liveness:
    """Which workers are gone, from their heartbeat rows (a process on this host is checked directly)."""
    from civicdata.core.models import WorkerHeartbeat

    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    here = socket.gethostname()
    dead = set()
    for worker_id, hostname, pid, seen_at in WorkerHeartbeat.objects.values_list(
        "worker_id", "hostname", "pid", "seen_at"
    ):
        if seen_at < stale_before or (hostname == here and not _pid_alive(pid)):
            dead.add(worker_id)
    return Liveness(stale_before=stale_before, dead_workers=frozenset(dead))


def fail_stopped_rows(running: QuerySet, alive: Liveness, *, fail: Callable[[Any], None]) -> int:
    """The shared body of every app's stopped-work sweep: for each row of `running` (rows with
    `worker_id`, `heartbeat_at` and `started_at` fields, filtered to the running ones) whose worker is
    gone, call `fail(row)`. Returns how many rows were failed.

    Each row is locked in its own transaction and read again through `running`, so a row that finished
    meanwhile is skipped and two sweeps never fail (or re-queue) the same row twice; `fail` runs inside
    that transaction (use `transaction.on_commit` for what must wait for it).
    """
    failed = 0
    for candidate in running.only("pk", "worker_id", "heartbeat_at", "started_at"):
        if not alive.stopped(worker_id=candidate.worker_id, heartbeat=candidate.heartbeat_at or candidate.started_at):
            continue
        with transaction.atomic():
            row = running.select_for_update().filter(pk=candidate.pk).first()
            if row is None:
                continue
            fail(row)
            failed += 1
    return failed


_sweeps: list[str] = []


def register_stopped_work_sweep(path: str) -> None:
    """Have `sweep_stopped_work` call the function at dotted `path` with a `Liveness`; it returns how
    many rows it marked failed. Apps register theirs in `AppConfig.ready()`."""
    if path not in _sweeps:
        _sweeps.append(path)


def fail_orphaned_tasks(alive: Liveness) -> int:
    """Mark failed the task-queue rows still "running" on a worker that is gone (they would otherwise
    stay running forever, and a periodic task would never be queued again)."""
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        known = worker_id in alive.dead_workers
        if known or (not _has_heartbeat(worker_id) and (result.started_at or timezone.now()) < alive.stale_before):
            result.set_failed(WorkerStopped(STOPPED_REASON))
            failed += 1
    return failed


def _has_heartbeat(worker_id: str) -> bool:
    from civicdata.core.models import WorkerHeartbeat

    return bool(worker_id) and WorkerHeartbeat.objects.filter(worker_id=worker_id).exists()


class WorkerStopped(Exception):
    """Recorded as the error of a task whose worker died while running it."""


def sweep_stopped_work() -> dict[str, int]:
    """Fail (and where safe re-queue) everything whose worker is gone; forget long-dead workers.
    Returns the number of rows each sweep marked failed."""
    from django.utils.module_loading import import_string

    from civicdata.core.models import WorkerHeartbeat

    alive = liveness()
    counts = {"tasks": fail_orphaned_tasks(alive)}
    for path in _sweeps:
        counts[path.rsplit(".", 1)[-1]] = import_string(path)(alive)
    # Rows of dead workers are kept a day so the sweep can still recognise their jobs.
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    WorkerHeartbeat.objects.filter(worker_id__in=alive.dead_workers, seen_at__lt=alive.stale_before).delete()
    return counts
