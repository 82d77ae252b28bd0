"""Dataset discussions in the API at /api/discussions/: list, one discussion with its visible posts,
asking and answering (signed in)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset
from civicdata.catalog.permissions import ensure_can_view_dataset
from civicdata.community import services
from civicdata.community.models import Discussion
from civicdata.core.pagination import CursorPage, paginate

router = Router()


class PostOut(Schema):
    id: int
    body: str
    is_official: bool
    created_at: dt.datetime


class DiscussionOut(Schema):
    id: int
    dataset: str
    title: str
    status: str
    has_official_answer: bool
    posts: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str


class DiscussionDetailOut(DiscussionOut):
    messages: list[PostOut]


class DiscussionIn(Schema):
    dataset: str
    title: str
    body: str


class ReplyIn(Schema):
    body: str
    as_publisher: bool = False


def _public() -> QuerySet[Discussion]:
    return (
        Discussion.objects.filter(
            dataset__is_published=True, dataset__withdrawn_at__isnull=True, dataset__access_level__in=PUBLIC_LEVELS
        )
        .exclude(dataset__is_valid=False)
        .select_related("dataset")
    )


def _out(discussion: Discussion) -> dict:
    return {
        "id": discussion.pk,
        "dataset": discussion.dataset.name,
        "title": discussion.title,
        "status": discussion.status,
        "has_official_answer": discussion.has_official_answer,
        "posts": discussion.post_count,
        "created_at": discussion.created_at,
        "updated_at": discussion.updated_at,
        "url": discussion.get_absolute_url(),
    }


def _detail(discussion: Discussion) -> dict:
    posts = discussion.posts.filter(is_hidden=False).order_by("created_at", "pk")
    return {
        **_out(discussion),
        "messages": [
            {"id": p.pk, "body": p.body, "is_official": p.is_official, "created_at": p.created_at} for p in posts
        ],
    }


@router.get("", response=CursorPage[DiscussionOut], summary="List dataset discussions")
def list_discussions(
    request: HttpRequest, dataset: str = "", status: str = "", cursor: str | None = None, limit: int = 50
) -> dict:
    """Questions about public datasets, newest first; filter by `dataset` (short name) and `status`."""
    discussions = _public()
    if dataset:
        discussions = discussions.filter(dataset__name=dataset)
    if status:
        discussions = discussions.filter(status=status)
    page = paginate(discussions, cursor=cursor, limit=limit)
    return {"items": [_out(d) for d in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/{discussion_id}", response=DiscussionDetailOut, summary="One discussion with its messages")
def get_discussion(request: HttpRequest, discussion_id: int) -> dict:
    """Messages hidden by moderators are left out; authors are never given."""
    return _detail(get_object_or_404(_public(), pk=discussion_id))


@router.post("", response={201: DiscussionDetailOut}, auth=signed_in, summary="Ask a question about a dataset")
def create_discussion(request: HttpRequest, payload: DiscussionIn) -> Status:
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=payload.dataset)
    ensure_can_view_dataset(request.auth, dataset)
    discussion = services.start_discussion(dataset, by=request.auth, title=payload.title, body=payload.body)
    return Status(201, _detail(discussion))


@router.post("/{discussion_id}/messages", response={201: DiscussionDetailOut}, auth=signed_in, summary="Answer")
def reply(request: HttpRequest, discussion_id: int, payload: ReplyIn) -> Status:
    """`as_publisher` marks an official answer (the publisher's editors only)."""
    discussion = get_object_or_404(_public().select_related("dataset__publisher"), pk=discussion_id)
    services.reply(discussion, by=request.auth, body=payload.body, as_publisher=payload.as_publisher)
    discussion.refresh_from_db()
    return Status(201, _detail(discussion))
