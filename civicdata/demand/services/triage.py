"""Staff triage of data requests: status changes, assignment, internal notes and merging duplicates.

A status change notifies the requester, voters and followers (see notifications.py);
`dataset_published` runs on the catalog's signal (`demand/receivers.py`) when a dataset that fulfils
planned requests becomes public.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.demand import permissions
from civicdata.demand.models import (
    CLOSED_STATUSES,
    DataRequest,
    DeclineReason,
    Follow,
    InternalNote,
    RequestStatus,
    StatusChange,
    Vote,
)
from civicdata.demand.services.notifications import notify_status_change
from civicdata.demand.services.votes import sync_vote_items

logger = logging.getLogger(__name__)


# Which status may follow which; published and declined can be reopened for review.
TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.NEW: {
        RequestStatus.UNDER_REVIEW,
        RequestStatus.PLANNED,
        RequestStatus.PUBLISHED,
        RequestStatus.DECLINED,
    },
    RequestStatus.UNDER_REVIEW: {RequestStatus.PLANNED, RequestStatus.PUBLISHED, RequestStatus.DECLINED},
    RequestStatus.PLANNED: {RequestStatus.UNDER_REVIEW, RequestStatus.PUBLISHED, RequestStatus.DECLINED},
    RequestStatus.PUBLISHED: {RequestStatus.UNDER_REVIEW},
    RequestStatus.DECLINED: {RequestStatus.UNDER_REVIEW},
}


def change_status(
    request: DataRequest,
    *,
    by: Any,
    to_status: str,
    message: str = "",
    target_date: dt.date | None = None,
    decline_reason: str = "",
    decline_note: str = "",
    duplicate_of: DataRequest | None = None,
    available_url: str = "",
    datasets: Sequence[Any] = (),
) -> StatusChange:
    """Move a request to a new status and tell its requester, voters and followers.

    Preconditions: `by` may triage the request; the transition is allowed; planned needs a
    target date, published needs at least one fulfilling dataset, declined needs a reason (and
    the link or text that reason requires). One transaction; e-mails go out after commit.
    A planned request may already name the datasets that will fulfil it: when the catalog
    publishes one of them, `dataset_published` moves the request to published.
    """
    permissions.ensure_can_triage(by, request)
    return _apply_status_change(
        request,
        by=by,
        to_status=to_status,
        message=message,
        target_date=target_date,
        decline_reason=decline_reason,
        decline_note=decline_note,
        duplicate_of=duplicate_of,
        available_url=available_url,
        datasets=datasets,
    )


def _apply_status_change(
    request: DataRequest,
    *,
    by: Any,
    to_status: str,
    message: str,
    target_date: dt.date | None = None,
    decline_reason: str = "",
    decline_note: str = "",
    duplicate_of: DataRequest | None = None,
    available_url: str = "",
    datasets: Sequence[Any] = (),
) -> StatusChange:
    """change_status without the permission check (also used by `dataset_published`, acting as the system)."""
    to_status = RequestStatus(to_status)
    if to_status not in TRANSITIONS[request.status] and to_status != request.status:
        raise Conflict(
            _("A request cannot go from %(old)s to %(new)s.")
            % {"old": request.get_status_display(), "new": to_status.label},
            code="bad_transition",
        )
    errors = _status_errors(
        request, to_status, target_date, decline_reason, decline_note, duplicate_of, available_url, datasets
    )
    if errors:
        raise InvalidInput(" ".join(e["message"] for e in errors), code="invalid_status_change", details=errors)
    now = timezone.now()
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        before = snapshot(locked)
        old = locked.status
        locked.status = to_status
        locked.target_date = target_date if to_status == RequestStatus.PLANNED else locked.target_date
        if to_status == RequestStatus.DECLINED:
            locked.decline_reason = decline_reason
            locked.decline_note = decline_note.strip()
            locked.duplicate_of = duplicate_of if decline_reason == DeclineReason.DUPLICATE else None
            locked.available_url = available_url if decline_reason == DeclineReason.ALREADY_AVAILABLE else ""
        else:
            locked.decline_reason, locked.decline_note, locked.available_url = "", "", ""
            locked.duplicate_of = None
        locked.updated_at = now
        if locked.first_response_at is None:
            locked.first_response_at = now
        locked.closed_at = now if to_status in CLOSED_STATUSES else None
        locked.save()
        if to_status in (RequestStatus.PUBLISHED, RequestStatus.PLANNED) and datasets:
            locked.fulfilling_datasets.set(datasets)
        change = StatusChange.objects.create(
            request=locked, from_status=old, to_status=to_status, by=by, message=message.strip(), created_at=now
        )
        record_write(actor=by, action="demand.change_status", target=locked, before=before, after=snapshot(locked))
        published = [d for d in datasets if getattr(d, "is_public_listing", True)]
        notify_status_change(locked, change, published if to_status == RequestStatus.PUBLISHED else [])
    request.refresh_from_db()
    return change


def _status_errors(
    request: DataRequest,
    to_status: str,
    target_date: dt.date | None,
    reason: str,
    note: str,
    duplicate_of: DataRequest | None,
    available_url: str,
    datasets: Sequence[Any],
) -> list[dict[str, str]]:
    """Each problem with the field it is about (`details` of the InvalidInput, so a form can show it there)."""
    errors: list[tuple[str, str]] = []
    if to_status == RequestStatus.PLANNED and target_date is None:
        errors.append(("target_date", _("A planned request needs a target date.")))
    if to_status == RequestStatus.PUBLISHED and not datasets:
        errors.append(("datasets", _("Link the dataset or datasets that fulfil the request.")))
    elif to_status == RequestStatus.PUBLISHED and not any(getattr(d, "is_public_listing", True) for d in datasets):
        errors.append(("datasets", _("None of these datasets is public yet: plan the request with them instead.")))
    if to_status == RequestStatus.DECLINED:
        if reason not in DeclineReason.values:
            errors.append(("decline_reason", _("Choose why the request is declined.")))
        elif reason == DeclineReason.DUPLICATE and (duplicate_of is None or duplicate_of.pk == request.pk):
            errors.append(("duplicate_of", _("Choose the request this one duplicates.")))
        elif reason == DeclineReason.ALREADY_AVAILABLE and not available_url.strip().startswith(
            ("https://", "http://")
        ):
            errors.append(("available_url", _("Give the link (http or https) where the data is already available.")))
        elif reason == DeclineReason.OTHER and not note.strip():
            errors.append(("decline_note", _("Explain the reason.")))
    return [{"field": field, "message": str(message)} for field, message in errors]


def dataset_published(*, dataset: Any) -> list[DataRequest]:
    """A dataset became public (the catalog's `dataset_published` signal, see `demand/receivers.py`):
    planned requests that named it as their fulfilment move to published, and everyone involved gets
    the link. Never raises."""
    moved: list[DataRequest] = []
    if not getattr(dataset, "is_public_listing", False):
        return moved
    try:
        waiting = DataRequest.objects.filter(status=RequestStatus.PLANNED, fulfilling_datasets=dataset)
        for request in waiting:
            linked = list(request.fulfilling_datasets.all())
            with override(settings.LANGUAGE_CODE):
                message = _("The data you asked for is now published.")
            _apply_status_change(request, by=None, to_status=RequestStatus.PUBLISHED, message=message, datasets=linked)
            moved.append(request)
    except Exception:  # the catalog's publish must not fail because of demand bookkeeping
        logger.exception("demand: could not close requests for a published dataset")
    return moved


def assign_request(request: DataRequest, *, by: Any, publisher: Any = None, owner: Any = None) -> DataRequest:
    """Assign the publisher responsible and the staff member who owns the follow-up (either may be None)."""
    permissions.ensure_can_triage(by, request)
    with transaction.atomic():
        before = snapshot(request, fields=["assigned_publisher", "owner"])
        DataRequest.objects.filter(pk=request.pk).update(
            assigned_publisher=publisher, owner=owner, updated_at=timezone.now()
        )
        request.refresh_from_db()
        record_write(
            actor=by,
            action="demand.assign",
            target=request,
            before=before,
            after=snapshot(request, fields=["assigned_publisher", "owner"]),
        )
    return request


def add_internal_note(request: DataRequest, *, by: Any, body: str) -> InternalNote:
    """Add a staff-only note to a request."""
    permissions.ensure_can_triage(by, request)
    if not body.strip():
        raise InvalidInput(_("The note is empty."), code="empty_note")
    with transaction.atomic():
        note = InternalNote.objects.create(request=request, author=by, body=body.strip())
        record_write(actor=by, action="demand.internal_note", target=request)
    return note


def merge_requests(duplicate: DataRequest, *, into: DataRequest, by: Any, message: str = "") -> DataRequest:
    """Merge a duplicate request into another: its votes and followers move over, once each.

    A person who voted for both keeps a single vote on the surviving request. The duplicate is
    declined with reason "duplicate" (which notifies its own followers) and points to `into`.
    """
    permissions.ensure_can_triage(by, duplicate)
    permissions.ensure_can_triage(by, into)
    if duplicate.pk == into.pk:
        raise InvalidInput(_("A request cannot be merged into itself."), code="merge_self")
    if into.merged_into_id is not None:
        raise Conflict(_("That request was itself merged; merge into the surviving one."), code="merge_chain")
    with transaction.atomic():
        existing_voters = set(Vote.objects.filter(request=into).values_list("voter_id", flat=True))
        new_votes = [
            Vote(request=into, voter_id=voter_id, created_at=created)
            for voter_id, created in Vote.objects.filter(request=duplicate).values_list("voter_id", "created_at")
            if voter_id not in existing_voters
        ]
        Vote.objects.bulk_create(new_votes, ignore_conflicts=True)
        existing_followers = set(Follow.objects.filter(request=into).values_list("user_id", flat=True))
        new_follows = [
            Follow(request=into, user_id=user_id)
            for user_id in Follow.objects.filter(request=duplicate).values_list("user_id", flat=True)
            if user_id not in existing_followers
        ]
        Follow.objects.bulk_create(new_follows, ignore_conflicts=True)
        sync_vote_items(into)
        DataRequest.objects.filter(pk=into.pk).update(
            vote_count=Vote.objects.filter(request=into).count(),
            follower_count=Follow.objects.filter(request=into).count(),
            updated_at=timezone.now(),
        )
        if duplicate.status != RequestStatus.DECLINED:
            change_status(
                duplicate,
                by=by,
                to_status=RequestStatus.DECLINED,
                decline_reason=DeclineReason.DUPLICATE,
                duplicate_of=into,
                message=message,
            )
        DataRequest.objects.filter(pk=duplicate.pk).update(merged_into=into, duplicate_of=into)
        record_write(actor=by, action="demand.merge", target=duplicate, after={"merged_into": into.pk})
    into.refresh_from_db()
    duplicate.refresh_from_db()
    return into
