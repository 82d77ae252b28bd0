"""Calendar entries (RFC 5545) for events, written with the `icalendar` library: one VEVENT per event
with a UID that never changes, SEQUENCE raised on every material change, STATUS:CANCELLED instead of
vanishing, times in the event's own time zone and the event's page in DESCRIPTION and URL."""

from __future__ import annotations

import hashlib
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Timezone, vText
from icalendar import Event as VEvent

from civicdata.events.models import Event, EventStatus

PRODID = "-//civicdata//events//EN"


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def event_uid(event: Event) -> str:
    return f"{event.uid}@civicdata"


def _zone(event: Event) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def build_vevent(event: Event, *, site_url: str | None = None) -> VEvent:
    """The VEVENT of one public event. Text goes through icalendar's escaping, so line breaks,
    commas and semicolons in titles cannot break the entry."""
    base = _site_url() if site_url is None else site_url.rstrip("/")
    zone = _zone(event)
    url = f"{base}{event.get_absolute_url()}"
    entry = VEvent()
    entry.add("uid", event_uid(event))
    entry.add("sequence", event.sequence)
    # When this entry was written: its last change (a feed entry is written once per change, see below).
    entry.add("dtstamp", event.updated_at or timezone.now())
    entry.add("last-modified", event.updated_at)
    entry.add("created", event.created_at)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", vText(event.title))
    description = "\n\n".join(part for part in (event.purpose, event.description, url) if part)
    entry.add("description", vText(description))
    entry.add("url", url)
    place = ", ".join(part for part in (event.venue_name, event.address) if part) or event.online_url
    if place:
        entry.add("location", vText(place))
    entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    entry.add("organizer", f"{base}{event.organization.get_absolute_url()}", parameters={"CN": event.organization.name})
    return entry


#: Written VEVENTs by everything they are made of; a feed of 2,000 events is then a query and a join
#: (writing them afresh takes icalendar over a second). Bounded; least recently used ones go first.
_ENTRIES: OrderedDict[tuple, bytes] = OrderedDict()
_ENTRIES_LOCK = threading.Lock()
MAX_KEPT_ENTRIES = 10_000


def vevent_bytes(event: Event, *, site_url: str | None = None) -> bytes:
    """The VEVENT of `event` as written in a calendar, reused while nothing it is made of has changed (the
    key holds every value the entry shows, so no change can be missed)."""
    base = _site_url() if site_url is None else site_url.rstrip("/")
    organization = event.organization
    key = (
        str(event.uid), event.sequence, event.updated_at, event.created_at, event.status, event.time_zone,
        event.starts_at, event.ends_at, event.title, event.purpose, event.description, event.venue_name,
        event.address, event.online_url, event.get_absolute_url(), organization.name,
        organization.get_absolute_url(), base,
    )  # fmt: skip
    with _ENTRIES_LOCK:
        found = _ENTRIES.get(key)
        if found is not None:
            _ENTRIES.move_to_end(key)
            return found
    written = build_vevent(event, site_url=base).to_ical()
    with _ENTRIES_LOCK:
        _ENTRIES[key] = written
        while len(_ENTRIES) > MAX_KEPT_ENTRIES:
            _ENTRIES.popitem(last=False)
    return written


def build_calendar(events: Iterable[Event], *, name: str, site_url: str | None = None) -> bytes:
    """A calendar of the given events (drafts are left out) with the VTIMEZONE of every zone used."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(name))
    zones: set[str] = set()
    entries = []
    for event in events:
        if event.status == EventStatus.DRAFT:
            continue
        zones.add(_zone(event).key)
        entries.append(vevent_bytes(event, site_url=site_url))
    for key in sorted(zones):
        cal.add_component(Timezone.from_tzid(key))
    # The calendar's own lines, then the entries before its closing line.
    head, end, tail = cal.to_ical().rpartition(b"END:VCALENDAR")
    return head + b"".join(entries) + end + tail


#: What a feed's entries are made of, read without making model instances (see `feed_calendar`).
FEED_FIELDS = (
    "uid", "sequence", "updated_at", "created_at", "status", "time_zone", "starts_at", "ends_at", "title",
    "purpose", "description", "venue_name", "address", "online_url", "slug", "organization__name",
    "organization__slug",
)  # fmt: skip
_FEEDS: OrderedDict[str, bytes] = OrderedDict()
MAX_KEPT_FEEDS = 16


def feed_calendar(events: QuerySet[Event], *, name: str, site_url: str | None = None) -> bytes:
    """`build_calendar` of a queryset, answered from a kept copy while every value its entries show is
    unchanged: one query of plain values and a digest of them decide (a feed of 2,000 events is then
    read in a few tens of milliseconds instead of made again from 2,000 model instances)."""
    base = _site_url() if site_url is None else site_url.rstrip("/")
    values = list(events.values_list(*FEED_FIELDS))
    digest = hashlib.sha256(repr((name, base, values)).encode("utf-8", "surrogatepass")).hexdigest()
    with _ENTRIES_LOCK:
        found = _FEEDS.get(digest)
        if found is not None:
            _FEEDS.move_to_end(digest)
            return found
    written = build_calendar(events, name=name, site_url=base)
    with _ENTRIES_LOCK:
        _FEEDS[digest] = written
        while len(_FEEDS) > MAX_KEPT_FEEDS:
            _FEEDS.popitem(last=False)
    return written
