"""Registrations: seats, the waiting list, offers of freed seats, cancellations and the e-mails they send.

Every function that can change who holds a seat locks the event row first (`select_for_update`; on
SQLite the IMMEDIATE transaction mode takes the database's write lock at BEGIN), so seats are counted and
given out one registration at a time and capacity is never exceeded, whatever arrives at once.
A seat is held by a registration that is `registered` or `offered` and is not a walk-in; walk-ins are
counted as attendance and never take a seat booked in advance.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdata.accounts.permissions import is_signed_in
from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.events.calendar import build_calendar
from civicdata.events.models import (
    CancelReason,
    Demographics,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Role,
    Sector,
)

logger = logging.getLogger(__name__)

SEAT_HOLDING = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)


@dataclass(frozen=True, slots=True)
class Availability:
    capacity: int | None
    taken: int
    waiting: int

    @property
    def full(self) -> bool:
        return self.capacity is not None and (self.taken >= self.capacity or self.waiting > 0)

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


def new_check_in_code() -> str:
    return secrets.token_urlsafe(18)


def availability(event: Event) -> Availability:
    rows = event.registrations.filter(walk_in=False, status__in=[*SEAT_HOLDING, RegistrationStatus.WAITLISTED])
    taken = rows.filter(status__in=SEAT_HOLDING).count()
    waiting = rows.filter(status=RegistrationStatus.WAITLISTED).count()
    return Availability(capacity=event.capacity, taken=taken, waiting=waiting)


def registration_state(event: Event, *, now: dt.datetime | None = None) -> tuple[bool, str]:
    """Whether the event takes registrations now, and the sentence that says why not."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return False, _("This event is cancelled.")
    if event.status != EventStatus.PUBLISHED:
        return False, _("This event is not open for registration.")
    if event.ends_at <= now:
        return False, _("This event has taken place.")
    if not event.registration_open:
        return False, _("Registration for this event is closed.")
    return True, ""


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


_sqlite_writer = threading.RLock()


