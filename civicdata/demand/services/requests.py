"""Data requests: creating one and commenting on it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.errors import InvalidInput
from civicdata.demand import permissions
from civicdata.demand.models import Comment, DataRequest, DemandItem, DemandKind, Follow, RequestStatus, StatusChange


def create_request(
    *,
    by: Any,
    title: str,
    description: str,
    intended_use: str = "",
    requester_type: str = "",
    publisher: Any = None,
    topic: str = "",
) -> DataRequest:
    """Create a data request for a signed-in person, who then follows it automatically.

    Preconditions: the person may create requests now (throttling for new accounts, see
    permissions.ensure_can_create_request). One transaction: request, first status entry,
    follow and the demand item.
    """
    permissions.ensure_can_create_request(by)
    title, description = title.strip(), description.strip()
    if not title or not description:
        raise InvalidInput(_("Say what data you need and give some details."), code="missing_fields")
    now = timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            title=title[:200],
            description=description,
            intended_use=intended_use.strip(),
            requester_type=requester_type,
            requester=by,
            publisher=publisher,
            topic=topic.strip()[:80],
            created_at=now,
            updated_at=now,
            follower_count=1,
        )
        Follow.objects.create(request=request, user=by, created_at=now)
        StatusChange.objects.create(request=request, from_status="", to_status=RequestStatus.NEW, by=by, created_at=now)
        DemandItem.objects.create(
            kind=DemandKind.REQUEST,
            text=f"{request.title}\n{request.description}",
            occurred_on=timezone.localdate(now),
            request=request,
            requester_type=requester_type,
            department=publisher.name if publisher else "",
            source="civicdata",
        )
    return request


def add_comment(request: DataRequest, *, by: Any, body: str) -> Comment:
    """Add a public comment. A comment by staff who can triage counts as the first response."""
    permissions.ensure_can_comment(by, request)
    body = body.strip()
    if not body:
        raise InvalidInput(_("The comment is empty."), code="empty_comment")
    if len(body) > 5000:
        raise InvalidInput(_("Comments are limited to 5,000 characters."), code="too_long")
    staff = permissions.can_triage(by, request)
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(request=request, author=by, body=body, is_staff_response=staff, created_at=now)
        updates: dict[str, Any] = {"comment_count": F("comment_count") + 1, "updated_at": now}
        DataRequest.objects.filter(pk=request.pk).update(**updates)
        if staff:
            DataRequest.objects.filter(pk=request.pk, first_response_at__isnull=True).update(first_response_at=now)
    return comment
