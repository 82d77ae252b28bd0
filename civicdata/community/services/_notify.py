"""E-mail notices of the community app, written in each reader's language and sent once the
transaction that caused them commits (the same path as the demand app's notices)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import override

from civicdata.accounts.models import Membership, Role

logger = logging.getLogger("civicdata.community")

#: A notice is two texts computed in the reader's language: (subject, body).
Texts = Callable[[], tuple[str, str]]


def site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or getattr(settings, "CIVICDATA_SITE_URL", "")
    return f"{str(base).rstrip('/')}{path}"


def _language_of(user: Any) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _wants_email(users: list[Any]) -> set[int]:
    """People who did not turn e-mail off in their notification preference (demand's setting)."""
    from civicdata.demand.models import EmailMode, NotificationPreference

    off = set(
        NotificationPreference.objects.filter(user__in=users, email_mode=EmailMode.NONE).values_list(
            "user_id", flat=True
        )
    )
    return {user.pk for user in users if user.pk not in off}


def notify(users: Iterable[Any], texts: Texts, *, addresses: Iterable[str] = (), urgent: bool = False) -> None:
    """E-mail each person (in their language) and each bare address (in the site's language).

    `urgent` notices (a privacy concern) ignore the person's e-mail preference.
    """
    people = [user for user in {u.pk: u for u in users if u is not None and u.is_active}.values() if user.email]
    allowed = {user.pk for user in people} if urgent else _wants_email(people)
    messages: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for user in people:
        if user.pk not in allowed:
            continue
        with override(_language_of(user)):
            subject, body = texts()
        messages.append((user.email, subject, body))
        seen.add(user.email.casefold())
    extra = [a for a in dict.fromkeys(a.strip() for a in addresses) if a and a.casefold() not in seen]
    if extra:
        with override(settings.LANGUAGE_CODE):
            subject, body = texts()
        messages += [(address, subject, body) for address in extra]
    if messages:
        transaction.on_commit(lambda: _send_all(messages))


def _send_all(messages: list[tuple[str, str, str]]) -> None:
    for address, subject, body in messages:
        try:
            send_mail(f"[{settings.SITE_NAME}] {subject}", body, None, [address])
        except Exception:  # a mail outage must not undo the report; the page still shows it
            logger.exception("community: e-mail to recipient failed")


def organization_people(organization: Any, *, minimum: Role) -> list[Any]:
    """Active people with at least `minimum` role in the organisation or an organisation above it."""
    roles = [Role.ADMIN] if minimum == Role.ADMIN else [Role.EDITOR, Role.ADMIN]
    chain = [organization.pk, *(ancestor.pk for ancestor in organization.ancestors())]
    memberships = Membership.objects.filter(organization_id__in=chain, role__in=roles, user__is_active=True)
    return [m.user for m in memberships.select_related("user").order_by("user_id")]
