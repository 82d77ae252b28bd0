"""What stories, reuses and announcements add to the apps below (connected in `CommunityConfig.ready()`):
panels on dataset and data request pages, impact figures, and the announcement drafted when a dataset
that fulfils data requests is published."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from civicdata.core.fragments import cached_fragment

from .impact import ImpactFigure
from .models import Reuse, Story

PANEL_ITEMS = 6


def stories_panel(request: HttpRequest, dataset: Any) -> str:
    """The dataset page's published stories (the newest few, one query); the HTML is the same for everyone
    and kept by what it shows (`civicdata.core.fragments`)."""
    stories = list(
        Story.objects.published()
        .filter(datasets=dataset)
        .only("title", "slug", "summary", "published_at")[:PANEL_ITEMS]
    )
    if not stories:
        return ""
    parts = (dataset.name, tuple((s.pk, s.slug, s.title, s.summary) for s in stories))
    return cached_fragment(
        "community.stories_panel",
        parts,
        lambda: render_to_string("community/story_dataset_panel.html", {"stories": stories, "dataset": dataset}),
    )


def reuses_panel(request: HttpRequest, dataset: Any) -> str:
    """The dataset page's published reuses, featured first (one query), with a link to submit one; the HTML
    is the same for everyone and kept by what it shows (`civicdata.core.fragments`)."""
    reuses = list(
        Reuse.objects.published()
        .filter(datasets=dataset)
        .only("title", "kind", "url", "featured", "published_at")
        .order_by("-featured", "-published_at", "-id")[:PANEL_ITEMS]
    )
    context = {
        "reuses": reuses,
        "list_url": f"{reverse('community:reuses')}?dataset={dataset.name}",
        "dataset": dataset,
    }
    parts = (dataset.name, tuple((r.pk, r.title, r.kind, r.featured) for r in reuses))
    return cached_fragment(
        "community.reuses_panel", parts, lambda: render_to_string("community/reuse_dataset_panel.html", context)
    )


def reuses_request_panel(request: HttpRequest, data_request: Any) -> str:
    """A data request page's published reuses that answer it."""
    reuses = list(
        Reuse.objects.published()
        .filter(data_requests=data_request)
        .only("title", "kind", "url", "featured")[:PANEL_ITEMS]
    )
    if not reuses:
        return ""
    context = {"reuses": reuses, "list_url": f"{reverse('community:reuses')}?request={data_request.pk}"}
    return render_to_string("community/reuse_request_panel.html", context, request=request)


def on_dataset_published(sender: Any, *, dataset: Any, **kwargs: Any) -> None:
    from .services import draft_for_fulfilment

    draft_for_fulfilment(dataset=dataset)


def dataset_figures(dataset: Any) -> list[ImpactFigure]:
    reuses = Reuse.objects.published().filter(datasets=dataset).count()
    stories = Story.objects.published().filter(datasets=dataset).count()
    return [
        ImpactFigure("reuses", _("Reuses"), reuses, f"{reverse('community:reuses')}?dataset={dataset.name}"),
        ImpactFigure("stories", _("Data stories"), stories, f"{reverse('community:stories')}?dataset={dataset.name}"),
    ]


def organization_figures(organization: Any) -> list[ImpactFigure]:
    reuses = Reuse.objects.published().filter(datasets__publisher=organization).distinct().count()
    stories = Story.objects.published().filter(datasets__publisher=organization).distinct().count()
    return [
        ImpactFigure(
            "reuses", _("Reuses of its data"), reuses, f"{reverse('community:reuses')}?organization={organization.slug}"
        ),
        ImpactFigure(
            "stories",
            _("Data stories about its data"),
            stories,
            f"{reverse('community:stories')}?organization={organization.slug}",
        ),
    ]
