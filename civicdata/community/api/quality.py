"""Data-quality reports in the API at /api/quality-reports/: list and detail (nothing about who sent a
report), sending one (signed in), and the whole list as CSV."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in
from civicdata.accounts.models import Organization
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
from civicdata.catalog.permissions import ensure_can_view_dataset
from civicdata.catalog.publishing import organization_tree_ids
from civicdata.community import services
from civicdata.community.models import QualityReport
from civicdata.core.errors import InvalidInput
from civicdata.core.pagination import CursorPage, paginate
from civicdata.core.spreadsheet import csv_text
from civicdata.datastore.models import DataTable

router = Router()


class ReportOut(Schema):
    id: int
    dataset: str
    distribution: int | None
    table: str | None
    column: str
    row: str
    category: str
    description: str
    status: str
    resolution: str
    duplicate_of: int | None
    due_at: dt.datetime
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    closed_at: dt.datetime | None
    days_to_fix: float | None
    overdue: bool
    table_withdrawn: bool
    url: str


class ReportIn(Schema):
    dataset: str
    category: str
    description: str
    distribution: int | None = None
    table: str = ""
    column: str = ""
    row: str = ""


def public_reports() -> QuerySet[QualityReport]:
    """Reports about datasets anyone can see (drafts, withdrawn and non-public datasets stay out)."""
    return (
        QualityReport.objects.filter(
            dataset__is_published=True, dataset__withdrawn_at__isnull=True, dataset__access_level__in=PUBLIC_LEVELS
        )
        .exclude(dataset__is_valid=False)
        .select_related("dataset", "table")
    )


def report_out(report: QualityReport) -> dict:
    """The public fields of a report: the reporter is never among them."""
    return {
        "id": report.pk,
        "dataset": report.dataset.name,
        "distribution": report.distribution_id,
        "table": report.table.name if report.table_id else None,
        "column": report.column,
        "row": report.row,
        "category": report.category,
        "description": report.description,
        "status": report.status,
        "resolution": report.resolution,
        "duplicate_of": report.duplicate_of_id,
        "due_at": report.due_at,
        "created_at": report.created_at,
        "confirmed_at": report.confirmed_at,
        "closed_at": report.closed_at,
        "days_to_fix": report.days_to_fix,
        "overdue": report.is_overdue(),
        "table_withdrawn": report.table_withdrawn_at is not None,
        "url": report.get_absolute_url(),
    }


def _filtered(dataset: str, status: str, publisher: str) -> QuerySet[QualityReport]:
    reports = public_reports()
    if dataset:
        reports = reports.filter(dataset__name=dataset)
    if status:
        reports = reports.filter(status=status)
    if publisher:
        # The publisher with its departments, as on its "problem reports" page.
        organization = Organization.objects.filter(slug=publisher).first()
        reports = reports.filter(dataset__publisher_id__in=organization_tree_ids(organization) if organization else [])
    return reports


@router.get("", response=CursorPage[ReportOut], summary="List data-quality reports")
def list_reports(
    request: HttpRequest,
    dataset: str = "",
    status: str = "",
    publisher: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> dict:
    """Reports about public datasets, newest first; filter by `dataset` (short name), `status` and
    `publisher` (slug; its departments' datasets too). Who sent a report is never given."""
    page = paginate(_filtered(dataset, status, publisher), cursor=cursor, limit=limit)
    return {"items": [report_out(r) for r in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/export.csv", summary="Data-quality reports as CSV")
def export_reports(request: HttpRequest, dataset: str = "", status: str = "", publisher: str = "") -> HttpResponse:
    """The same fields as the list, one row per report (at most 50,000, newest first)."""
    rows = [report_out(r) for r in _filtered(dataset, status, publisher).order_by("-id")[:50000]]
    header = list(ReportOut.model_fields)
    body = csv_text(header, ([row[name] for name in header] for row in rows))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="quality-reports.csv"'
    return response


@router.get("/{report_id}", response=ReportOut, summary="One data-quality report")
def get_report(request: HttpRequest, report_id: int) -> dict:
    return report_out(get_object_or_404(public_reports(), pk=report_id))


@router.post("", response={201: ReportOut}, auth=signed_in, summary="Report a problem with a dataset")
def create_report(request: HttpRequest, payload: ReportIn) -> Status:
    """Send a report to the dataset's steward (the same daily limit as the page)."""
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=payload.dataset)
    ensure_can_view_dataset(request.auth, dataset)
    distribution = None
    if payload.distribution is not None:
        distribution = dataset.distributions.filter(pk=payload.distribution).first()
        if distribution is None:
            raise InvalidInput("This file is not part of the dataset.", code="invalid_report")
    table = None
    if payload.table:
        table = DataTable.objects.filter(dataset=dataset, name=payload.table).first()
        if table is None:
            raise InvalidInput("This table is not part of the dataset.", code="invalid_report")
    report = services.report_problem(
        dataset,
        by=request.auth,
        category=payload.category,
        description=payload.description,
        distribution=distribution,
        table=table,
        column=payload.column,
        row=payload.row,
    )
    return Status(201, report_out(report))
