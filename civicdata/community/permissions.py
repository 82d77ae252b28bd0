"""Who may write, see and moderate community content, built on the shared permission layer. Pages and
the API ask the same functions.

Stories and reuses: anyone signed in writes them; their author sees and edits them until they are
published; site staff moderate (publish, decline with a reason, feature). Announcements: site staff and
editors of a publisher post them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.permissions import ensure_signed_in, is_signed_in, is_site_staff
from civicdata.core.errors import ActionRefused

from .models import ModerationState

EDITABLE_STATES = (ModerationState.DRAFT, ModerationState.DECLINED)


def can_moderate(user: Any) -> bool:
    """Site staff publish, decline and feature stories and reuses."""
    return is_site_staff(user)


def ensure_can_moderate(user: Any) -> None:
    ensure_signed_in(user)
    if not can_moderate(user):
        raise ActionRefused(_("Only site staff review stories and reuses."), code="community.not_moderator")


def _is_author(user: Any, item: Any) -> bool:
    owner_id = getattr(item, "author_id", None) or getattr(item, "submitter_id", None)
    return is_signed_in(user) and owner_id is not None and owner_id == user.pk


def can_view(user: Any, item: Any) -> bool:
    """A story or reuse: public once published; before that, its author and the moderators."""
    return item.state == ModerationState.PUBLISHED or _is_author(user, item) or can_moderate(user)


def can_edit(user: Any, item: Any) -> bool:
    """The author edits a draft or a declined item; moderators edit anything."""
    return can_moderate(user) or (_is_author(user, item) and item.state in EDITABLE_STATES)


def ensure_can_edit(user: Any, item: Any) -> None:
    ensure_signed_in(user)
    if not can_edit(user, item):
        if _is_author(user, item) and item.state == ModerationState.UNDER_REVIEW:
            raise ActionRefused(
                _("This is being reviewed; you can change it once the review is done."), code="in_review"
            )
        raise ActionRefused(_("Only its author can change this."), code="community.not_author")


def daily_limit(user: Any) -> int:
    """Stories plus reuses a person may start per 24 hours (new accounts get fewer, as for requests)."""
    new_days = int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAYS", 7))
    joined = getattr(user, "date_joined", None) or timezone.now()
    if timezone.now() - joined < dt.timedelta(days=new_days):
        return int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAILY_REQUESTS", 2)) * 2
    return int(getattr(settings, "DEMAND_DAILY_REQUESTS", 10))


def ensure_can_submit(user: Any) -> None:
    """Signed in and under the daily limit of new stories and reuses (staff are not limited)."""
    from .models import Reuse, Story

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    since = timezone.now() - dt.timedelta(hours=24)
    recent = (
        Story.objects.filter(author=user, created_at__gte=since).count()
        + Reuse.objects.filter(submitter=user, created_at__gte=since).count()
    )
    if recent >= daily_limit(user):
        raise ActionRefused(
            _(
                "You have started %(count)s stories and reuses in the last 24 hours, the most allowed for now. "
                "Try again tomorrow."
            )
            % {"count": recent},
            code="throttled",
        )


def can_post_news(user: Any) -> bool:
    """Site staff, and editors of any publisher, write release announcements."""
    from civicdata.catalog.permissions import editable_publishers

    return is_site_staff(user) or (is_signed_in(user) and bool(editable_publishers(user)))


def ensure_can_post_news(user: Any) -> None:
    ensure_signed_in(user)
    if not can_post_news(user):
        raise ActionRefused(_("Only staff and publishers' editors post announcements."), code="community.not_editor")
