"""JSON API of the catalog completeness crawl, mounted at /api/tools/ (publishers' editors and site staff)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in
from civicdata.accounts.models import Organization
from civicdata.catalog import permissions, services
from civicdata.catalog.models import CatalogCrawl, CrawlFinding
from civicdata.catalog.pdf_form_api import router as pdf_forms_router

router = Router(tags=["tools"])
# The PDF Filler's API shares the tools prefix: /api/tools/forms.
router.add_router("/forms", pdf_forms_router)


class CrawlIn(Schema):
    publisher: str
    start_urls: list[str]


class FindingOut(Schema):
    id: int
    url: str
    found_on: str
    link_text: str
    kind: str
    in_catalog: bool
    draft_dataset: str | None = None


class CrawlOut(Schema):
    id: int
    publisher: str
    start_urls: list[str]
    status: str
    pages_read: int
    stopped_by: str
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None = None
    findings: list[FindingOut]


class DraftOut(Schema):
    name: str
    edit_url: str


def _out(run: CatalogCrawl, *, include_catalogued: bool) -> dict[str, Any]:
    findings = run.findings.select_related("dataset")
    if not include_catalogued:
        findings = findings.filter(in_catalog=False)
    return {
        "id": run.pk,
        "publisher": run.publisher.slug,
        "start_urls": run.start_urls,
        "status": run.status,
        "pages_read": run.pages_read,
        "stopped_by": run.stopped_by,
        "error": run.error,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "findings": [
            {
                "id": f.pk,
                "url": f.url,
                "found_on": f.found_on,
                "link_text": f.link_text,
                "kind": f.kind,
                "in_catalog": f.in_catalog,
                "draft_dataset": f.dataset.name if f.dataset else None,
            }
            for f in findings
        ],
    }


def _crawl(user: Any, pk: int) -> CatalogCrawl:
    run = get_object_or_404(CatalogCrawl.objects.select_related("publisher"), pk=pk)
    permissions.ensure_can_see_harvests_of(user, run.publisher)
    return run


@router.post("/crawls", response={201: CrawlOut}, auth=signed_in, summary="Start a completeness crawl")
def start_crawl(request: HttpRequest, payload: CrawlIn) -> Status:
    """Crawl the publisher's web pages for data files the catalog misses (editors of the publisher)."""
    publisher = get_object_or_404(Organization, slug=payload.publisher, kind="publisher")
    permissions.ensure_can_edit_for(request.auth, publisher)
    run = services.start_crawl(publisher=publisher, start_urls=payload.start_urls, by=request.auth)
    run.refresh_from_db()
    return Status(201, _out(run, include_catalogued=False))


@router.get("/crawls/{crawl_id}", response=CrawlOut, auth=signed_in, summary="A completeness crawl and its findings")
def crawl_detail(request: HttpRequest, crawl_id: int, include_catalogued: bool = False) -> dict[str, Any]:
    """Status and the data files found; those already in the catalog only with `include_catalogued`."""
    return _out(_crawl(request.auth, crawl_id), include_catalogued=include_catalogued)


@router.post(
    "/crawls/{crawl_id}/findings/{finding_id}/draft",
    response={201: DraftOut},
    auth=signed_in,
    summary="Start a draft dataset from a finding",
)
def draft_from_finding(request: HttpRequest, crawl_id: int, finding_id: int) -> Status:
    """A draft dataset with the found file as its distribution (the same draft when asked again)."""
    run = _crawl(request.auth, crawl_id)
    permissions.ensure_can_edit_for(request.auth, run.publisher)
    finding = get_object_or_404(CrawlFinding, pk=finding_id, crawl=run)
    dataset = services.start_draft_from_finding(finding, by=request.auth)
    return Status(
        201, {"name": dataset.name, "edit_url": reverse("catalog:dataset_edit", kwargs={"name": dataset.name})}
    )
