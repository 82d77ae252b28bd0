"""Release announcements: staff write and publish them; publishing a dataset that fulfils data requests
drafts one (see `civicdata.community.receivers`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput
from civicdata.core.text import render_markdown

from .. import permissions
from ..models import Announcement, AnnouncementState
from ._moderation import field_error, unique_slug

logger = logging.getLogger("civicdata.community")

#: `[[dataset-key]]` in an announcement: the dataset's identifier or short name.
MENTION = re.compile(r"\[\[([-\w.:/]{1,200})\]\]")


def _datasets_by_key(keys: Sequence[str]) -> dict[str, Any]:
    from django.db.models import Q

    from civicdata.catalog.models import Dataset

    if not keys:
        return {}
    found = Dataset.objects.filter(Q(identifier__in=keys) | Q(name__in=keys), is_published=True)
    by_key: dict[str, Any] = {}
    for dataset in found:
        for key in (dataset.identifier, dataset.name):
            if key in keys and dataset.is_public_listing:
                by_key[key] = dataset
    return by_key


def mentioned_datasets(body: str) -> list[Any]:
    """The public datasets an announcement names with `[[key]]`, in order of first mention."""
    keys = list(dict.fromkeys(MENTION.findall(body or "")))
    by_key = _datasets_by_key(keys)
    seen: dict[int, Any] = {}
    for key in keys:
        if key in by_key:
            seen.setdefault(by_key[key].pk, by_key[key])
    return list(seen.values())


def render_announcement(body: str) -> SafeString:
    """The announcement's Markdown as sanitised HTML; each `[[key]]` of a public dataset becomes links to
    its page and its API, an unknown one stays as written."""
    by_key = _datasets_by_key(list(dict.fromkeys(MENTION.findall(body or ""))))

    def link(match: re.Match) -> str:
        dataset = by_key.get(match[1])
        if dataset is None:
            return match[0]
        title = str(dataset).replace("[", "(").replace("]", ")")
        return f"[{title}]({dataset.get_absolute_url()}) ([{_('API')}](/api/catalog/datasets/{dataset.key}))"

    return render_markdown(MENTION.sub(link, body or ""))


def _check(title: str, body: str) -> None:
    problems = []
    if not title.strip():
        problems.append(field_error("title", _("Give the announcement a title.")))
    if not body.strip():
        problems.append(field_error("body", _("Write the announcement.")))
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_announcement", details=problems)


def create_announcement(
    *,
    by: Any,
    title: str,
    body: str,
    datasets: Sequence[Any] = (),
    data_requests: Sequence[Any] = (),
    publish: bool = False,
) -> Announcement:
    """Write an announcement (staff and publishers' editors); datasets named with `[[key]]` are linked
    too. One transaction with its audit entry."""
    permissions.ensure_can_post_news(by)
    _check(title, body)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            title=title.strip()[:200], slug=unique_slug(Announcement, title), body=body, author=by
        )
        announcement.datasets.set({*datasets, *mentioned_datasets(body)})
        announcement.data_requests.set(data_requests)
        record_write(actor=by, action="community.news.create", target=announcement, after=snapshot(announcement))
        if publish:
            publish_announcement(announcement, by=by)
    return announcement


def update_announcement(
    announcement: Announcement,
    *,
    by: Any,
    title: str,
    body: str,
    datasets: Sequence[Any] = (),
    data_requests: Sequence[Any] = (),
    publish: bool = False,
) -> Announcement:
    """Change an announcement (staff and publishers' editors)."""
    permissions.ensure_can_post_news(by)
    _check(title, body)
    with transaction.atomic():
        before = snapshot(announcement)
        Announcement.objects.filter(pk=announcement.pk).update(
            title=title.strip()[:200], body=body, updated_at=timezone.now()
        )
        announcement.refresh_from_db()
        announcement.datasets.set({*datasets, *mentioned_datasets(body)})
        announcement.data_requests.set(data_requests)
        record_write(
            actor=by, action="community.news.update", target=announcement, before=before, after=snapshot(announcement)
        )
        if publish and announcement.state == AnnouncementState.DRAFT:
            publish_announcement(announcement, by=by)
    return announcement


def publish_announcement(announcement: Announcement, *, by: Any) -> Announcement:
    """Put an announcement on /news/ and in its feed."""
    permissions.ensure_can_post_news(by)
    with transaction.atomic():
        before = snapshot(announcement)
        now = timezone.now()
        Announcement.objects.filter(pk=announcement.pk).update(
            state=AnnouncementState.PUBLISHED, published_at=announcement.published_at or now, updated_at=now
        )
        announcement.refresh_from_db()
        record_write(
            actor=by, action="community.news.publish", target=announcement, before=before, after=snapshot(announcement)
        )
    return announcement


def draft_for_fulfilment(*, dataset: Any) -> Announcement | None:
    """A dataset was published: when it fulfils data requests, draft an announcement for staff to review
    and publish (one waiting draft per dataset). Never raises: publishing must not fail because of it."""
    try:
        from civicdata.demand.models import DataRequest, RequestStatus

        if not getattr(dataset, "is_public_listing", False):
            return None
        # demand's own receiver has already moved planned requests to "published" (it connects first).
        fulfilled = list(
            DataRequest.objects.filter(
                fulfilling_datasets=dataset, status__in=[RequestStatus.PLANNED, RequestStatus.PUBLISHED]
            ).order_by("pk")
        )
        if not fulfilled:
            return None
        waiting = Announcement.objects.filter(
            state=AnnouncementState.DRAFT, drafted_automatically=True, datasets=dataset
        ).first()
        if waiting is not None:
            waiting.data_requests.add(*fulfilled)
            return waiting
        with override(settings.LANGUAGE_CODE):
            title = _("Now published: %(title)s") % {"title": dataset}
            lines = [
                _("[[%(key)s]] is now published, answering these data requests:") % {"key": dataset.key},
                "",
                *[f"- [{r.title.replace('[', '(').replace(']', ')')}]({r.get_absolute_url()})" for r in fulfilled],
            ]
        with transaction.atomic():
            announcement = Announcement.objects.create(
                title=title[:200],
                slug=unique_slug(Announcement, title),
                body="\n".join(lines) + "\n",
                drafted_automatically=True,
            )
            announcement.datasets.add(dataset)
            announcement.data_requests.set(fulfilled)
        return announcement
    except Exception:
        logger.exception("community: could not draft an announcement for dataset %s", getattr(dataset, "pk", None))
        return None