@contextmanager
def seat_transaction() -> Iterator[None]:
    """A transaction in which seats are counted and given out, one at a time across the whole site.

    On PostgreSQL the caller's `select_for_update` on the event row does it. SQLite has one writer at a
    time: the IMMEDIATE transaction mode takes the write lock at BEGIN for other processes, and a process
    lock makes this process's threads queue here rather than on the database's busy timeout (which a
    shared-cache in-memory database, as in the tests, does not honour)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with _sqlite_writer, transaction.atomic():
            yield
    else:
        with transaction.atomic():
            yield


def _check_fields(*, name: str, email: str, accepted_code_of_conduct: bool, signed_in: bool) -> list[dict]:
    problems = []
    if not signed_in:
        if not name.strip():
            problems.append({"field": "name", "message": _("Enter your name.")})
        if not email.strip() or "@" not in email:
            problems.append({"field": "email", "message": _("Enter an e-mail address such as name@example.org.")})
    if not accepted_code_of_conduct:
        problems.append({"field": "code_of_conduct", "message": _("Accept the code of conduct to register.")})
    return problems


def register(
    event: Event,
    *,
    user: Any = None,
    name: str = "",
    email: str = "",
    language: str = "",
    accessibility_needs: str = "",
    accepted_code_of_conduct: bool,
    demographics: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Registration:
    """Give the person a seat, or a place on the waiting list when the event is full (or others already
    wait). Signed-in people register as themselves; guests give a name and an e-mail address.

    `demographics` (role, sector, affiliation, first_time) is stored only when it is given, which the form
    allows only with the consent box ticked. Locks the event row; the unique constraints on (event, user)
    and (event, e-mail) make a second registration of the same person a Conflict. E-mails the
    confirmation with the calendar entry after the commit (`notify=False`: the demo, which e-mails nobody).
    """
    given_now, now = now, now or timezone.now()
    signed_in = is_signed_in(user)
    if signed_in:
        name = name.strip() or user.display_name or user.email.split("@")[0]
        email = user.email
        language = language or user.preferred_language
    problems = _check_fields(
        name=name, email=email, accepted_code_of_conduct=accepted_code_of_conduct, signed_in=signed_in
    )
    if problems:
        raise InvalidInput(_("Check the highlighted answers."), code="invalid_registration", details=problems)
    open_now, reason = registration_state(event, now=now)
    if not open_now:
        raise ActionRefused(reason, code="registration_closed")
    email = email.strip().lower()
    with seat_transaction():
        locked = _lock(event)
        # The waiting list is ordered by this time: read it under the lock, so that people who queue on
        # the lock keep the order in which they got their place.
        now = given_now or timezone.now()
        seats = availability(locked)
        status = RegistrationStatus.WAITLISTED if seats.full else RegistrationStatus.REGISTERED
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=locked,
                    user=user if signed_in else None,
                    name=name.strip()[:200],
                    email=email,
                    status=status,
                    check_in_code=new_check_in_code(),
                    language=language[:10],
                    accessibility_needs=accessibility_needs.strip(),
                    code_of_conduct_accepted_at=now,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(
                _(
                    "This person is already on the list for this event. The confirmation e-mail has the link to "
                    "manage the place."
                ),
                code="already_registered",
            ) from None
        if demographics:
            _save_demographics(registration, demographics, now=now)
    if notify:
        transaction.on_commit(lambda: send_confirmation(registration))
    return registration


def _save_demographics(registration: Registration, answers: dict[str, Any], *, now: dt.datetime) -> None:
    role = answers.get("role") or ""
    sector = answers.get("sector") or ""
    Demographics.objects.create(
        registration=registration,
        consented_at=now,
        role=role if role in Role.values else "",
        sector=sector if sector in Sector.values else "",
        affiliation=" ".join(str(answers.get("affiliation") or "").split())[:120],
        first_time=answers.get("first_time"),
    )


def cancel_registration(
    registration: Registration, *, now: dt.datetime | None = None, notify: bool = True
) -> Registration:
    """The person gives up their seat or waiting place (their own, or the holder of the ticket link).
    A freed seat is offered to the next person waiting. Locks the event row."""
    now = now or timezone.now()
    with seat_transaction():
        event = _lock(registration.event)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            return current
        if current.checked_in_at is not None:
            raise Conflict(_("You have already been checked in at this event."), code="already_checked_in")
        _end(current, reason=CancelReason.BY_PERSON, now=now)
        offered = offer_freed_seats(event, now=now)
    if notify:
        _notify_offers(offered)
    return current


def _end(registration: Registration, *, reason: str, now: dt.datetime) -> None:
    registration.status = RegistrationStatus.CANCELLED
    registration.cancel_reason = reason
    registration.offer_expires_at = None
    registration.updated_at = now
    registration.save(update_fields=["status", "cancel_reason", "offer_expires_at", "updated_at"])


def offer_freed_seats(event: Event, *, now: dt.datetime) -> list[Registration]:
    """Offer each free seat to the next person waiting (by time of registration). The caller holds the
    event's row lock. Returns the offers made; the caller e-mails them after the commit."""
    if event.capacity is None:
        return []
    free = event.capacity - event.registrations.filter(status__in=SEAT_HOLDING, walk_in=False).count()
    if free <= 0:
        return []
    hours = settings.EVENTS_OFFER_HOURS
    offers = list(
        event.registrations.filter(status=RegistrationStatus.WAITLISTED, walk_in=False).order_by("created_at", "id")[
            :free
        ]
    )
    for offer in offers:
        offer.status = RegistrationStatus.OFFERED
        offer.offer_expires_at = now + dt.timedelta(hours=hours)
        offer.updated_at = now
        offer.save(update_fields=["status", "offer_expires_at", "updated_at"])
    return offers


def _notify_offers(offers: list[Registration]) -> None:
    for offer in offers:
        transaction.on_commit(lambda offer=offer: send_offer(offer))


