"""Background work of the catalog (Django tasks): harvest runs, the scheduled tick that starts due
harvests, checks links, stores dashboard snapshots, prepares `/data.json` and deletes orphan uploaded
files, and helpers to enqueue them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.tasks import task
from django.utils import timezone

from civicdata.core.workers import LINKS_QUEUE

TICK_EVERY = timedelta(hours=1)


@task
def harvest_task(source_id: int, user_id: int | None = None) -> dict[str, Any]:
    """Run one harvest source now; returns the run's counts."""
    from civicdata.accounts.models import User
    from civicdata.catalog import services
    from civicdata.catalog.models import HarvestSource

    source = HarvestSource.objects.get(pk=source_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    with services.harvest_heartbeat(source.pk):
        run = services.run_harvest(source, by=user)
    return {"run": run.pk, "status": run.status, "new": run.created_count, "changed": run.changed_count}


@task(queue_name=LINKS_QUEUE)
def link_check_task(limit: int = 200) -> int:
    """Check a batch of distribution links (politely, via the SSRF-safe fetcher)."""
    from civicdata.catalog.linkcheck import check_links

    return check_links(limit=limit)


@task(queue_name=LINKS_QUEUE)
def crawl_task(crawl_id: int) -> dict[str, Any]:
    """Run one completeness crawl (on the links queue: it waits on other sites, never on table loads)."""
    from civicdata.catalog.models import CatalogCrawl
    from civicdata.catalog.services.crawls import run_crawl

    run = run_crawl(CatalogCrawl.objects.get(pk=crawl_id))
    return {"crawl": run.pk, "status": run.status, "pages": run.pages_read}


@task
def snapshot_task() -> int:
    """Store today's dashboard figures for every publisher that has datasets."""
    from civicdata.accounts.models import Organization
    from civicdata.catalog import services

    publishers = Organization.objects.filter(kind="publisher", datasets__isnull=False).distinct()
    count = 0
    for publisher in publishers:
        services.take_snapshot(publisher)
        count += 1
    return count


@task
def prepare_listing_task() -> bool:
    """Write `/data.json` for the catalog's current state at the site's address (SITE_URL), so that the
    first person to ask after a change does not wait for it to be serialised; True when one was written."""
    from django.conf import settings
    from django.urls import reverse

    from civicdata.catalog.publishing import prepare_listing

    if not settings.SITE_URL:
        return False
    return prepare_listing(catalog_url=settings.SITE_URL + reverse("catalog:data_json"))


def enqueue_prepare_listing() -> None:
    """Queue `prepare_listing_task` (call it on commit of a change to the catalog)."""
    prepare_listing_task.enqueue()


@task
def catalog_tick(reschedule: bool = True) -> dict[str, int]:
    """The catalog's schedule: start due harvests, check links, refresh snapshots, prepare `/data.json`,
    delete orphan uploaded files, then queue the next tick."""
    from civicdata.catalog import services

    due = services.due_harvest_sources()
    for source in due:
        harvest_task.enqueue(source.pk)
    link_check_task.enqueue()
    snapshot_task.enqueue()
    prepare_listing_task.enqueue()
    orphans = services.delete_orphan_files()
    if reschedule:
        catalog_tick.using(run_after=timezone.now() + TICK_EVERY).enqueue()
    return {"harvests": len(due), "orphan_files": len(orphans)}


def enqueue_harvest(source: Any, *, by: Any = None) -> None:
    """Queue one harvest of `source` (runs at once under the test backend)."""
    user_id = by.pk if getattr(by, "is_authenticated", False) else None
    harvest_task.enqueue(source.pk, user_id)
