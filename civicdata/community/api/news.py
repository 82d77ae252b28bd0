"""/api/news/: published release announcements with the datasets and data requests they name."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civicdata.core.pagination import CursorPage, paginate

from ..models import Announcement

router = Router()


class AnnouncementOut(Schema):
    id: int
    slug: str
    title: str
    body_markdown: str
    datasets: list[str]
    data_requests: list[int]
    published_at: dt.datetime
    url: str


def _announcement(item: Announcement) -> dict:
    return {
        "id": item.pk,
        "slug": item.slug,
        "title": item.title,
        "body_markdown": item.body,
        "datasets": [d.name for d in item.datasets.all()],
        "data_requests": [r.pk for r in item.data_requests.all()],
        "published_at": item.published_at,
        "url": item.get_absolute_url(),
    }


@router.get("/", response=CursorPage[AnnouncementOut], summary="List published announcements")
def list_announcements(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict:
    """Published release announcements, newest first."""
    items = Announcement.objects.published().prefetch_related("datasets", "data_requests")
    page = paginate(items, cursor=cursor, limit=limit, order="-id")
    return {"items": [_announcement(a) for a in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/{slug}", response=AnnouncementOut, summary="One published announcement")
def get_announcement(request: HttpRequest, slug: str) -> dict:
    return _announcement(get_object_or_404(Announcement.objects.published(), slug=slug))
