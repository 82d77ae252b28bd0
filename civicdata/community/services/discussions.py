"""Dataset discussions: asking, answering (officially for the publisher's editors), resolving,
following, and moderation (flags hide a post at the site's threshold until a moderator decides)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.catalog.models import Dataset
from civicdata.community import permissions
from civicdata.community.models import (
    Discussion,
    DiscussionFlag,
    DiscussionFollow,
    DiscussionPost,
    DiscussionStatus,
    FlagOutcome,
)
from civicdata.community.services._notify import notify, site_url
from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput

MAX_BODY = 5000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        message = _("The message is empty.")
        raise InvalidInput(message, code="empty_message", details=[{"field": "body", "message": message}])
    if len(body) > MAX_BODY:
        message = _("Messages are limited to 5,000 characters.")
        raise InvalidInput(message, code="too_long", details=[{"field": "body", "message": message}])
    return body


def start_discussion(dataset: Dataset, *, by: Any, title: str, body: str) -> Discussion:
    """Ask a question about a dataset; the asker follows it. Preconditions: signed in, under the daily
    number of posts. One transaction: discussion, first post, follow."""
    permissions.ensure_can_post(by)
    title = (title or "").strip()
    if not title:
        message = _("Write your question in one line.")
        raise InvalidInput(message, code="empty_title", details=[{"field": "title", "message": message}])
    body = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        discussion = Discussion.objects.create(
            dataset=dataset,
            title=title[:200],
            author=by,
            post_count=1,
            follower_count=1,
            created_at=now,
            updated_at=now,
        )
        DiscussionPost.objects.create(discussion=discussion, author=by, body=body, created_at=now)
        DiscussionFollow.objects.create(discussion=discussion, user=by, created_at=now)
    return discussion


def reply(discussion: Discussion, *, by: Any, body: str, as_publisher: bool = False) -> DiscussionPost:
    """Answer in a discussion. `as_publisher` marks it the publisher's official answer, which only the
    publisher's editors may give (ActionRefused otherwise). The replier follows the discussion; the
    other followers are e-mailed after commit."""
    permissions.ensure_can_post(by)
    body = _clean_body(body)
    if as_publisher and not permissions.can_answer_officially(by, discussion.dataset):
        raise permissions.ActionRefused(
            _("Only editors of %(publisher)s can answer for it.") % {"publisher": discussion.dataset.publisher.name},
            code="not_publisher",
        )
    now = timezone.now()
    with transaction.atomic():
        post = DiscussionPost.objects.create(
            discussion=discussion, author=by, body=body, is_official=as_publisher, created_at=now
        )
        updates: dict[str, Any] = {"post_count": F("post_count") + 1, "updated_at": now}
        if as_publisher:
            updates["has_official_answer"] = True
        Discussion.objects.filter(pk=discussion.pk).update(**updates)
        try:
            with transaction.atomic():
                DiscussionFollow.objects.create(discussion=discussion, user=by, created_at=now)
                Discussion.objects.filter(pk=discussion.pk).update(follower_count=F("follower_count") + 1)
        except IntegrityError:
            pass  # already following
        _tell_followers(discussion, post)
    return post


def _tell_followers(discussion: Discussion, post: DiscussionPost) -> None:
    followers = [
        f.user for f in discussion.follows.select_related("user").exclude(user_id=post.author_id).order_by("user_id")
    ]
    url = site_url(discussion.get_absolute_url())

    def texts() -> tuple[str, str]:
        if post.is_official:
            first = _("The publisher answered “%(title)s”.") % {"title": discussion.title}
        else:
            first = _("There is a new answer in “%(title)s”.") % {"title": discussion.title}
        subject = _("New answer: %(title)s") % {"title": discussion.title[:80]}
        return subject, f"{first}\n\n{url}"

    notify(followers, texts)


def set_discussion_status(discussion: Discussion, *, by: Any, status: str) -> Discussion:
    """Mark a discussion resolved or open again. Preconditions: the asker, the publisher's editors or a
    moderator."""
    permissions.ensure_can_change_discussion(by, discussion)
    if status not in DiscussionStatus.values:
        raise InvalidInput(_("Choose open or resolved."), code="bad_status")
    resolved_at = timezone.now() if status == DiscussionStatus.RESOLVED else None
    Discussion.objects.filter(pk=discussion.pk).update(status=status, resolved_at=resolved_at)
    discussion.refresh_from_db()
    return discussion


def follow_discussion(discussion: Discussion, *, by: Any) -> bool:
    """Follow a discussion; False if already following (one follow per person, kept by the database)."""
    permissions.ensure_signed_in(by)
    try:
        with transaction.atomic():
            DiscussionFollow.objects.create(discussion=discussion, user=by)
            Discussion.objects.filter(pk=discussion.pk).update(follower_count=F("follower_count") + 1)
    except IntegrityError:
        return False
    return True


def unfollow_discussion(discussion: Discussion, *, by: Any) -> bool:
    """Stop following a discussion; False if not following."""
    permissions.ensure_signed_in(by)
    with transaction.atomic():
        deleted, _ignored = DiscussionFollow.objects.filter(discussion=discussion, user=by).delete()
        if deleted:
            Discussion.objects.filter(pk=discussion.pk, follower_count__gt=0).update(
                follower_count=F("follower_count") - 1
            )
    return bool(deleted)


def flag_post(post: DiscussionPost, *, by: Any, reason: str = "") -> DiscussionFlag:
    """Ask moderators to look at a post; at DEMAND_AUTO_HIDE_REPORTS flags it is hidden until one
    decides (the same threshold as requests and comments). One flag per person per post."""
    permissions.ensure_signed_in(by)
    threshold = int(getattr(settings, "DEMAND_AUTO_HIDE_REPORTS", 3))
    try:
        with transaction.atomic():
            flag = DiscussionFlag.objects.create(post=post, reporter=by, reason=reason.strip()[:200])
            DiscussionPost.objects.filter(pk=post.pk).update(flag_count=F("flag_count") + 1)
            DiscussionPost.objects.filter(pk=post.pk, flag_count__gte=threshold).update(is_hidden=True)
    except IntegrityError:
        raise Conflict(_("You have already reported this."), code="already_reported") from None
    return flag


def moderate_post(post: DiscussionPost, *, by: Any, outcome: str) -> DiscussionPost:
    """A moderator keeps or hides a post; every pending flag on it closes. Moderators never decide on
    their own posts."""
    permissions.ensure_can_moderate_post(by, post)
    if outcome not in (FlagOutcome.KEPT, FlagOutcome.REMOVED):
        raise InvalidInput(_("Choose keep or hide."), code="bad_outcome")
    with transaction.atomic():
        DiscussionFlag.objects.filter(post=post, outcome=FlagOutcome.PENDING).update(
            outcome=outcome, resolved_by=by, resolved_at=timezone.now()
        )
        DiscussionPost.objects.filter(pk=post.pk).update(is_hidden=outcome == FlagOutcome.REMOVED)
        record_write(actor=by, action=f"community.discussion.{outcome}", target=post)
    post.refresh_from_db()
    return post
