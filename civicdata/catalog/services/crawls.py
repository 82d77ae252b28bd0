"""Completeness crawls: start one, run it in the background, and turn a finding into a draft dataset."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.catalog import crawl as crawling
from civicdata.catalog.models import CatalogCrawl, CrawlFinding, CrawlStatus, Dataset, Distribution
from civicdata.catalog.services.datasets import create_dataset, suggested_identifier
from civicdata.core.audit import record_write
from civicdata.core.errors import InvalidInput
from civicdata.core.fetch import FetchError, check_url

MAX_START_URLS = 10


def _budget() -> crawling.Budget:
    return crawling.Budget(
        max_pages=settings.CATALOG_CRAWL_MAX_PAGES,
        max_bytes=settings.CATALOG_CRAWL_MAX_MB * 1024 * 1024,
        page_bytes=min(2 * 1024 * 1024, settings.CATALOG_CRAWL_MAX_MB * 1024 * 1024),
        delay=settings.CATALOG_CRAWL_DELAY_SECONDS,
    )


def _checked_start_urls(start_urls: list[str]) -> list[str]:
    """The start addresses, trimmed, each allowed by the SSRF rules (a refused one is a clear error now)."""
    urls = [url.strip() for url in start_urls if url.strip()]
    if not urls:
        raise InvalidInput(_("Give at least one web page address to start from."), code="no_start_url")
    if len(urls) > MAX_START_URLS:
        raise InvalidInput(
            _("Give at most %(n)d addresses per crawl.") % {"n": MAX_START_URLS}, code="too_many_start_urls"
        )
    for url in urls:
        try:
            check_url(url)
        except FetchError as error:
            raise InvalidInput(f"{url}: {error.message}", code="start_url_refused") from None
    return urls


def start_crawl(*, publisher: Organization, start_urls: list[str], by: Any) -> CatalogCrawl:
    """Queue a crawl of `start_urls` for `publisher` (the caller checked the person edits for it).

    Every address is checked against the SSRF rules now, so a refused one gets a clear error at once.
    """
    urls = _checked_start_urls(start_urls)
    from civicdata.catalog.tasks import crawl_task  # tasks import the services

    with transaction.atomic():
        run = CatalogCrawl.objects.create(publisher=publisher, start_urls=urls, created_by=by if by else None)
        record_write(actor=by, action="catalog.crawl.start", target=run, after={"start_urls": urls})
        transaction.on_commit(lambda: crawl_task.enqueue(run.pk))
    return run


def crawl_now(*, publisher: Organization, start_urls: list[str], by: Any = None) -> CatalogCrawl:
    """Crawl `start_urls` for `publisher` in this process and return the finished run (the command line's
    way: same checks, budgets and stored findings as a queued crawl, without waiting for a worker)."""
    urls = _checked_start_urls(start_urls)
    with transaction.atomic():
        run = CatalogCrawl.objects.create(publisher=publisher, start_urls=urls, created_by=by if by else None)
        record_write(actor=by, action="catalog.crawl.start", target=run, after={"start_urls": urls})
    return run_crawl(run)


def run_crawl(run: CatalogCrawl) -> CatalogCrawl:
    """Crawl now (called by the task) and store what was found. Never raises: a failure is recorded."""
    CatalogCrawl.objects.filter(pk=run.pk).update(status=CrawlStatus.RUNNING, started_at=timezone.now())

    def progress(result: crawling.CrawlResult) -> None:
        CatalogCrawl.objects.filter(pk=run.pk).update(pages_read=result.pages, bytes_read=result.bytes)

    try:
        result = crawling.crawl(run.start_urls, budget=_budget(), progress=progress)
    except Exception as error:
        CatalogCrawl.objects.filter(pk=run.pk).update(
            status=CrawlStatus.FAILED, error=f"{error.__class__.__name__}: {error}", finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    catalogued = _catalogued_urls({crawling.normalise(f.url) for f in result.files})
    with transaction.atomic():
        CrawlFinding.objects.bulk_create(
            [
                CrawlFinding(
                    crawl=run,
                    url=found.url,
                    normalised_url=crawling.normalise(found.url),
                    found_on=found.found_on,
                    link_text=found.text,
                    kind=found.kind,
                    in_catalog=crawling.normalise(found.url) in catalogued,
                )
                for found in result.files
            ],
            ignore_conflicts=True,
        )
        CatalogCrawl.objects.filter(pk=run.pk).update(
            status=CrawlStatus.DONE,
            pages_read=result.pages,
            bytes_read=result.bytes,
            stopped_by=result.stopped,
            skipped=[{"url": url, "reason": reason} for url, reason in result.skipped[:500]],
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def _catalogued_urls(candidates: set[str]) -> set[str]:
    """Which of `candidates` (normalised) a distribution's download or access URL already points at."""
    hosts = {url.split("/")[2] for url in candidates}
    if not hosts:
        return set()
    query = Q()
    for host in hosts:
        for scheme in ("http", "https"):
            query |= Q(download_url__istartswith=f"{scheme}://{host}") | Q(access_url__istartswith=f"{scheme}://{host}")
    known: set[str] = set()
    for download, access in Distribution.objects.filter(query).values_list("download_url", "access_url").iterator():
        known.update(crawling.normalise(url) for url in (download, access) if url)
    return candidates & known


def start_draft_from_finding(finding: CrawlFinding, *, by: Any) -> Dataset:
    """A draft dataset for a file the catalog misses, with the file as its distribution; the person
    completes it on the edit page. Starting it twice opens the same draft."""
    with transaction.atomic():
        finding = CrawlFinding.objects.select_for_update().select_related("crawl__publisher").get(pk=finding.pk)
        if finding.dataset_id:
            return finding.dataset
        name = PurePosixPath(unquote(urlsplit(finding.url).path)).name or finding.url
        title = finding.link_text if len(finding.link_text) >= 3 else PurePosixPath(name).stem.replace("_", " ")
        media_type = mimetypes.guess_type(name)[0]
        distribution: dict[str, Any] = {"@type": "dcat:Distribution", "downloadURL": finding.url, "title": name}
        if media_type:
            distribution["mediaType"] = media_type
        data = {
            "@type": "dcat:Dataset",
            "title": title,
            "description": _("Found on %(page)s by the catalog completeness crawl.") % {"page": finding.found_on},
            "identifier": suggested_identifier(title),
            "accessLevel": "public",
            "publisher": {"@type": "org:Organization", "name": finding.crawl.publisher.name},
            "distribution": [distribution],
        }
        dataset = create_dataset(publisher=finding.crawl.publisher, data=data, by=by)
        finding.dataset = dataset
        finding.save(update_fields=["dataset"])
        record_write(actor=by, action="catalog.crawl.draft", target=dataset, after={"url": finding.url})
    return dataset
