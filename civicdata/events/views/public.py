"""Public event pages: anyone can read a published, cancelled or past event; drafts answer 404 alike
(organisers see their own drafts). The list, the calendar feeds, series pages and published reports."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from civicdata.accounts.models import Organization
from civicdata.core.printing import pdf_response, qr_svg, render_pdf
from civicdata.events import permissions, services
from civicdata.events.calendar import build_calendar, feed_calendar
from civicdata.events.models import Event, EventPlan, EventSeries, EventStatus, EventType

PAGE_SIZE = 20
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.COMPLETED)


def _public_event(slug: str, user: Any = None) -> Event:
    event = get_object_or_404(Event.objects.select_related("organization", "series", "plan"), slug=slug)
    permissions.ensure_can_view(user, event)
    return event


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(status__in=PUBLIC_STATUSES)


def _json_ld(event: Event, request: HttpRequest) -> str:
    """schema.org `Event` for search engines, escaped so no text can close the script element."""
    status = {
        EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    }.get(event.status, "https://schema.org/EventScheduled")
    online = bool(event.online_url)
    physical = bool(event.venue_name or event.address)
    mode = "Mixed" if online and physical else ("Online" if online else "Offline")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.purpose,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventStatus": status,
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "organizer": {
            "@type": "Organization",
            "name": event.organization.name,
            "url": request.build_absolute_uri(event.organization.get_absolute_url()),
        },
    }
    locations = []
    if physical:
        locations.append({"@type": "Place", "name": event.venue_name or event.address, "address": event.address})
    if online:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if event.capacity:
        data["maximumAttendeeCapacity"] = event.capacity
    text = json.dumps(data, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug, request.user)
    plan = getattr(event, "plan", None) if _has_plan(event) else None
    context = {
        "event": event,
        "plan": plan,
        "json_ld": _json_ld(event, request),
        "partners": list(event.contributions.select_related("organization")),
        "outcomes": services.public_outcomes(event),
        "report_public": services.report_is_public(event),
        "can_organise": permissions.can_organise(request.user, event),
    }
    return render(request, "events/detail.html", context)


def _has_plan(event: Event) -> bool:
    try:
        event.plan  # noqa: B018 - the reverse one-to-one raises when missing
    except EventPlan.DoesNotExist:
        return False
    return True


@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One event as an .ics file (also what the confirmation e-mail attaches)."""
    event = _public_event(slug)
    return _ics([event], name=event.title, filename=f"{event.slug}.ics")


def _ics(events: Any, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(build_calendar(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed(request: HttpRequest, events: QuerySet[Event], *, name: str, filename: str) -> HttpResponse:
    """A subscribable feed with an ETag: a calendar asking again with If-None-Match gets 304 and no body
    while nothing in the feed changed."""
    tag, data = feed_calendar(events, name=name)
    etag = f'W/"{tag}"'
    unchanged = get_conditional_response(request, etag=etag)
    response = unchanged or HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if unchanged is None:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed_events(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.filter(status__in=PUBLIC_STATUSES).select_related("organization").order_by("starts_at", "id")


@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    """Every public event, cancelled ones included, for calendar subscriptions."""
    return _feed(request, _feed_events(Event.objects.all()), name=_("Community events"), filename="events.ics")


@require_safe
def feed_organization(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    events = _feed_events(Event.objects.filter(Q(organization=organization) | Q(partners=organization)).distinct())
    return _feed(request, events, name=organization.name, filename=f"{organization.slug}-events.ics")


@require_safe
def feed_series(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(EventSeries, slug=slug)
    return _feed(request, _feed_events(series.events.all()), name=series.title, filename=f"{series.slug}.ics")


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (soonest first) or past (latest first) events, filtered by type, organisation, topic and
    place; paginated."""
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    now = timezone.now()
    events = public_events()
    events = (
        events.filter(ends_at__lt=now).order_by("-starts_at", "-id")
        if when == "past"
        else events.filter(ends_at__gte=now).order_by("starts_at", "id")
    )
    filters = {key: request.GET.get(key, "").strip()[:120] for key in ("type", "org", "topic", "place")}
    if filters["type"] in EventType.values:
        events = events.filter(event_type=filters["type"])
    else:
        filters["type"] = ""
    if filters["org"]:
        events = events.filter(Q(organization__slug=filters["org"]) | Q(partners__slug=filters["org"])).distinct()
    if filters["topic"]:
        events = events.filter(plan__topic__icontains=filters["topic"])
    if filters["place"]:
        place = filters["place"]
        events = events.filter(Q(venue_name__icontains=place) | Q(address__icontains=place))
    page = Paginator(events.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's numbers first, then its events: sorting only numbers is several times faster than
    # sorting whole rows joined with their organisation (docs/events.md, "Performance").
    found = Event.objects.select_related("organization").order_by().in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    organizations = (
        Organization.objects.filter(
            Q(events__status__in=PUBLIC_STATUSES) | Q(partner_events__status__in=PUBLIC_STATUSES)
        )
        .distinct()
        .order_by("name")
    )
    context = {
        "page": page,
        "when": when,
        "filters": filters,
        "types": EventType.choices,
        "organizations": list(organizations.values_list("slug", "name")),
        "series_list": list(EventSeries.objects.filter(events__status__in=PUBLIC_STATUSES).distinct()),
    }
    return render(request, "events/list.html", context)


@require_safe
def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(EventSeries.objects.select_related("organization"), slug=slug)
    events = list(public_events().filter(series=series).select_related("organization").order_by("-starts_at"))
    if not events and not permissions.can_create_events(request.user):
        raise Http404
    now = timezone.now()
    context = {
        "series": series,
        "upcoming": [e for e in reversed(events) if e.ends_at >= now],
        "past": [e for e in events if e.ends_at < now],
        "years": services.series_years(series),
    }
    return render(request, "events/series.html", context)


def _report_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "plan": services.plan_of(event),
        "goals": services.goal_actuals(event),
        "attendance": services.attendance_figures(event),
        "outcomes": services.public_outcomes(event),
        "commitments": list(event.commitments.all()),
        "partners": list(event.contributions.select_related("organization")),
        "event_url": request.build_absolute_uri(event.get_absolute_url()),
    }


def _report_event(request: HttpRequest, slug: str) -> Event:
    """A report is public once published; organisers may preview it before."""
    event = _public_event(slug, request.user)
    if not services.report_is_public(event) and not permissions.can_organise(request.user, event):
        raise Http404
    return event


@require_safe
def event_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _report_event(request, slug)
    context = _report_context(request, event)
    context["preview"] = not services.report_is_public(event)
    return render(request, "events/report.html", context)


@require_safe
def event_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    event = _report_event(request, slug)
    context = _report_context(request, event)
    context["qr"] = qr_svg(context["event_url"])
    pdf = render_pdf("events/print/report.html", context, request=request)
    return pdf_response(pdf, filename=f"{event.slug}-report.pdf")
