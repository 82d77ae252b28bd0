"""Impact figures in the API at /api/impact/: every registered figure of a dataset or an organisation
(the same as the impact pages and their CSV); `items` names the challenges and projects a count counts
(the newest twenty)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civicdata.accounts.models import Organization
from civicdata.catalog.models import Dataset
from civicdata.catalog.permissions import ensure_can_view_dataset
from civicdata.community.impact import dataset_impact, organization_impact

router = Router()


class ItemOut(Schema):
    title: str
    url: str


class FigureOut(Schema):
    key: str
    label: str
    value: int | float | None
    link: str
    items: list[ItemOut]


class ImpactOut(Schema):
    subject: str
    figures: list[FigureOut]


def _figures(items: list) -> list[dict]:
    return [
        {
            "key": f.key,
            "label": str(f.label),
            "value": f.value,
            "link": f.link,
            "items": [{"title": item.title, "url": item.url} for item in f.items],
        }
        for f in items
    ]


@router.get("/datasets/{name}", response=ImpactOut, summary="Impact figures of a dataset")
def dataset_figures(request: HttpRequest, name: str) -> dict:
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=name)
    ensure_can_view_dataset(request.user, dataset)
    return {"subject": dataset.name, "figures": _figures(dataset_impact(dataset))}


@router.get("/organizations/{slug}", response=ImpactOut, summary="Impact figures of an organisation")
def organization_figures(request: HttpRequest, slug: str) -> dict:
    organization = get_object_or_404(Organization, slug=slug)
    return {"subject": organization.slug, "figures": _figures(organization_impact(organization))}
