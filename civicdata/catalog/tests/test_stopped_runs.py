"""Harvest runs always end (issue 12, item 5): a run whose worker died is failed with the reason, and
a scheduled source's harvest is queued again, at most MAX_ATTEMPTS times in a row."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.models import HarvestRun, HarvestSource, RunStatus
from civicdata.core.models import WorkerHeartbeat
from civicdata.core.workers import LINKS_QUEUE, sweep_stopped_work

pytestmark = pytest.mark.django_db


def dead_worker() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    WorkerHeartbeat.objects.create(worker_id="gone", hostname=socket.gethostname(), pid=child.pid)
    return "gone"


def running_run(source: HarvestSource | None, publisher, *, worker_id: str, dry_run: bool = False) -> HarvestRun:
    return HarvestRun.objects.create(
        source=source,
        publisher=publisher,
        origin="https://example.org/data.json",
        dry_run=dry_run,
        status=RunStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=5),
        heartbeat_at=timezone.now(),
        worker_id=worker_id,
    )


def approved_source(publisher) -> HarvestSource:
    return HarvestSource.objects.create(
        name="City", slug="city", publisher=publisher, url="https://example.org/data.json", approved_at=timezone.now()
    )


def test_a_run_whose_worker_died_fails_and_its_harvest_is_queued_again(django_capture_on_commit_callbacks):
    publisher = make_organization()
    source = approved_source(publisher)
    run = running_run(source, publisher, worker_id=dead_worker())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        counts = sweep_stopped_work()
    run.refresh_from_db()
    assert counts["fail_stopped_harvest_runs"] == 1
    assert run.status == RunStatus.FAILED
    assert run.worker_lost is True
    assert run.finished_at is not None
    assert run.error.startswith("The worker stopped while this was running; nothing was changed.")
    assert "queued again" in run.error
    assert len(queued) == 1


def test_a_source_that_keeps_losing_its_worker_is_not_queued_forever(django_capture_on_commit_callbacks):
    publisher = make_organization()
    source = approved_source(publisher)
    worker = dead_worker()
    HarvestRun.objects.create(source=source, publisher=publisher, status=RunStatus.FAILED, worker_lost=True)
    run = running_run(source, publisher, worker_id=worker)
    dry = running_run(source, publisher, worker_id=worker, dry_run=True)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        sweep_stopped_work()
    run.refresh_from_db()
    dry.refresh_from_db()
    assert (run.status, dry.status) == (RunStatus.FAILED, RunStatus.FAILED)
    assert "queued again" not in run.error
    assert queued == []


def test_a_run_of_a_live_worker_is_left_alone():
    publisher = make_organization()
    WorkerHeartbeat.objects.create(worker_id="here", hostname=socket.gethostname(), pid=os.getpid())
    run = running_run(approved_source(publisher), publisher, worker_id="here")
    sweep_stopped_work()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_link_checks_have_a_queue_of_their_own_so_they_never_delay_harvests():
    from civicdata.catalog.tasks import catalog_tick, harvest_task, link_check_task

    assert link_check_task.queue_name == LINKS_QUEUE
    assert harvest_task.queue_name == catalog_tick.queue_name == "default"
