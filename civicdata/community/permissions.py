"""Who may do what in the community app; pages and the API ask the same functions.

`can_*` answers yes or no for templates; `ensure_*` raises ActionRefused (or NotSignedIn) with the
reason a person can act on. Quality reports and discussions: stewards are the publisher's editors;
discussion posts are moderated by the site's moderators (as data requests are). Stories and reuses:
anyone signed in writes them; their author sees and edits them until they are published; site staff
moderate (publish, decline with a reason, feature). Announcements: site staff and editors of a publisher.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Role
from civicdata.accounts.permissions import can_edit_for, has_role, is_signed_in, is_site_staff
from civicdata.core.errors import ActionRefused, NotSignedIn
from civicdata.demand.permissions import can_moderate as can_moderate_requests

from .models import ModerationState

# --- data-quality reports and discussions (helper f) ---------------------------------------------


def ensure_signed_in(user: Any) -> None:
    if not is_signed_in(user):
        raise NotSignedIn(_("Sign in to do this."))


def _daily_limit(user: Any, *, usual: str, new_account: str) -> int:
    new_days = int(getattr(settings, "DEMAND_NEW_ACCOUNT_DAYS", 7))
    joined = getattr(user, "date_joined", None) or timezone.now()
    if timezone.now() - joined < dt.timedelta(days=new_days):
        return int(getattr(settings, new_account))
    return int(getattr(settings, usual))


def ensure_can_report_problem(user: Any) -> None:
    """Signed in and under the daily limit (the same throttle as data requests; staff are not limited)."""
    from civicdata.community.models import QualityReport

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    limit = _daily_limit(user, usual="COMMUNITY_DAILY_REPORTS", new_account="COMMUNITY_NEW_ACCOUNT_DAILY_REPORTS")
    since = timezone.now() - dt.timedelta(hours=24)
    recent = QualityReport.objects.filter(reporter=user, created_at__gte=since).count()
    if recent >= limit:
        raise ActionRefused(
            _("You have sent %(count)s reports in the last 24 hours, the most allowed for now. Try again tomorrow.")
            % {"count": recent},
            code="throttled",
        )


def can_handle_report(user: Any, dataset: Any) -> bool:
    """The dataset's stewards: editors of its publisher (or a parent of it) and site staff."""
    return can_edit_for(user, dataset.publisher)


def ensure_can_handle_report(user: Any, dataset: Any) -> None:
    ensure_signed_in(user)
    if not can_handle_report(user, dataset):
        raise ActionRefused(
            _("Only editors of %(publisher)s can answer reports about this dataset.")
            % {"publisher": dataset.publisher.name},
            code="not_steward",
        )


def can_withdraw_table(user: Any, dataset: Any) -> bool:
    """Taking a table out of the Data API over a privacy concern: the publisher's administrators."""
    return has_role(user, dataset.publisher, Role.ADMIN)


def ensure_can_withdraw_table(user: Any, dataset: Any) -> None:
    ensure_signed_in(user)
    if not can_withdraw_table(user, dataset):
        raise ActionRefused(
            _("Only administrators of %(publisher)s can take its tables out of the Data API.")
            % {"publisher": dataset.publisher.name},
            code="not_admin",
        )


def can_answer_officially(user: Any, dataset: Any) -> bool:
    """Answering "as the publisher": the publisher's editors and site staff."""
    return can_edit_for(user, dataset.publisher)


def ensure_can_post(user: Any) -> None:
    """Signed in and under the daily number of discussion posts (staff are not limited)."""
    from civicdata.community.models import DiscussionPost

    ensure_signed_in(user)
    if is_site_staff(user):
        return
    since = timezone.now() - dt.timedelta(hours=24)
    recent = DiscussionPost.objects.filter(author=user, created_at__gte=since).count()
    if recent >= int(settings.COMMUNITY_DAILY_POSTS):
        raise ActionRefused(
            _("You have posted %(count)s messages in the last 24 hours, the most allowed for now. Try again tomorrow.")
            % {"count": recent},
            code="throttled",
        )


def can_change_discussion(user: Any, discussion: Any) -> bool:
    """Resolving or reopening: whoever asked, the publisher's editors and moderators."""
    if not is_signed_in(user):
        return False
    return (
        discussion.author_id == user.pk
        or can_edit_for(user, discussion.dataset.publisher)
        or can_moderate_requests(user)
    )


def ensure_can_change_discussion(user: Any, discussion: Any) -> None:
    ensure_signed_in(user)
    if not can_change_discussion(user, discussion):
        raise ActionRefused(
            _("Only the person who asked, the publisher's editors or a moderator can change this."),
            code="not_allowed",
        )


def can_moderate_posts(user: Any) -> bool:
    return can_moderate_requests(user)


def ensure_can_moderate_post(user: Any, post: Any) -> None:
    """Moderators only, and never on their own posts."""
    ensure_signed_in(user)
    if not can_moderate_requests(user):
        raise ActionRefused(_("Only moderators can do this."), code="not_moderator")
    if post.author_id == user.pk:
        raise ActionRefused(
            _("You cannot moderate your own content; another moderator will decide."), code="own_content"
        )


# --- stories, reuses and announcements (helper g) ---

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
