"""Worker heartbeats and the sweep of queued tasks whose worker died (issue 12, item 5)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicdata.core.models import WorkerHeartbeat
from civicdata.core.tasks import sweep_task
from civicdata.core.workers import STOPPED_REASON, start_worker_heartbeat, sweep_stopped_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def _database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default", "links"]}}


def claimed(worker_id: str, *, started_ago: float = 5) -> DBTaskResult:
    sweep_task.enqueue(reschedule=False)
    result = DBTaskResult.objects.latest("enqueued_at")
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - timedelta(seconds=started_ago))
    return result


@pytest.mark.usefixtures("_database_queue")
def test_a_task_left_running_by_a_dead_worker_is_failed():
    """Otherwise it stays RUNNING forever, and a periodic task in that state is never queued again."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    WorkerHeartbeat.objects.create(worker_id="gone", hostname=socket.gethostname(), pid=child.pid)
    WorkerHeartbeat.objects.create(worker_id="here", hostname=socket.gethostname(), pid=os.getpid())
    orphan = claimed("gone")
    alive = claimed("here")
    assert sweep_stopped_work()["tasks"] == 1
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.status == "FAILED"
    assert STOPPED_REASON in orphan.traceback
    assert alive.status == "RUNNING"


@pytest.mark.usefixtures("_database_queue")
def test_a_task_of_an_unknown_worker_is_failed_once_stale(settings):
    settings.WORKER_STALE_SECONDS = 60
    recent = claimed("unknown", started_ago=5)
    old = claimed("unknown", started_ago=600)
    sweep_stopped_work()
    recent.refresh_from_db()
    old.refresh_from_db()
    assert (recent.status, old.status) == ("RUNNING", "FAILED")


def test_the_worker_heartbeat_names_its_process_and_queues(settings):
    settings.WORKER_HEARTBEAT_SECONDS = 3600
    beat = start_worker_heartbeat("w1", queues="default")
    try:
        row = WorkerHeartbeat.objects.get(worker_id="w1")
        assert (row.pid, row.hostname, row.queues) == (os.getpid(), socket.gethostname(), "default")
    finally:
        beat.stop()
