"""The figures of the impact pages that the community app itself knows: use of the data (views and
downloads counted by the catalog, by month from the demand app's daily usage rows), data requests
fulfilled, data-quality reports with their fix times, and the data challenges and engagement projects
(projects app) that used the data. They join the impact registry
(`impact.py`) in `CommunityConfig.ready()`, beside what other parts register."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
from civicdata.catalog.publishing import organization_tree_ids
from civicdata.community.api_calls import api_calls_total
from civicdata.community.impact import ImpactFigure, ImpactItem
from civicdata.community.models import OPEN_REPORT_STATUSES, ApiCallDay, ApiKind, Challenge, QualityReport, ReportStatus
from civicdata.demand.models import DataRequest, DemandItem, DemandKind, RequestStatus
from civicdata.projects.models import DataNeed, Intervention, Project

MONTHS = 12
# How many challenges or projects an impact page names (newest first); the figure counts them all.
LISTED = 20


def _median_days(pairs: Sequence[tuple[dt.datetime, dt.datetime]]) -> float | None:
    days = [(closed - created).total_seconds() / 86400 for created, closed in pairs if closed and created]
    return round(statistics.median(days), 1) if days else None


def _usage_figures(dataset_ids: Sequence[int] | None, *, views: int, downloads: int) -> list[ImpactFigure]:
    fulfilled = DataRequest.objects.filter(status=RequestStatus.PUBLISHED)
    if dataset_ids is not None:
        fulfilled = fulfilled.filter(fulfilling_datasets__in=list(dataset_ids))
    # API calls are counted in memory and written in batches (civicdata/community/api_calls.py).
    calls = api_calls_total(list(dataset_ids or []))
    return [
        ImpactFigure("views", _("Page views"), views),
        ImpactFigure("downloads", _("Downloads"), downloads),
        ImpactFigure("api_calls", _("Data API calls"), calls.get(ApiKind.DATA, 0)),
        ImpactFigure("ckan_api_calls", _("CKAN API calls"), calls.get(ApiKind.CKAN, 0)),
        ImpactFigure("requests_fulfilled", _("Data requests fulfilled"), fulfilled.distinct().count()),
    ]


def _quality_figures(reports: QuerySet, link: str) -> list[ImpactFigure]:
    summary = reports.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_REPORT_STATUSES)),
        fixed=Count("id", filter=Q(status=ReportStatus.FIXED)),
    )
    fixed_pairs = list(reports.filter(status=ReportStatus.FIXED).values_list("created_at", "closed_at"))
    return [
        ImpactFigure("quality_reports", _("Quality reports"), summary["total"], link),
        ImpactFigure("quality_reports_open", _("Quality reports still open"), summary["open"], link),
        ImpactFigure("quality_reports_fixed", _("Quality reports fixed"), summary["fixed"], link),
        ImpactFigure("median_days_to_fix", _("Median days to fix a report"), _median_days(fixed_pairs), link),
    ]


def challenges_using(dataset_ids: Any) -> QuerySet:
    """Challenges linked to any of the datasets (`dataset_ids`: a list or a subquery of ids)."""
    linked = Challenge.datasets.through.objects.filter(dataset_id__in=dataset_ids).values("challenge_id")
    return Challenge.objects.filter(pk__in=linked)


def projects_using(dataset_ids: Any) -> QuerySet:
    """Engagement projects that used any of the datasets: a use case needed it (Refine) or an
    intervention delivered it (Implement)."""
    needed = DataNeed.objects.filter(dataset_id__in=dataset_ids).values("use_case__project_id")
    delivered = Intervention.datasets.through.objects.filter(dataset_id__in=dataset_ids).values(
        "intervention__project_id"
    )
    return Project.objects.filter(Q(pk__in=needed) | Q(pk__in=delivered))


def _named_figure(key: str, label: str, things: QuerySet, detail: str, link: str) -> ImpactFigure:
    """A count with the newest few named and linked: two queries however many there are."""
    newest = things.order_by("-created_at", "-id").values_list("slug", "title")[:LISTED]
    items = tuple(ImpactItem(title, reverse(detail, kwargs={"slug": slug})) for slug, title in newest)
    return ImpactFigure(key, label, things.count(), link, items)


def _use_figures(challenges: QuerySet, projects: QuerySet, *, challenges_label: str, projects_label: str) -> list:
    return [
        _named_figure(
            "challenges", challenges_label, challenges, "community:challenge", reverse("community:challenges")
        ),
        _named_figure("projects", projects_label, projects, "projects:detail", reverse("projects:list")),
    ]


def dataset_figures(dataset: Dataset) -> list[ImpactFigure]:
    """Use, requests fulfilled, quality reports, and the challenges and projects that used one dataset."""
    link = reverse("community:quality_list", kwargs={"name": dataset.name})
    return [
        *_usage_figures([dataset.pk], views=dataset.view_count, downloads=dataset.download_count),
        *_quality_figures(QualityReport.objects.filter(dataset=dataset), link),
        *_use_figures(
            challenges_using([dataset.pk]),
            projects_using([dataset.pk]),
            challenges_label=_("Data challenges that used it"),
            projects_label=_("Engagement projects that used it"),
        ),
    ]


def listed_datasets(organization: Organization) -> QuerySet:
    """The organisation's datasets anyone can see (with its sub-organisations): drafts, withdrawn and
    non-public datasets stay out of public figures."""
    return Dataset.objects.filter(
        publisher_id__in=organization_tree_ids(organization),
        is_published=True,
        withdrawn_at__isnull=True,
        access_level__in=PUBLIC_LEVELS,
    ).exclude(is_valid=False)


def organization_dataset_ids(organization: Organization) -> list[int]:
    return list(listed_datasets(organization).values_list("pk", flat=True))


def organization_figures(organization: Organization) -> list[ImpactFigure]:
    """The same figures summed over the organisation's datasets (with its sub-organisations)."""
    datasets = listed_datasets(organization)
    totals = datasets.aggregate(views=Sum("view_count"), downloads=Sum("download_count"), n=Count("id"))
    ids = list(datasets.values_list("pk", flat=True))
    link = reverse("community:publisher_quality", kwargs={"slug": organization.slug})
    return [
        ImpactFigure("datasets", _("Datasets"), totals["n"]),
        *_usage_figures(ids, views=totals["views"] or 0, downloads=totals["downloads"] or 0),
        *_quality_figures(QualityReport.objects.filter(dataset_id__in=ids), link),
        *_use_figures(
            challenges_using(ids) | Challenge.objects.filter(organization=organization),
            projects_using(ids),
            challenges_label=_("Data challenges run or using its data"),
            projects_label=_("Engagement projects that used its data"),
        ),
    ]


