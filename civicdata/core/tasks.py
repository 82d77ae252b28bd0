"""Background work of the plumbing: the sweep that ends jobs whose worker died (every minute)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

SWEEP_EVERY = timedelta(minutes=1)


@task
def sweep_task(reschedule: bool = True) -> dict[str, int]:
    """Fail and re-queue work whose worker is gone, keep the periodic tasks queued, then queue the next sweep."""
    from civicdata.core.schedule import ensure_periodic_tasks_queued
    from civicdata.core.workers import sweep_stopped_work

    if reschedule:
        sweep_task.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()
    counts = sweep_stopped_work()
    # A periodic task whose run died with its worker is failed above; queue it again at once.
    ensure_periodic_tasks_queued()
    return counts
