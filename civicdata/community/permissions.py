"""Who may do what in the community app; pages and the API ask the same functions.

`can_*` answers yes or no for templates; `ensure_*` raises ActionRefused (or NotSignedIn) with the
reason a person can act on.
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
from civicdata.demand.permissions import can_moderate

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
    return discussion.author_id == user.pk or can_edit_for(user, discussion.dataset.publisher) or can_moderate(user)


def ensure_can_change_discussion(user: Any, discussion: Any) -> None:
    ensure_signed_in(user)
    if not can_change_discussion(user, discussion):
        raise ActionRefused(
            _("Only the person who asked, the publisher's editors or a moderator can change this."),
            code="not_allowed",
        )


def can_moderate_posts(user: Any) -> bool:
    return can_moderate(user)


def ensure_can_moderate_post(user: Any, post: Any) -> None:
    """Moderators only, and never on their own posts."""
    ensure_signed_in(user)
    if not can_moderate(user):
        raise ActionRefused(_("Only moderators can do this."), code="not_moderator")
    if post.author_id == user.pk:
        raise ActionRefused(
            _("You cannot moderate your own content; another moderator will decide."), code="own_content"
        )
