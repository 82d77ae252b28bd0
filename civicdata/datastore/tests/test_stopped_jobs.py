"""Loads always end (issue 12, item 5): a load whose worker died is marked failed with the reason and
queued again when safe, orphan uploads are deleted, and a real worker killed with SIGKILL mid-load
leaves nothing "running" once a new worker starts."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from civicdata.core.models import WorkerHeartbeat
from civicdata.core.workers import liveness, sweep_stopped_work
from civicdata.datastore import services
from civicdata.datastore.models import IngestJob, JobStatus, SourceKind

from .factories import load_table, make_published_dataset

#: Bounds of the subprocess test, in seconds (the machine running the suite may be busy).
MIGRATE_TIMEOUT = 300
WAIT_TIMEOUT = 120


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def running_job(table, *, worker_id: str, attempt: int = 1, upload: Path | None = None, age: float = 0) -> IngestJob:
    started = timezone.now() - timedelta(seconds=age)
    return IngestJob.objects.create(
        table=table,
        source_kind=SourceKind.UPLOAD if upload else SourceKind.PATH,
        source=upload.name if upload else "/nowhere.csv",
        stored_file=str(upload) if upload else "",
        status=JobStatus.RUNNING,
        stage="loading",
        progress=0.4,
        started_at=started,
        heartbeat_at=started,
        worker_id=worker_id,
        attempt=attempt,
    )


@pytest.mark.django_db
def test_a_load_whose_worker_died_is_failed_and_queued_again(django_capture_on_commit_callbacks) -> None:
    """A worker process that no longer exists on this host: its load is failed at once with the
    reason, and a new job (attempt 2) takes over the uploaded file."""
    table, _job = load_table(make_published_dataset(), "a\n1\n")
    WorkerHeartbeat.objects.create(worker_id="gone", hostname=socket.gethostname(), pid=dead_pid())
    upload = services.incoming_dir() / "waiting.csv"
    upload.write_text("a\n2\n")
    job = running_job(table, worker_id="gone", upload=upload)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        counts = sweep_stopped_work()
    assert counts["fail_stopped_ingest_jobs"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == "worker_stopped"
    assert "The worker stopped while this was running" in job.error["message"]
    retry = IngestJob.objects.get(pk=job.error["retry"])
    assert (retry.status, retry.attempt, retry.stored_file) == (JobStatus.QUEUED, 2, str(upload))
    assert job.stored_file == ""
    assert len(queued) == 1
    assert upload.exists()


@pytest.mark.django_db
def test_a_load_is_not_retried_twice_and_a_live_one_is_left_alone() -> None:
    table, _job = load_table(make_published_dataset(), "a\n1\n")
    WorkerHeartbeat.objects.create(worker_id="gone", hostname=socket.gethostname(), pid=dead_pid())
    WorkerHeartbeat.objects.create(worker_id="alive", hostname=socket.gethostname(), pid=os.getpid())
    second = running_job(table, worker_id="gone", attempt=2)
    live = running_job(table, worker_id="alive")
    sweep_stopped_work()
    second.refresh_from_db()
    live.refresh_from_db()
    assert second.status == JobStatus.FAILED
    assert second.error["retry"] is None
    assert "start the load again" in second.error["message"]
    assert live.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_a_load_without_heartbeat_for_too_long_is_failed(settings) -> None:
    """Another host's worker cannot be checked directly: a heartbeat older than WORKER_STALE_SECONDS
    is what tells."""
    settings.WORKER_STALE_SECONDS = 60
    table, _job = load_table(make_published_dataset(), "a\n1\n")
    fresh = running_job(table, worker_id="elsewhere", age=5)
    stale = running_job(table, worker_id="elsewhere", age=600)
    assert liveness().stopped(worker_id="elsewhere", heartbeat=fresh.heartbeat_at) is False
    sweep_stopped_work()
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING
    assert stale.status == JobStatus.FAILED


@pytest.mark.django_db
def test_orphan_uploads_older_than_the_limit_are_deleted(settings) -> None:
    settings.DATASTORE_ORPHAN_UPLOAD_HOURS = 24
    table, _job = load_table(make_published_dataset(), "a\n1\n")
    folder = services.incoming_dir()
    orphan, recent, waiting = folder / "orphan.csv", folder / "recent.csv", folder / "waiting.csv"
    for path in (orphan, recent, waiting):
        path.write_text("a\n1\n")
    old = time.time() - 25 * 3600
    os.utime(orphan, (old, old))
    os.utime(waiting, (old, old))
    IngestJob.objects.create(table=table, source_kind=SourceKind.UPLOAD, source="w.csv", stored_file=str(waiting))
    assert services.delete_orphan_uploads() == [orphan]
    assert not orphan.exists()
    assert recent.exists()
    assert waiting.exists()


# -- a real worker, killed -------------------------------------------------------------------------

SETUP = """
from pathlib import Path
from civicdata.datastore import services
from civicdata.datastore.tests.factories import make_published_dataset
dataset = make_published_dataset()
table = services.create_table(distribution=dataset.distributions.first(), name="big", by=None)
source = Path({source!r})
job = services.start_ingest(table, by=None, path=source)
print(job.pk)
"""


def job_row(database: Path, job_id: int) -> tuple[str, str, float, str | None]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT status, stage, progress, error FROM datastore_ingestjob WHERE id = ?", (job_id,)
        ).fetchone()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="checks processes through /proc")
def test_a_worker_killed_mid_load_leaves_no_job_running(tmp_path: Path) -> None:
    """kill -9 of the worker while a table loads; the next worker marks that load failed with the reason
    and runs its retry to the end."""
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    database = tmp_path / "jobs.sqlite3"
    environ.update(
        CIVICDATA_ENV="local", DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="x" * 60
    )
    cli = [sys.executable, "-m", "civicdata.cli"]
    subprocess.run(
        [*cli, "migrate", "--noinput"], env=environ, check=True, capture_output=True, timeout=MIGRATE_TIMEOUT
    )
    source = tmp_path / "big.csv"
    with source.open("w") as out:
        out.write("id,name,amount,when\n")
        out.writelines(f"{i},name {i},{i * 1.5},2024-01-{i % 28 + 1:02d}\n" for i in range(300_000))
    made = subprocess.run(
        [*cli, "shell", "-c", SETUP.format(source=str(source))],
        env=environ,
        check=True,
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
    )
    job_id = int(made.stdout.strip().splitlines()[-1])

    worker = subprocess.Popen([*cli, "worker", "--queue", "default"], env=environ, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT_TIMEOUT
        # Running and claimed by that worker (its id written): on a busy machine the kill could otherwise
        # come before the claim, leaving a row no sweep can tie to a dead worker.
        while job_row(database, job_id)[0] != "running" or not job_worker(database, job_id):
            assert worker.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the worker did not start the load"
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert job_row(database, job_id)[0] == "running"  # what the attack report saw, forever

        # A new worker: its start-up sweep fails the dead worker's load and its retry runs.
        worker = subprocess.Popen([*cli, "worker", "--queue", "default"], env=environ, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + WAIT_TIMEOUT
        while retried(database, job_id) != [("succeeded", 2)]:
            assert worker.poll() is None, "the new worker exited"
            assert time.monotonic() < deadline, f"the retry did not finish: {retried(database, job_id)}"
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    status, stage, _progress, error = job_row(database, job_id)
    assert (status, stage) == ("failed", "failed")
    assert "The worker stopped while this was running" in error
    with sqlite3.connect(database) as db:
        tasks = db.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchone()
    assert retried(database, job_id) == [("succeeded", 2)]
    assert tasks == (0,)


def job_worker(database: Path, job_id: int) -> str:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT worker_id FROM datastore_ingestjob WHERE id = ?", (job_id,)).fetchone()[0]


def retried(database: Path, job_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT status, attempt FROM datastore_ingestjob WHERE id > ? ORDER BY id", (job_id,)
        ).fetchall()
