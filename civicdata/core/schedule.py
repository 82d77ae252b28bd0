"""Recurring background work. Each entry is a task that re-queues itself with `run_after` (harvests,
link checks and dashboard snapshots hourly; e-mail digests daily); the worker makes sure one of each
is waiting in the queue when it starts, so a fresh install or a flushed queue picks the schedule up."""

from __future__ import annotations

from django.utils.module_loading import import_string

PERIODIC_TASKS = (
    "civicdata.catalog.tasks.catalog_tick",
    "civicdata.demand.tasks.demand_daily_tick",
)


def ensure_periodic_tasks_queued() -> list[str]:
    """Queue each periodic task that has no waiting or running instance; returns the ones queued."""
    from django_tasks_db.models import DBTaskResult

    queued = []
    for path in PERIODIC_TASKS:
        pending = DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).exists()
        if not pending:
            import_string(path).enqueue()
            queued.append(path)
    return queued
