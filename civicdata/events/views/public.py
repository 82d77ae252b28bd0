"""Public event pages: anyone can read a published, cancelled or past event; drafts answer 404 alike."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from civicdata.events.calendar import build_calendar
from civicdata.events.models import Event, EventStatus


def _public_event(slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization", "series"), slug=slug)
    if event.status == EventStatus.DRAFT:
        raise Http404
    return event


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    return render(request, "events/detail.html", {"event": event})


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One event as an .ics file (also what the confirmation e-mail attaches)."""
    event = _public_event(slug)
    response = HttpResponse(build_calendar([event], name=event.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