def monthly_usage(dataset_ids: Sequence[int]) -> list[dict]:
    """Views, downloads and API calls per month for the last twelve months, oldest first (months without
    use count zero), from the demand app's daily usage rows and the daily API call rows."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    rows = (
        DemandItem.objects.filter(
            dataset_id__in=list(dataset_ids),
            kind__in=[DemandKind.VIEW, DemandKind.DOWNLOAD],
            occurred_on__gte=first,
        )
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "kind")
        .annotate(n=Sum("weight"))
    )
    counts = {(row["month"].strftime("%Y-%m"), row["kind"]): row["n"] for row in rows}
    api_rows = (
        ApiCallDay.objects.filter(dataset_id__in=list(dataset_ids), day__gte=first)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Sum("calls"))
    )
    api_calls = {row["month"].strftime("%Y-%m"): row["n"] for row in api_rows}
    months, current = [], first
    while current <= today:
        key = current.strftime("%Y-%m")
        months.append(
            {
                "month": key,
                "views": counts.get((key, DemandKind.VIEW), 0),
                "downloads": counts.get((key, DemandKind.DOWNLOAD), 0),
                "api_calls": api_calls.get(key, 0),
            }
        )
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months[-MONTHS:]


def monthly_reports(dataset_ids: Sequence[int]) -> list[dict]:
    """Quality reports opened and fixed per month over the last twelve months, oldest first."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    reports = QualityReport.objects.filter(dataset_id__in=list(dataset_ids))
    opened = dict(
        reports.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    fixed = dict(
        reports.filter(status=ReportStatus.FIXED, closed_at__gte=since)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    opened = {_month_key(k): v for k, v in opened.items()}
    fixed = {_month_key(k): v for k, v in fixed.items()}
    months, current = [], first
    while current <= today:
        key = current.strftime("%Y-%m")
        months.append({"month": key, "opened": opened.get(key, 0), "fixed": fixed.get(key, 0)})
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months[-MONTHS:]


def monthly_uptake(dataset_ids: Sequence[int]) -> list[dict]:
    """Data challenges and engagement projects that used the data, by the month they started, over the
    last twelve months, oldest first."""
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))

    def by_month(things: QuerySet) -> dict[str, int]:
        rows = things.filter(created_at__gte=since).annotate(month=TruncMonth("created_at")).values("month")
        return {_month_key(row["month"]): row["n"] for row in rows.annotate(n=Count("id")).order_by()}

    challenges = by_month(challenges_using(list(dataset_ids)))
    projects = by_month(projects_using(list(dataset_ids)))
    months, current = [], first
    while current <= today:
        key = current.strftime("%Y-%m")
        months.append({"month": key, "challenges": challenges.get(key, 0), "projects": projects.get(key, 0)})
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months[-MONTHS:]


def _month_key(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m")
