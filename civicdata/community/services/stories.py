"""Data stories: writing, submitting for review, publishing and declining."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput

from .. import permissions
from ..embeds import check_embeds
from ..models import ModerationState, Story
from ._moderation import field_error, tell_author, unique_slug

MAX_BODY = 50_000


def _check(*, title: str, body: str, event_url: str) -> None:
    problems = []
    if not title.strip():
        problems.append(field_error("title", _("Give the story a title.")))
    if not body.strip():
        problems.append(field_error("body", _("Write the story.")))
    elif len(body) > MAX_BODY:
        problems.append(field_error("body", _("A story is at most %(count)s characters.") % {"count": MAX_BODY}))
    problems += [field_error("body", message) for message in check_embeds(body)]
    if event_url:
        try:
            URLValidator(schemes=["http", "https"])(event_url)
        except ValidationError:
            problems.append(field_error("event_url", _("Enter a web address starting with https:// or http://.")))
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_story", details=problems)


def create_story(
    *,
    author: Any,
    title: str,
    body: str,
    summary: str = "",
    datasets: Sequence[Any] = (),
    projects: Sequence[Any] = (),
    event_url: str = "",
    submit: bool = False,
) -> Story:
    """Start a story as a draft (or send it for review at once). The person must be under the daily
    limit; embeds that name anything but this site's Data API are refused. One transaction."""
    permissions.ensure_can_submit(author)
    _check(title=title, body=body, event_url=event_url)
    with transaction.atomic():
        story = Story.objects.create(
            title=title.strip()[:200],
            slug=unique_slug(Story, title),
            summary=summary.strip()[:300],
            body=body,
            author=author,
            event_url=event_url,
        )
        story.datasets.set(datasets)
        story.projects.set(projects)
        if submit:
            submit_story(story, by=author)
    return story


def update_story(
    story: Story,
    *,
    by: Any,
    title: str,
    body: str,
    summary: str = "",
    datasets: Sequence[Any] = (),
    projects: Sequence[Any] = (),
    event_url: str = "",
    submit: bool = False,
) -> Story:
    """Change a story: its author while it is a draft or declined, or a moderator at any time."""
    permissions.ensure_can_edit(by, story)
    _check(title=title, body=body, event_url=event_url)
    with transaction.atomic():
        before = snapshot(story)
        Story.objects.filter(pk=story.pk).update(
            title=title.strip()[:200],
            summary=summary.strip()[:300],
            body=body,
            event_url=event_url,
            updated_at=timezone.now(),
        )
        story.refresh_from_db()
        story.datasets.set(datasets)
        story.projects.set(projects)
        if permissions.can_moderate_submissions(by):
            record_write(actor=by, action="community.story.update", target=story, before=before, after=snapshot(story))
        if submit and story.state in permissions.EDITABLE_STATES:
            submit_story(story, by=by)
    return story


def submit_story(story: Story, *, by: Any) -> Story:
    """Send a draft (or a declined story) for review. A moderator's own story is published at once."""
    permissions.ensure_can_edit(by, story)
    if permissions.can_moderate_submissions(by):
        return publish_story(story, by=by)
    with transaction.atomic():
        Story.objects.filter(pk=story.pk).update(
            state=ModerationState.UNDER_REVIEW,
            submitted_at=timezone.now(),
            decline_reason="",
            updated_at=timezone.now(),
        )
        story.refresh_from_db()
    return story


def publish_story(story: Story, *, by: Any) -> Story:
    """A moderator publishes a story: it appears on /stories/, in the feed and on its datasets' pages;
    the author is told by e-mail after commit."""
    permissions.ensure_can_moderate_submissions(by)
    with transaction.atomic():
        before = snapshot(story)
        now = timezone.now()
        Story.objects.filter(pk=story.pk).update(
            state=ModerationState.PUBLISHED,
            published_at=story.published_at or now,
            reviewed_by=by,
            decline_reason="",
            updated_at=now,
        )
        story.refresh_from_db()
        record_write(actor=by, action="community.story.publish", target=story, before=before, after=snapshot(story))
    if story.author_id and story.author_id != getattr(by, "pk", None):
        tell_author(story.author, item=story, published=True)
    return story


def decline_story(story: Story, *, by: Any, reason: str) -> Story:
    """A moderator declines a story with a reason the author receives (a published story is withdrawn)."""
    permissions.ensure_can_moderate_submissions(by)
    if not reason.strip():
        raise InvalidInput(
            _("Say why, so the author can improve it."),
            code="reason_required",
            details=[field_error("reason", _("Say why, so the author can improve it."))],
        )
    with transaction.atomic():
        before = snapshot(story)
        Story.objects.filter(pk=story.pk).update(
            state=ModerationState.DECLINED, decline_reason=reason.strip(), reviewed_by=by, updated_at=timezone.now()
        )
        story.refresh_from_db()
        record_write(actor=by, action="community.story.decline", target=story, before=before, after=snapshot(story))
    tell_author(story.author, item=story, published=False, reason=story.decline_reason)
    return story
