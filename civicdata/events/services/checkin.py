"""Check-in at the door: by the code on a ticket, by name, and walk-ins registered on the spot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.core.spreadsheet import csv_text
from civicdata.events import permissions
from civicdata.events.models import Event, Registration, RegistrationStatus
from civicdata.events.services.registrations import new_check_in_code


def check_in(registration: Registration, *, by: Any, now: dt.datetime | None = None) -> bool:
    """Mark the person as arrived; False when they were already checked in (nothing changes).

    One conditional UPDATE, so a double tap or two organisers scanning the same ticket record one
    arrival. A person still on the waiting list or holding an unanswered offer can be let in only as a
    walk-in; a cancelled registration cannot be checked in. Organisers only.
    """
    permissions.ensure_can_organise(by, registration.event)
    if registration.status != RegistrationStatus.REGISTERED:
        raise Conflict(
            _("%(name)s has no confirmed seat (%(status)s).")
            % {"name": registration.name, "status": registration.get_status_display().lower()},
            code="no_seat",
        )
    now = now or timezone.now()
    changed = Registration.objects.filter(
        pk=registration.pk, status=RegistrationStatus.REGISTERED, checked_in_at__isnull=True
    ).update(checked_in_at=now, updated_at=now)
    if changed:
        registration.checked_in_at = now
    return bool(changed)


def undo_check_in(registration: Registration, *, by: Any) -> None:
    """Take back a check-in made by mistake. Organisers only."""
    permissions.ensure_can_organise(by, registration.event)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=None, updated_at=timezone.now())
    registration.checked_in_at = None


def register_walk_in(
    event: Event, *, by: Any, name: str, email: str = "", now: dt.datetime | None = None
) -> Registration:
    """Someone who comes without registering: recorded and checked in at once. Walk-ins count as
    attendance and never take one of the seats booked in advance, so they are allowed when the event
    is full (the room is the organisers' call at the door). Organisers only."""
    permissions.ensure_can_organise(by, event)
    name = " ".join(name.split())
    email = email.strip().lower()
    if not name:
        raise InvalidInput(
            _("Enter the person's name."), details=[{"field": "name", "message": _("Enter the person's name.")}]
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return Registration.objects.create(
                event=event,
                name=name[:200],
                email=email,
                status=RegistrationStatus.REGISTERED,
                walk_in=True,
                checked_in_at=now,
                check_in_code=new_check_in_code(),
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise Conflict(
            _("Someone with this e-mail address is already registered: find them by name and check them in."),
            code="already_registered",
        ) from None


EXPORT_HEADER = ["name", "email", "status", "walk_in", "registered_at", "checked_in_at", "accessibility_needs"]


def export_registrants(event: Event, *, by: Any) -> str:
    """The registrant list as CSV for the event's organisers; every export is written to the audit log
    (who, which event, how many rows) in the same transaction. Formula-like text is neutralised."""
    permissions.ensure_can_organise(by, event)
    rows = [
        [
            r.name,
            r.email,
            r.status,
            "yes" if r.walk_in else "no",
            r.created_at.isoformat(),
            r.checked_in_at.isoformat() if r.checked_in_at else "",
            r.accessibility_needs,
        ]
        for r in event.registrations.order_by("created_at", "id")
    ]
    with transaction.atomic():
        record_write(actor=by, action="events.export_registrants", target=event, after={"rows": len(rows)})
    return csv_text(EXPORT_HEADER, rows)
