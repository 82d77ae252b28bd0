"""What stories and reuses share: unique short names, field checks and the e-mails sent to their
authors and to the data's publishers (each person in their own language, once the transaction commits)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

logger = logging.getLogger("civicdata.community")

#: Short names that are pages of their own (/stories/new/, /reuses/review/…).
RESERVED_SLUGS = frozenset({"new", "mine", "review", "feed", "edit"})


def unique_slug(model: Any, title: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(title)[:80] or "item").strip("-") or "item"
    if base in RESERVED_SLUGS:
        base = f"{base}-1"
    slug, number = base, 1
    queryset = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while queryset.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def mail_people(people: Iterable[Any], subject_and_body: Any) -> None:
    """Send each person one e-mail after commit; `subject_and_body()` is called in their language."""
    recipients = [p for p in people if getattr(p, "email", "") and getattr(p, "is_active", True)]
    if not recipients:
        return

    def send() -> None:
        for person in recipients:
            try:
                with override(person.preferred_language):
                    subject, body = subject_and_body()
                send_mail(f"[{settings.SITE_NAME}] {subject}", body, None, [person.email])
            except Exception:  # a mail server hiccup must not undo a moderation decision
                logger.exception("community: could not e-mail person %s", person.pk)

    transaction.on_commit(send)


def tell_author(author: Any, *, item: Any, published: bool, reason: str = "") -> None:
    """The author hears the outcome of the review: published (with the link) or declined (with why)."""
    if author is None:
        return
    url = site_url() + item.get_absolute_url()

    def text() -> tuple[str, str]:
        if published:
            subject = _("“%(title)s” is now published") % {"title": item.title}
            return subject, _("Thank you. It is public here: %(url)s") % {"url": url} + "\n"
        subject = _("“%(title)s” was not published") % {"title": item.title}
        body = _("The reviewers gave this reason:") + f"\n\n{reason}\n\n"
        body += _("You can change it and send it again: %(url)s") % {"url": url} + "\n"
        return subject, body

    mail_people([author], text)
