"""Impact pages of a dataset and of an organisation: every registered figure, charts of use and of
quality reports by month (SVG drawn on the server, each with a table of the same numbers), and a CSV."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from civicdata.accounts.models import Organization
from civicdata.community import figures
from civicdata.community.impact import ImpactFigure, dataset_impact, organization_impact
from civicdata.community.impact_charts import grouped_bars
from civicdata.community.views._common import visible_dataset
from civicdata.core.spreadsheet import csv_text


def _charts(dataset_ids: Sequence[int]) -> list[dict]:
    usage = figures.monthly_usage(dataset_ids)
    reports = figures.monthly_reports(dataset_ids)
    uptake = figures.monthly_uptake(dataset_ids)
    return [
        {
            "id": "usage",
            "title": _("Views and downloads by month"),
            "series": [_("Views"), _("Downloads")],
            "table": [(row["month"], [row["views"], row["downloads"]]) for row in usage],
            "chart": grouped_bars(usage, ["views", "downloads"]),
        },
        {
            "id": "api-calls",
            "title": _("API calls by month (Data API and CKAN API)"),
            "series": [_("API calls")],
            "table": [(row["month"], [row["api_calls"]]) for row in usage],
            "chart": grouped_bars(usage, ["api_calls"]),
        },
        {
            "id": "reports",
            "title": _("Quality reports opened and fixed by month"),
            "series": [_("Opened"), _("Fixed")],
            "table": [(row["month"], [row["opened"], row["fixed"]]) for row in reports],
            "chart": grouped_bars(reports, ["opened", "fixed"]),
        },
        {
            "id": "uptake",
            "title": _("Data challenges and engagement projects that used the data, by the month they started"),
            "series": [_("Data challenges"), _("Engagement projects")],
            "table": [(row["month"], [row["challenges"], row["projects"]]) for row in uptake],
            "chart": grouped_bars(uptake, ["challenges", "projects"]),
        },
    ]


def _csv(impact: list[ImpactFigure], filename: str) -> HttpResponse:
    body = csv_text(["key", "label", "value"], [(f.key, f.label, "" if f.value is None else f.value) for f in impact])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def dataset_impact_page(request: HttpRequest, name: str) -> HttpResponse:
    dataset = visible_dataset(request, name)
    context = {
        "dataset": dataset,
        "figures": dataset_impact(dataset),
        "charts": _charts([dataset.pk]),
        "subject": dataset.title or dataset.name,
    }
    return render(request, "community/impact_dataset.html", context)


@require_safe
def dataset_impact_csv(request: HttpRequest, name: str) -> HttpResponse:
    dataset = visible_dataset(request, name)
    return _csv(dataset_impact(dataset), f"{dataset.name}-impact.csv")


@require_safe
def organization_impact_page(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    context = {
        "organization": organization,
        "figures": organization_impact(organization),
        "charts": _charts(figures.organization_dataset_ids(organization)),
        "subject": organization.name,
    }
    return render(request, "community/impact_organization.html", context)


@require_safe
def organization_impact_csv(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    return _csv(organization_impact(organization), f"{organization.slug}-impact.csv")
