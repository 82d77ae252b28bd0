"""API of the demand app at /api/demand/: requests with vote counts and statuses, voting, publisher
metrics and demand topics. Reads are public; votes need a session with CSRF or a personal token."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from civicdata.accounts.auth import signed_in
from civicdata.core.errors import InvalidInput
from civicdata.core.pagination import CursorPage, paginate
from civicdata.demand import analytics, permissions, queries, services
from civicdata.demand.models import DataRequest, MatchDecision, RequestStatus, Topic, Vote

router = Router()


class RequestOut(Schema):
    id: int
    title: str
    description: str
    intended_use: str
    requester_type: str
    topic: str
    publisher: str | None
    status: str
    target_date: dt.date | None
    decline_reason: str
    votes: int
    followers: int
    comments: int
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    url: str
    merged_into: int | None
    fulfilling_datasets: list[str] | None = None


class VoteOut(Schema):
    id: int
    votes: int
    has_voted: bool
    changed: bool


class StatusOut(Schema):
    value: str
    label: str
    count: int


class MetricsOut(Schema):
    publisher: str | None
    total: int
    open: int
    published: int
    declined: int
    share_fulfilled: float | None
    median_days_to_first_response: float | None
    median_days_to_fulfil: float | None
    declined_by_reason: dict[str, int]


class TopicOut(Schema):
    id: int
    index: int
    label: str
    volume: int
    top_terms: list[str]
    examples: list[str]
    by_month: dict[str, int]
    requester_types: dict[str, int]
    departments: dict[str, int]
    matching_datasets: list[dict]
    rejected_datasets: list[dict] | None = None
    unmet: bool


class MatchDecisionOut(Schema):
    topic: int
    dataset: int
    decision: str
    decided_by: str
    decided_at: dt.datetime
    note: str
    signature: list[str]
    unmet: bool


def _request(item: DataRequest, *, with_datasets: bool = False) -> dict:
    data = {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "intended_use": item.intended_use,
        "requester_type": item.requester_type,
        "topic": item.topic,
        "publisher": item.publisher.slug if item.publisher_id else None,
        "status": item.status,
        "target_date": item.target_date,
        "decline_reason": item.decline_reason,
        "votes": item.vote_count,
        "followers": item.follower_count,
        "comments": item.comment_count,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "url": item.get_absolute_url(),
        "merged_into": item.merged_into_id,
    }
    if with_datasets:
        data["fulfilling_datasets"] = [d.get_absolute_url() for d in item.fulfilling_datasets.all()]
    return data


@router.get("/requests", response=CursorPage[RequestOut], summary="List data requests")
def list_requests(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    topic: str = "",
    publisher: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> dict:
    """Public requests, newest first, with vote counts; filter with `q`, `status` (or `open`),
    `topic` and `publisher` (slug)."""
    queryset = queries.filter_requests(
        queries.public_requests().select_related("publisher"), q=q, status=status, topic=topic, publisher=publisher
    )
    page = paginate(queryset, cursor=cursor, limit=limit, order="-id")
    return {"items": [_request(item) for item in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/requests/{request_id}", response=RequestOut, summary="One data request")
def get_request(request: HttpRequest, request_id: int) -> dict:
    item = get_object_or_404(queries.public_requests().select_related("publisher"), pk=request_id)
    return _request(item, with_datasets=True)


def _vote_result(item: DataRequest, user: object, changed: bool) -> dict:
    item.refresh_from_db(fields=["vote_count"])
    return {
        "id": item.pk,
        "votes": item.vote_count,
        "has_voted": Vote.objects.filter(request=item, voter=user).exists(),
        "changed": changed,
    }


@router.post("/requests/{request_id}/vote", response=VoteOut, auth=signed_in, summary="Vote for a request")
def vote(request: HttpRequest, request_id: int) -> dict:
    """One vote per person: voting twice changes nothing (`changed` is false)."""
    item = get_object_or_404(queries.public_requests(), pk=request_id)
    return _vote_result(item, request.auth, services.vote(item, by=request.auth))


@router.post("/requests/{request_id}/unvote", response=VoteOut, auth=signed_in, summary="Withdraw a vote")
def unvote(request: HttpRequest, request_id: int) -> dict:
    item = get_object_or_404(queries.public_requests(), pk=request_id)
    return _vote_result(item, request.auth, services.unvote(item, by=request.auth))


@router.get("/statuses", response=list[StatusOut], summary="Request statuses with counts")
def statuses(request: HttpRequest) -> list[dict]:
    from django.db.models import Count

    counts = dict(
        queries.public_requests().values("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
    )
    return [
        {"value": value, "label": str(label), "count": counts.get(value, 0)} for value, label in RequestStatus.choices
    ]


@router.get("/metrics", response=list[MetricsOut], summary="Responsiveness per publisher")
def metrics(request: HttpRequest) -> list[dict]:
    """Time to first response and to fulfil (median days), share fulfilled, declines by reason."""
    return [
        {
            "publisher": m.publisher.slug if m.publisher else None,
            "total": m.total,
            "open": m.open,
            "published": m.published,
            "declined": m.declined,
            "share_fulfilled": m.share_fulfilled,
            "median_days_to_first_response": m.median_days_to_first_response,
            "median_days_to_fulfil": m.median_days_to_fulfil,
            "declined_by_reason": m.declined_by_reason,
        }
        for m in analytics.publisher_metrics()
    ]


def _public_entry(entry: dict) -> dict:
    """A matching dataset as anyone may see it: the decision, not who made it."""
    return {key: value for key, value in entry.items() if key not in {"decided_by", "note"}}


@router.get("/topics", response=list[TopicOut], summary="Demand topics of the latest analysis")
def topics(request: HttpRequest) -> list[dict]:
    """Every topic with its terms, examples, monthly volume, requester types, departments, matching
    datasets (with score, shared terms and any staff decision); staff also see who decided and the
    rejected suggestions."""
    snapshot = analytics.latest_snapshot()
    if snapshot is None:
        return []
    staff = permissions.can_use_staff_pages(request.user)
    return [
        {
            "id": t.pk,
            "index": t.index,
            "label": t.label,
            "volume": t.volume,
            "top_terms": [term for term, _w in t.top_terms],
            "examples": t.examples,
            "by_month": t.by_month,
            "requester_types": t.requester_types,
            "departments": t.departments,
            "matching_datasets": t.matching_datasets if staff else [_public_entry(e) for e in t.matching_datasets],
            "rejected_datasets": t.rejected_datasets if staff else None,
            "unmet": t.is_unmet,
        }
        for t in snapshot.topics.all()
    ]


def _note(request: HttpRequest) -> str:
    """The optional note: a JSON body `{"note": "..."}` or a form field `note`; no body is fine."""
    if request.content_type != "application/json":
        return request.POST.get("note", "")
    if not request.body.strip():
        return ""
    try:
        data = json.loads(request.body)
    except ValueError as exc:
        raise InvalidInput(_('The body must be JSON, for example {"note": "why"}.'), code="bad_json") from exc
    note = data.get("note", "") if isinstance(data, dict) else None
    if not isinstance(note, str):
        raise InvalidInput(_("The note must be text."), code="bad_note")
    return note


def _decision(topic_id: int, decision: MatchDecision) -> dict:
    topic = Topic.objects.only("is_unmet").get(pk=topic_id)
    return {
        "topic": topic_id,
        "dataset": decision.dataset_id,
        "decision": decision.verdict,
        "decided_by": str(decision.decided_by),
        "decided_at": decision.decided_at,
        "note": decision.note,
        "signature": decision.terms,
        "unmet": topic.is_unmet,
    }


@router.post(
    "/topics/{topic_id}/datasets/{dataset_id}/confirm",
    response=MatchDecisionOut,
    auth=signed_in,
    summary="Confirm a dataset suggested for a topic",
)
def confirm_match(request: HttpRequest, topic_id: int, dataset_id: int) -> dict:
    """Staff of the dataset's publisher: the dataset stays a match of this topic after every recompute."""
    topic = get_object_or_404(Topic, pk=topic_id)
    note = _note(request)
    return _decision(topic_id, services.confirm_match(by=request.auth, topic=topic, dataset_id=dataset_id, note=note))


@router.post(
    "/topics/{topic_id}/datasets/{dataset_id}/reject",
    response=MatchDecisionOut,
    auth=signed_in,
    summary="Reject a dataset suggested for a topic",
)
def reject_match(request: HttpRequest, topic_id: int, dataset_id: int) -> dict:
    """Staff of the dataset's publisher: the dataset no longer counts for this topic and is not suggested again."""
    topic = get_object_or_404(Topic, pk=topic_id)
    note = _note(request)
    return _decision(topic_id, services.reject_match(by=request.auth, topic=topic, dataset_id=dataset_id, note=note))