def accept_offer(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The person takes the seat offered to them, if the offer is still open. Locks the event row."""
    now = now or timezone.now()
    with seat_transaction():
        _lock(registration.event)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == RegistrationStatus.REGISTERED:
            return current
        if current.status != RegistrationStatus.OFFERED or (current.offer_expires_at or now) < now:
            raise Conflict(_("This offer is no longer open."), code="offer_closed")
        current.status = RegistrationStatus.REGISTERED
        current.offer_expires_at = None
        current.updated_at = now
        current.save(update_fields=["status", "offer_expires_at", "updated_at"])
    transaction.on_commit(lambda: send_confirmation(current))
    return current


def decline_offer(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The person turns the offered seat down; it goes to the next person waiting. Locks the event row."""
    now = now or timezone.now()
    with seat_transaction():
        event = _lock(registration.event)
        current = Registration.objects.get(pk=registration.pk)
        if current.status != RegistrationStatus.OFFERED:
            raise Conflict(_("This offer is no longer open."), code="offer_closed")
        _end(current, reason=CancelReason.DECLINED, now=now)
        offered = offer_freed_seats(event, now=now)
    _notify_offers(offered)
    return current


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Close every offer not answered in time and pass its seat to the next person waiting; returns how
    many offers lapsed. Run by the `expire_registration_offers` periodic task; one transaction per event."""
    now = now or timezone.now()
    lapsed = 0
    event_ids = (
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lt=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in list(event_ids):
        with seat_transaction():
            event = Event.objects.select_for_update().get(pk=event_id)
            for offer in event.registrations.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lt=now):
                _end(offer, reason=CancelReason.OFFER_EXPIRED, now=now)
                lapsed += 1
            offered = offer_freed_seats(event, now=now) if event.ends_at > now else []
        _notify_offers(offered)
    return lapsed


# --- e-mails ---


def _language(registration: Registration) -> str:
    if registration.language:
        return registration.language
    if registration.user_id:
        return registration.user.preferred_language
    return settings.LANGUAGE_CODE


def ticket_url(registration: Registration) -> str:
    path = reverse("events:ticket", kwargs={"slug": registration.event.slug, "code": registration.check_in_code})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _send(registration: Registration, template: str, subject: str, *, attach_calendar: bool) -> None:
    if not registration.email:
        return
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "ticket_url": ticket_url(registration),
        "event_url": f"{settings.SITE_URL.rstrip('/')}{event.get_absolute_url()}",
        "site_name": settings.SITE_NAME,
    }
    body = render_to_string(template, context)
    subject = " ".join(subject.split())  # a line break typed into a title cannot split the header
    message = EmailMessage(f"[{settings.SITE_NAME}] {subject}", body, None, [registration.email])
    if attach_calendar:
        message.attach(f"{event.slug}.ics", build_calendar([event], name=event.title), "text/calendar")
    try:
        message.send()
    except Exception:  # the place is kept; the ticket page shows the same details
        logger.exception("events: e-mail to registrant failed")


def send_confirmation(registration: Registration) -> None:
    """E-mail the registrant in their language: a seat (with the calendar entry) or a waiting place."""
    with override(_language(registration)):
        if registration.status == RegistrationStatus.REGISTERED:
            subject = _("You are registered: %(title)s") % {"title": registration.event.title}
            _send(registration, "events/email/confirmation.txt", subject, attach_calendar=True)
        elif registration.status == RegistrationStatus.WAITLISTED:
            subject = _("You are on the waiting list: %(title)s") % {"title": registration.event.title}
            _send(registration, "events/email/waitlisted.txt", subject, attach_calendar=False)


def send_offer(registration: Registration) -> None:
    """Ask the next person waiting to accept or decline a freed seat before the offer runs out."""
    with override(_language(registration)):
        subject = _("A seat is free for you: %(title)s") % {"title": registration.event.title}
        _send(registration, "events/email/offer.txt", subject, attach_calendar=False)
