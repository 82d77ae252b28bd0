"""Notifications about data requests: in-app notices, immediate e-mails, daily digests and each
person's e-mail preference."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdata.core.text import plain_text
from civicdata.demand import permissions
from civicdata.demand.models import (
    DataRequest,
    EmailMode,
    Follow,
    Notification,
    NotificationPreference,
    StatusChange,
    Vote,
)

logger = logging.getLogger(__name__)


def _recipients(request: DataRequest) -> list[Any]:
    from django.contrib.auth import get_user_model

    user_ids = set(Vote.objects.filter(request=request).values_list("voter_id", flat=True))
    user_ids |= set(Follow.objects.filter(request=request).values_list("user_id", flat=True))
    if request.requester_id:
        user_ids.add(request.requester_id)
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def notify_status_change(request: DataRequest, change: StatusChange, datasets: list[Any]) -> None:
    """In-app notices for everyone involved; immediate e-mails are sent once the transaction commits."""
    links = [{"title": str(d), "url": _dataset_url(d)} for d in datasets]
    recipients = _recipients(request)
    preferences = dict(NotificationPreference.objects.filter(user__in=recipients).values_list("user_id", "email_mode"))
    texts: dict[str, str] = {}
    for user in recipients:
        # Each person reads the notice in their own language (the staff member's message stays as written).
        language = _language_of(user)
        if language not in texts:
            with override(language):
                text = _("“%(title)s” is now %(status)s.") % {
                    "title": request.title,
                    "status": request.get_status_display(),
                }
            texts[language] = f"{text}\n\n{change.message}" if change.message else text
    notices = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                request=request,
                message=texts[_language_of(user)],
                links=links,
                email_skipped=preferences.get(user.pk, EmailMode.DAILY) == EmailMode.NONE,
            )
            for user in recipients
        ]
    )
    immediate = [n for n in notices if preferences.get(n.recipient_id) == EmailMode.IMMEDIATE]
    if immediate:
        ids = [n.pk for n in immediate if n.pk]
        transaction.on_commit(lambda: _enqueue_emails(ids))


def _language_of(user: Any) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _enqueue_emails(ids: list[int]) -> None:
    from civicdata.demand.tasks import email_notifications

    try:
        email_notifications.enqueue(ids)
    except Exception:  # no worker queue: send now rather than lose the notice
        logger.exception("demand: could not enqueue notification e-mails; sending inline")
        send_notification_emails(notification_ids=ids)


def _dataset_url(dataset: Any) -> str:
    try:
        return dataset.get_absolute_url()
    except Exception:  # a dataset without a page still gets a mention
        return ""


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or getattr(settings, "CIVICDATA_SITE_URL", "")
    return f"{str(base).rstrip('/')}{path}" if path.startswith("/") else path


def send_notification_emails(*, notification_ids: Iterable[int]) -> int:
    """E-mail each listed notification on its own (immediate mode); returns how many were sent."""
    sent = 0
    for notice in Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True).select_related(
        "recipient", "request"
    ):
        with override(_language_of(notice.recipient)):
            body = _email_body([notice])
            subject = _("Update on your data request: %(title)s") % {
                "title": plain_text(notice.request.title, limit=80)
            }
        if _send(notice.recipient.email, subject, body):
            Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Send one e-mail per person in daily mode with every notification not yet e-mailed.

    Run once a day by the `send_demand_digests` task; idempotent (already e-mailed notices are
    skipped). Returns the number of digests sent.
    """
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, email_skipped=False)
        .exclude(recipient__demand_preference__email_mode__in=[EmailMode.IMMEDIATE, EmailMode.NONE])
        .select_related("recipient", "request")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notice in pending:
        by_user.setdefault(notice.recipient_id, []).append(notice)
    sent = 0
    for notices in by_user.values():
        with override(_language_of(notices[0].recipient)):
            subject = _("Your data requests: %(count)s updates") % {"count": len(notices)}
            body = _email_body(notices)
        if _send(notices[0].recipient.email, subject, body):
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
            sent += 1
    return sent


def _email_body(notices: list[Notification]) -> str:
    parts = []
    for notice in notices:
        lines = [plain_text(notice.message), _site_url(notice.request.get_absolute_url())]
        lines += [f"- {link['title']}: {_site_url(link['url'])}" for link in notice.links if link.get("url")]
        parts.append("\n".join(lines))
    footer = _("You get these e-mails because you asked for, voted for or follow these requests.")
    signature = f"--\n{settings.SITE_NAME}\n{footer}\n{_site_url('/requests/notifications/')}"
    return "\n\n".join([*parts, signature])


def _send(address: str, subject: str, body: str) -> bool:
    try:
        send_mail(f"[{settings.SITE_NAME}] {subject}", body, None, [address])
    except Exception:  # a mail outage must not lose the notice: it stays pending for the next run
        logger.exception("demand: e-mail to recipient failed")
        return False
    return True


def set_email_mode(*, user: Any, mode: str) -> NotificationPreference:
    """Choose how the person hears about their requests by e-mail."""
    permissions.ensure_signed_in(user)
    mode = EmailMode(mode)
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email_mode": mode})
    return preference


def mark_notifications_read(*, user: Any) -> int:
    """Mark all of a person's notifications read; returns how many changed."""
    permissions.ensure_signed_in(user)
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
