"""Background work of the Data API: loading a file into a table runs in the task worker."""

from __future__ import annotations

from django.tasks import task


@task
def ingest_table(job_id: int) -> None:
    """Run one IngestJob (progress and errors are written on the job itself)."""
    from . import services

    services.run_ingest_job(job_id=job_id)
