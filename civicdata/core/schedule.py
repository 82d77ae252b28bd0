"""Recurring background work. Each entry is a task that re-queues itself with `run_after` (harvests,
link checks and dashboard snapshots hourly; e-mail digests daily); the worker makes sure one of each
is waiting in the queue when it starts, so a fresh install or a flushed queue picks the schedule up.

Apps add their tasks with `register_periodic_task("civicdata.<app>.tasks.<name>")` in
`AppConfig.ready()` (a dotted path, so the task module is only imported when the worker starts)."""

from __future__ import annotations

from django.utils.module_loading import import_string

_periodic_tasks: list[str] = []


def register_periodic_task(path: str) -> None:
    """Have the worker keep the task at `path` queued; registering a path twice keeps one entry."""
    if path not in _periodic_tasks:
        _periodic_tasks.append(path)


def periodic_tasks() -> tuple[str, ...]:
    """The registered periodic tasks, in registration order."""
    return tuple(_periodic_tasks)


def ensure_periodic_tasks_queued() -> list[str]:
    """Queue each periodic task that has no waiting or running instance; returns the ones queued."""
    from django_tasks_db.models import DBTaskResult

    queued = []
    for path in _periodic_tasks:
        pending = DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).exists()
        if not pending:
            import_string(path).enqueue()
            queued.append(path)
    return queued
