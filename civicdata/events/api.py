"""API of the events app, mounted at /api/events/: events, series, goals against actuals, aggregated
attendance and reports (open to all); registration for the signed-in person; check-in and the registrant
export for organisers. Personal data never leaves the organisers' pages and exports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from civicdata.accounts.auth import signed_in
from civicdata.core.pagination import paginate
from civicdata.core.spreadsheet import csv_text
from civicdata.events import services
from civicdata.events.models import (
    Event,
    EventGoal,
    EventSeries,
    EventStatus,
    EventType,
    Registration,
    RegistrationStatus,
)
from civicdata.events.permissions import ensure_can_organise
from civicdata.events.services.checkin import export_registrants
from civicdata.events.services.registrations import ticket_url

router = Router()

# --- events, series, goals, attendance, reports (d) ---

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.COMPLETED)


class EventOut(Schema):
    id: int
    slug: str
    title: str
    event_type: str
    purpose: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    venue_name: str
    address: str
    online_url: str
    capacity: int | None
    organization: str
    series: str | None
    url: str
    ics: str


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None = None


class SeriesOut(Schema):
    slug: str
    title: str
    description: str
    organization: str
    url: str
    feed: str


class SeriesYearOut(Schema):
    year: int
    events: int
    registered: int
    attended: int
    attended_change: int | None


class SeriesDetailOut(SeriesOut):
    years: list[SeriesYearOut]
    events: list[EventOut]


class GoalOut(Schema):
    metric: str
    label: str
    mission_goal: str
    target: int | None
    actual: int | None
    computed: bool
    met: bool | None


class AttendanceOut(Schema):
    registered: int
    waitlisted: int
    checked_in: int
    walk_ins: int
    first_time: int


class CommitmentOut(Schema):
    description: str
    owner: str
    due_on: dt.date
    done: bool


class OutcomeOut(Schema):
    kind: str
    title: str
    url: str


class ReportOut(Schema):
    event: EventOut
    mission_goal: str
    what_was_made: str
    attendance: AttendanceOut
    goals: list[GoalOut]
    outcomes: list[OutcomeOut]
    next_steps: list[CommitmentOut]
    pdf: str


def _event_out(event: Event) -> dict:
    return {
        "id": event.pk,
        "slug": event.slug,
        "title": event.title,
        "event_type": event.event_type,
        "purpose": event.purpose,
        "status": event.status,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "venue_name": event.venue_name,
        "address": event.address,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "organization": event.organization.slug,
        "series": event.series.slug if event.series_id else None,
        "url": event.get_absolute_url(),
        "ics": f"{event.get_absolute_url()}event.ics",
    }


def _series_out(series: EventSeries) -> dict:
    return {
        "slug": series.slug,
        "title": series.title,
        "description": series.description,
        "organization": series.organization.slug,
        "url": f"/events/series/{series.slug}/",
        "feed": f"/events/series/{series.slug}/feed.ics",
    }


def _public() -> object:
    return Event.objects.filter(status__in=PUBLIC_STATUSES).select_related("organization", "series")


def _public_event(slug: str) -> Event:
    return get_object_or_404(_public(), slug=slug)


def _goals(event: Event) -> list[dict]:
    return [
        {
            "metric": row.goal.metric,
            "label": str(row.goal),
            "mission_goal": row.goal.mission_goal,
            "target": row.target,
            "actual": row.actual,
            "computed": row.computed,
            "met": row.met,
        }
        for row in services.goal_actuals(event)
    ]


@router.get("/", response=EventPage, summary="List public events")
def list_events(
    request: HttpRequest,
    when: str = "",
    type: str = "",
    organization: str = "",
    series: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> dict:
    """Published, cancelled and past events, soonest first; `when=upcoming|past`, `type`, `organization`
    and `series` (slugs) filter."""
    events = _public()
    if when == "upcoming":
        events = events.filter(ends_at__gte=dt.datetime.now(dt.UTC))
    elif when == "past":
        events = events.filter(ends_at__lt=dt.datetime.now(dt.UTC))
    if type in EventType.values:
        events = events.filter(event_type=type)
    if organization:
        events = events.filter(Q(organization__slug=organization) | Q(partners__slug=organization)).distinct()
    if series:
        events = events.filter(series__slug=series)
    page = paginate(events, cursor=cursor, limit=limit, order="id")
    return {"items": [_event_out(e) for e in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/events.csv", summary="Public events as CSV")
def events_csv(request: HttpRequest) -> HttpResponse:
    header = ["slug", "title", "type", "status", "starts_at", "ends_at", "organization", "series", "venue", "capacity"]
    rows = (
        [
            e.slug,
            e.title,
            e.event_type,
            e.status,
            e.starts_at.isoformat(),
            e.ends_at.isoformat(),
            e.organization.slug,
            e.series.slug if e.series_id else "",
            e.venue_name,
            e.capacity or "",
        ]
        for e in _public().order_by("starts_at", "id").iterator(chunk_size=500)
    )
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


@router.get("/goals.csv", summary="Goals against actuals of public events as CSV")
def goals_csv(request: HttpRequest) -> HttpResponse:
    header = ["event", "metric", "label", "mission_goal", "target", "actual", "computed"]
    rows = []
    events = _public().filter(pk__in=EventGoal.objects.values("event_id")).order_by("starts_at", "id")
    for event in events:
        for goal in _goals(event):
            rows.append(
                [
                    event.slug,
                    goal["metric"],
                    goal["label"],
                    goal["mission_goal"],
                    "" if goal["target"] is None else goal["target"],
                    "" if goal["actual"] is None else goal["actual"],
                    "yes" if goal["computed"] else "no",
                ]
            )
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="event-goals.csv"'
    return response


@router.get("/series/", response=list[SeriesOut], summary="List event series")
def list_series(request: HttpRequest) -> list[dict]:
    series = (
        EventSeries.objects.filter(events__status__in=PUBLIC_STATUSES)
        .distinct()
        .select_related("organization")
        .order_by("title")
    )
    return [_series_out(s) for s in series]


@router.get("/series/{slug}", response=SeriesDetailOut, summary="One series with its events and yearly figures")
def get_series(request: HttpRequest, slug: str) -> dict:
    series = get_object_or_404(
        EventSeries.objects.select_related("organization").filter(events__status__in=PUBLIC_STATUSES).distinct(),
        slug=slug,
    )
    years = [_year_out(year) for year in services.series_years(series)]
    events = [_event_out(e) for e in _public().filter(series=series).order_by("starts_at")]
    return {**_series_out(series), "years": years, "events": events}


def _year_out(year: services.SeriesYear) -> dict:
    return {name: getattr(year, name) for name in ("year", "events", "registered", "attended", "attended_change")}


@router.get("/{slug}", response=EventOut, summary="One public event")
def get_event(request: HttpRequest, slug: str) -> dict:
    return _event_out(_public_event(slug))


@router.get("/{slug}/goals", response=list[GoalOut], summary="Goals of an event, target against actual")
def event_goals(request: HttpRequest, slug: str) -> list[dict]:
    return _goals(_public_event(slug))


@router.get("/{slug}/attendance", response=AttendanceOut, summary="Aggregated attendance of an event")
def event_attendance(request: HttpRequest, slug: str) -> dict:
    """Counts only; no name, e-mail or answer ever leaves the organisers' pages."""
    return services.attendance_figures(_public_event(slug))


@router.get("/{slug}/report", response=ReportOut, summary="The published report of an event")
def event_report(request: HttpRequest, slug: str) -> dict:
    event = _public_event(slug)
    if not services.report_is_public(event):
        raise Http404("This event has no published report.")
    plan = services.plan_of(event)
    return {
        "event": _event_out(event),
        "mission_goal": plan.mission_goal,
        "what_was_made": plan.report_summary,
        "attendance": services.attendance_figures(event),
        "goals": _goals(event),
        "outcomes": [{"kind": o.kind, "title": str(o.target), "url": o.url} for o in services.public_outcomes(event)],
        "next_steps": [
            {"description": c.description, "owner": c.owner, "due_on": c.due_on, "done": c.done_at is not None}
            for c in event.commitments.all()
        ],
        "pdf": f"{event.get_absolute_url()}report.pdf",
    }


# --- registration: register and cancel for the signed-in person, organisers' check-in and registrant
# export (audited) ---


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
