"""Background work of the Data API: loading a file into a table runs in the task worker."""

from __future__ import annotations

from django.tasks import task


@task
def ingest_table(job_id: int) -> None:
    """Run one IngestJob (progress and errors are written on the job itself)."""
    from . import services

    services.run_ingest_job(job_id=job_id)


@task
def refresh_live_table(source_id: int) -> None:
    """Copy one live table from its database and queue the load of the copy."""
    from .services.live_sources import refresh_live_source

    refresh_live_source(source_id)


@task
def live_tables_tick(reschedule: bool = True) -> int:
    """Queue the refresh of every live table that is due, then the next tick (every five minutes)."""
    from datetime import timedelta

    from django.utils import timezone

    from .services.live_sources import due_live_sources

    due = due_live_sources()
    for source_id in due:
        refresh_live_table.enqueue(source_id=source_id)
    if reschedule:
        live_tables_tick.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue()
    return len(due)


@task
def refresh_map_layer(source_id: int) -> None:
    """Page one ArcGIS map layer through again and queue the load of the copy."""
    from .services.map_layers import refresh_map_layer_now

    refresh_map_layer_now(source_id)


@task
def map_layers_tick(reschedule: bool = True) -> int:
    """Queue the copy of every ArcGIS map layer table that is due, then the next tick (every five minutes)."""
    from datetime import timedelta

    from django.utils import timezone

    from .services.map_layers import due_map_layers

    due = due_map_layers()
    for source_id in due:
        refresh_map_layer.enqueue(source_id=source_id)
    if reschedule:
        map_layers_tick.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue()
    return len(due)
