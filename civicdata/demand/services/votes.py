"""Votes on data requests: one per person, counted on the request and as a demand signal."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from civicdata.demand import permissions
from civicdata.demand.models import DataRequest, DemandItem, DemandKind, Vote


def vote(request: DataRequest, *, by: Any) -> bool:
    """Add the person's vote; False when they had already voted (nothing changes).

    The unique constraint on (request, voter) decides races: of two concurrent votes by the same
    person exactly one is stored, and the counter moves only when a row was inserted.
    """
    permissions.ensure_can_vote(by, request)
    try:
        with transaction.atomic():
            vote_row = Vote.objects.create(request=request, voter=by)
            DataRequest.objects.filter(pk=request.pk).update(vote_count=F("vote_count") + 1)
            DemandItem.objects.create(**_vote_item_fields(request, vote_row))
    except IntegrityError:
        return False
    return True


def _vote_item_fields(request: DataRequest, vote_row: Vote) -> dict[str, Any]:
    """A vote as a demand signal: the request's text, the day, and the voter's affiliation (used
    only in aggregate statistics); who voted is not copied."""
    return {
        "kind": DemandKind.VOTE,
        "text": f"{request.title}\n{request.description}",
        "occurred_on": timezone.localdate(vote_row.created_at),
        "request_id": request.pk,
        "requester_type": getattr(vote_row.voter, "affiliation", "") or "",
        "source": "civicdata",
    }


def sync_vote_items(request: DataRequest) -> None:
    """Rebuild a request's vote demand items from its vote rows (after a merge moved votes)."""
    DemandItem.objects.filter(kind=DemandKind.VOTE, request_id=request.pk).delete()
    votes = Vote.objects.filter(request_id=request.pk).select_related("voter")
    DemandItem.objects.bulk_create([DemandItem(**_vote_item_fields(request, v)) for v in votes], batch_size=1000)


def unvote(request: DataRequest, *, by: Any) -> bool:
    """Withdraw the person's vote; False when there was none."""
    permissions.ensure_signed_in(by)
    with transaction.atomic():
        deleted, _ignored = Vote.objects.filter(request=request, voter=by).delete()
        if deleted:
            DataRequest.objects.filter(pk=request.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
            # Vote items carry no voter, so withdrawing removes the newest one of this request.
            newest = DemandItem.objects.filter(kind=DemandKind.VOTE, request_id=request.pk).order_by("-pk").first()
            if newest is not None:
                newest.delete()
    return bool(deleted)
