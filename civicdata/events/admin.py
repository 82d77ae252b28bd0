"""Back office for events, read-only: events, registrations and check-ins are written by the events
services (capacity under row locks, calendar sequence, audit)."""

from __future__ import annotations

from django.contrib import admin

from civicdata.core.admin import ServiceGuardedAdmin
from civicdata.events.models import Event, EventSeries


@admin.register(Event)
class EventAdmin(ServiceGuardedAdmin):
    list_display = ("title", "event_type", "organization", "status", "starts_at")
    list_filter = ("event_type", "status")
    search_fields = ("title", "slug")


@admin.register(EventSeries)
class EventSeriesAdmin(ServiceGuardedAdmin):
    list_display = ("title", "organization")
    search_fields = ("title", "slug")
