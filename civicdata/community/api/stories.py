"""/api/stories/: published data stories, with their Markdown source (embeds are addresses of the Data
API, so a client can draw them from the same live data)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civicdata.core.pagination import CursorPage, paginate

from ..embeds import find_embeds
from ..models import Story

router = Router()


class StoryOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    body_markdown: str
    embeds: list[str]
    datasets: list[str]
    projects: list[str]
    event_url: str
    published_at: dt.datetime
    url: str


def _story(story: Story) -> dict:
    return {
        "id": story.pk,
        "slug": story.slug,
        "title": story.title,
        "summary": story.summary,
        "body_markdown": story.body,
        "embeds": [block.strip() for block in find_embeds(story.body)],
        "datasets": [d.name for d in story.datasets.all()],
        "projects": [p.slug for p in story.projects.all()],
        "event_url": story.event_url,
        "published_at": story.published_at,
        "url": story.get_absolute_url(),
    }


@router.get("/", response=CursorPage[StoryOut], summary="List published data stories")
def list_stories(request: HttpRequest, dataset: str = "", cursor: str | None = None, limit: int = 50) -> dict:
    """Published stories, newest first; `dataset` (short name) keeps the stories about one dataset."""
    stories = Story.objects.published().prefetch_related("datasets", "projects")
    if dataset:
        stories = stories.filter(datasets__name=dataset)
    page = paginate(stories, cursor=cursor, limit=limit, order="-id")
    return {"items": [_story(s) for s in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/{slug}", response=StoryOut, summary="One published data story")
def get_story(request: HttpRequest, slug: str) -> dict:
    return _story(get_object_or_404(Story.objects.published(), slug=slug))
