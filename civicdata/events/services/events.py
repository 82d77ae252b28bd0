"""The life of an event: create it from its type's template, edit it, publish it, cancel it (the event
stays, its calendar entry says CANCELLED) and mark it as held. Every material change raises the calendar
`sequence` so subscribed calendars take the new version."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.events import permissions
from civicdata.events.models import (
    Event,
    EventGoal,
    EventPlan,
    EventRole,
    EventSeries,
    EventStatus,
    EventType,
    PlanningTask,
)
from civicdata.events.types import template_for

# Fields a calendar shows: changing any of them is a material change (SEQUENCE goes up).
MATERIAL_FIELDS = (
    "title",
    "purpose",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue_name",
    "address",
    "online_url",
    "status",
)
EDITABLE_FIELDS = (
    "title",
    "event_type",
    "purpose",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue_name",
    "address",
    "online_url",
    "capacity",
    "registration_open",
    "series",
)


def _unique_slug(model: type[Event] | type[EventSeries], title: str, starts: dt.datetime | None = None) -> str:
    base = slugify(title)[:60] or "event"
    if starts is not None and not base.endswith(str(starts.year)):
        base = f"{base}-{starts.year}"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check(values: dict[str, Any]) -> None:
    """Refuse values a calendar or a person could not use, naming the field."""
    problems = []
    if not str(values.get("title", "")).strip():
        problems.append({"field": "title", "message": _("Give the event a title.")})
    if not str(values.get("purpose", "")).strip():
        problems.append({"field": "purpose", "message": _("Say why the event is held: its purpose comes first.")})
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends and ends < starts:
        problems.append({"field": "ends_at", "message": _("The event cannot end before it starts.")})
    try:
        zoneinfo.ZoneInfo(values.get("time_zone") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append({"field": "time_zone", "message": _("Unknown time zone; use a name like America/New_York.")})
    if values.get("event_type") not in EventType.values:
        problems.append({"field": "event_type", "message": _("Choose a type of event.")})
    if problems:
        raise InvalidInput(problems[0]["message"], code="invalid_event", details=problems)


def _due(starts_at: dt.datetime, days_before: int | None) -> dt.date | None:
    if days_before is None:
        return None
    return timezone.localdate(starts_at) - dt.timedelta(days=days_before)


def create_event(
    *,
    organization: Organization,
    by: Any,
    event_type: str,
    title: str,
    purpose: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    time_zone: str = "America/New_York",
    description: str = "",
    venue_name: str = "",
    address: str = "",
    online_url: str = "",
    capacity: int | None = None,
    registration_open: bool = True,
    series: EventSeries | None = None,
    topic: str = "",
    mission_goal: str = "",
    slug: str = "",
) -> Event:
    """Create a draft event for `organization` and copy its type's template into it: the default goals
    (targets still to set), roles, planning tasks with due dates counted back from `starts_at`, and the
    run of show. The person must be able to edit for the organisation. One transaction, audited."""
    permissions.ensure_can_create_for(by, organization)
    values = {
        "event_type": event_type,
        "title": title.strip(),
        "purpose": purpose.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": time_zone,
    }
    _check(values)
    if series is not None and series.organization_id != organization.pk:
        raise InvalidInput(_("That series belongs to another organisation."), code="invalid_series")
    template = template_for(event_type)
    with transaction.atomic():
        event = Event.objects.create(
            organization=organization,
            slug=slug or _unique_slug(Event, title, starts_at),
            description=description,
            venue_name=venue_name,
            address=address,
            online_url=online_url,
            capacity=capacity,
            registration_open=registration_open,
            series=series,
            created_by=by if getattr(by, "is_authenticated", False) else None,
            **values,
        )
        EventPlan.objects.create(
            event=event, topic=topic.strip(), mission_goal=mission_goal.strip(), run_of_show=str(template.run_of_show)
        )
        EventGoal.objects.bulk_create(
            EventGoal(event=event, metric=metric, mission_goal=mission_goal.strip()[:300]) for metric in template.goals
        )
        EventRole.objects.bulk_create(
            EventRole(event=event, name=str(name), position=n) for n, name in enumerate(template.roles)
        )
        PlanningTask.objects.bulk_create(
            PlanningTask(
                event=event,
                title=str(item.title),
                days_before=item.days_before,
                due_on=_due(starts_at, item.days_before),
            )
            for item in template.checklist
        )
        record_write(actor=by, action="create_event", target=event, after=snapshot(event))
    return event


def update_event(event: Event, *, by: Any, changes: dict[str, Any]) -> Event:
    """Change the event's details (only `EDITABLE_FIELDS`). A material change raises `sequence`; a new
    start moves the due dates of the planning tasks not yet done. Organisers only; one transaction with
    the row locked, audited."""
    permissions.ensure_can_organise(by, event)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        before = snapshot(locked)
        merged = {name: getattr(locked, name) for name in ("event_type", "title", "purpose", "starts_at", "ends_at")}
        merged["time_zone"] = locked.time_zone
        merged.update({k: v for k, v in changes.items() if k in merged})
        _check(merged)
        series = changes.get("series", locked.series)
        if series is not None and series.organization_id != locked.organization_id:
            raise InvalidInput(_("That series belongs to another organisation."), code="invalid_series")
        material = False
        for name, value in changes.items():
            if getattr(locked, name) != value:
                material = material or name in MATERIAL_FIELDS
                setattr(locked, name, value)
        if material:
            locked.sequence += 1
        locked.updated_at = timezone.now()
        locked.save()
        if "starts_at" in changes and before["starts_at"] != snapshot(locked)["starts_at"]:
            for task in PlanningTask.objects.filter(event=locked, done_at__isnull=True, days_before__isnull=False):
                PlanningTask.objects.filter(pk=task.pk).update(due_on=_due(locked.starts_at, task.days_before))
        record_write(actor=by, action="update_event", target=locked, before=before, after=snapshot(locked))
    return locked


def _set_status(event: Event, *, by: Any, status: str, action: str, allowed_from: tuple[str, ...]) -> Event:
    permissions.ensure_can_organise(by, event)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status not in allowed_from:
            raise Conflict(
                _("This event is %(status)s; that cannot be done now.") % {"status": locked.get_status_display()},
                code="wrong_status",
            )
        before = snapshot(locked)
        locked.status = status
        locked.sequence += 1
        locked.updated_at = timezone.now()
        if status == EventStatus.CANCELLED:
            locked.cancelled_at = locked.updated_at
            locked.registration_open = False
        locked.save()
        record_write(actor=by, action=action, target=locked, before=before, after=snapshot(locked))
    return locked


def publish_event(event: Event, *, by: Any) -> Event:
    """Make a draft public: its page, the list, the feeds and the API show it from now on."""
    return _set_status(event, by=by, status=EventStatus.PUBLISHED, action="publish_event", allowed_from=("draft",))


def cancel_event(event: Event, *, by: Any) -> Event:
    """Cancel the event. It stays on its page and in every feed with STATUS:CANCELLED, so calendars that
    subscribed remove it properly instead of keeping a ghost entry; registration closes."""
    return _set_status(
        event, by=by, status=EventStatus.CANCELLED, action="cancel_event", allowed_from=("draft", "published")
    )


def complete_event(event: Event, *, by: Any) -> Event:
    """Record that the event took place; the follow-up (tracking sheet, report, commitments) starts."""
    return _set_status(event, by=by, status=EventStatus.COMPLETED, action="complete_event", allowed_from=("published",))


def create_series(
    *, organization: Organization, by: Any, title: str, description: str = "", slug: str = ""
) -> EventSeries:
    """Start a series (recurring trainings, a user group's meetings, data jams leading to a datapalooza)."""
    permissions.ensure_can_create_for(by, organization)
    if not title.strip():
        raise InvalidInput(_("Give the series a title."), details=[{"field": "title", "message": _("Required.")}])
    with transaction.atomic():
        series = EventSeries.objects.create(
            organization=organization,
            title=title.strip(),
            slug=slug or _unique_slug(EventSeries, title),
            description=description,
        )
        record_write(actor=by, action="create_series", target=series, after=snapshot(series))
    return series
