"""Harvest runs whose worker died: keeping them alive while they work, failing them when they stop.

A harvest writes all or nothing in one transaction, so a run cut short changed nothing and can be
started again; a scheduled source's run is re-queued (at most MAX_ATTEMPTS tries in a row).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.catalog.models import HarvestRun, HarvestSource, RunStatus
from civicdata.core import workers

#: Tries in a row of one source whose worker died before the sweep stops queuing it again.
MAX_ATTEMPTS = 2


@contextmanager
def harvest_heartbeat(source_id: int) -> Iterator[None]:
    """While the block runs a harvest of `source_id`, keep the heartbeat of its running run fresh."""
    began = timezone.now()
    worker_id = workers.current_worker_id()

    def touch() -> None:
        HarvestRun.objects.filter(source_id=source_id, status=RunStatus.RUNNING, started_at__gte=began).update(
            heartbeat_at=timezone.now(), worker_id=worker_id
        )

    with workers.beating_with(touch, name=f"heartbeat-harvest-{source_id}"):
        yield


def fail_stopped_harvest_runs(alive: workers.Liveness) -> int:
    """Mark failed every running harvest run whose worker is gone, saying so; re-queue the source's
    harvest when that is safe. Registered with `core.workers.register_stopped_work_sweep`; returns the
    count failed. Each run is failed under a row lock (`workers.fail_stopped_rows`), so two sweeps never
    re-queue it twice."""
    return workers.fail_stopped_rows(HarvestRun.objects.filter(status=RunStatus.RUNNING), alive, fail=_fail_run)


def _fail_run(run: HarvestRun) -> None:
    retried = _retry(run)
    message = _("The worker stopped while this was running; nothing was changed.")
    if retried:
        message += " " + _("The harvest was queued again.")
    HarvestRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), worker_lost=True, error=message
    )


def _retry(run: HarvestRun) -> bool:
    """Queue the source's harvest again when the run was a real harvest of an approved, active source
    that has not lost its worker MAX_ATTEMPTS times in a row."""
    if run.source_id is None or run.dry_run:
        return False
    source = HarvestSource.objects.filter(pk=run.source_id, is_active=True, approved_at__isnull=False).first()
    if source is None:
        return False
    last_success = HarvestRun.objects.filter(source=source, status=RunStatus.SUCCEEDED).order_by("-created_at").first()
    lost = HarvestRun.objects.filter(source=source, worker_lost=True)
    if last_success is not None:
        lost = lost.filter(created_at__gt=last_success.created_at)
    if lost.count() + 1 >= MAX_ATTEMPTS:
        return False
    from civicdata.catalog.tasks import harvest_task

    user_id = run.triggered_by_id
    transaction.on_commit(lambda: harvest_task.enqueue(source.pk, user_id))
    return True
