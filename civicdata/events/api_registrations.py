"""Registration endpoints of the events API (mounted into `events.api.router`): register and cancel for
the signed-in person, the organisers' check-in, and the organisers' registrant export (audited)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civicdata.accounts.auth import signed_in
from civicdata.events import services
from civicdata.events.models import Event, EventStatus, Registration, RegistrationStatus
from civicdata.events.permissions import ensure_can_organise
from civicdata.events.services.checkin import export_registrants
from civicdata.events.services.registrations import ticket_url

router = Router()


class RegisterIn(Schema):
    accepted_code_of_conduct: bool
    accessibility_needs: str = ""


class RegistrationOut(Schema):
    event: str
    status: str
    offer_expires_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    ticket_url: str


class CheckInIn(Schema):
    code: str


class CheckInOut(Schema):
    name: str
    status: str
    walk_in: bool
    checked_in_at: dt.datetime | None
    changed: bool


def _event(slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization"), slug=slug)
    if event.status == EventStatus.DRAFT:
        raise Http404
    return event


def _out(registration: Registration) -> dict:
    return {
        "event": registration.event.slug,
        "status": registration.status,
        "offer_expires_at": registration.offer_expires_at,
        "checked_in_at": registration.checked_in_at,
        "ticket_url": ticket_url(registration),
    }


def _mine(request: HttpRequest, event: Event) -> Registration:
    found = event.registrations.filter(user=request.auth).exclude(status=RegistrationStatus.CANCELLED).first()
    if found is None:
        raise Http404
    return found


@router.get("/{slug}/registration", response=RegistrationOut, auth=signed_in, summary="My registration")
def my_registration(request: HttpRequest, slug: str) -> dict:
    """The signed-in person's place at the event (404 when they have none)."""
    return _out(_mine(request, _event(slug)))


@router.post("/{slug}/registration", response={201: RegistrationOut}, auth=signed_in, summary="Register")
def register(request: HttpRequest, slug: str, payload: RegisterIn) -> tuple[int, dict]:
    """Take a seat, or a place on the waiting list when the event is full; 409 when already registered."""
    registration = services.register(
        _event(slug),
        user=request.auth,
        accessibility_needs=payload.accessibility_needs,
        accepted_code_of_conduct=payload.accepted_code_of_conduct,
    )
    return 201, _out(registration)


@router.post("/{slug}/registration/cancel", response=RegistrationOut, auth=signed_in, summary="Cancel my registration")
def cancel(request: HttpRequest, slug: str) -> dict:
    return _out(services.cancel_registration(_mine(request, _event(slug))))


@router.post("/{slug}/check-in", response=CheckInOut, auth=signed_in, summary="Check a person in (organisers)")
def check_in(request: HttpRequest, slug: str, payload: CheckInIn) -> dict:
    """Check in the holder of a ticket code (the code in the ticket's QR address); `changed` is false when
    they were already checked in."""
    event = _event(slug)
    registration = event.registrations.filter(check_in_code=payload.code).first()
    if registration is None:
        ensure_can_organise(request.auth, event)  # strangers learn nothing about codes
        raise Http404
    changed = services.check_in(registration, by=request.auth)
    return {
        "name": registration.name,
        "status": registration.status,
        "walk_in": registration.walk_in,
        "checked_in_at": registration.checked_in_at,
        "changed": changed,
    }


@router.get("/{slug}/registrants.csv", auth=signed_in, summary="Registrant list as CSV (organisers, audited)")
def registrants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    response = HttpResponse(export_registrants(_event(slug), by=request.auth), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-registrants.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
