"""Following a data request to hear about its progress."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from civicdata.demand import permissions
from civicdata.demand.models import DataRequest, Follow


def follow(request: DataRequest, *, by: Any) -> bool:
    """Follow a request to be notified of its progress; False if already following."""
    permissions.ensure_signed_in(by)
    try:
        with transaction.atomic():
            Follow.objects.create(request=request, user=by)
            DataRequest.objects.filter(pk=request.pk).update(follower_count=F("follower_count") + 1)
    except IntegrityError:
        return False
    return True


def unfollow(request: DataRequest, *, by: Any) -> bool:
    """Stop following a request; False if not following."""
    permissions.ensure_signed_in(by)
    with transaction.atomic():
        deleted, _ignored = Follow.objects.filter(request=request, user=by).delete()
        if deleted:
            DataRequest.objects.filter(pk=request.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    return bool(deleted)
