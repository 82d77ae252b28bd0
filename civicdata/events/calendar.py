"""Calendar entries (RFC 5545) for events, written with the `icalendar` library: one VEVENT per event
with a UID that never changes, SEQUENCE raised on every material change, STATUS:CANCELLED instead of
vanishing, times in the event's own time zone and the event's page in DESCRIPTION and URL."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import zlib
import zoneinfo
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
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
#: Read as the database's own text: turning 8,000 timestamps and 2,000 UUIDs into Python objects took
#: most of a repeated feed's time, and equal text is an equal value.
_FEED_TEXT_FIELDS = frozenset({"uid", "updated_at", "created_at", "starts_at", "ends_at"})
_FEEDS: OrderedDict[str, bytes] = OrderedDict()
MAX_KEPT_FEEDS = 16
#: Finished feeds are shared by every web process through the cache (compressed: 1.5 MB of text for
#: 2,000 events is about 100 kB); kept a day at most, so not even a change in the libraries below can
#: outlive a day.
FEED_CACHE_SECONDS = 24 * 3600
#: How long a process waits for the feed another process or thread is writing before writing it itself.
FEED_WAIT_SECONDS = 30.0
_FEED_POLL_SECONDS = 0.05


def _code_version() -> str:
    """What else the bytes of a feed depend on: this module, the icalendar library, the default time
    zone and the addresses of event and organisation pages. Part of the shared cache's key, so a new
    release never serves a feed written by the old one."""
    from civicdata.accounts.models import Organization

    parts = (
        Path(__file__).read_bytes(),
        icalendar.__version__.encode(),
        settings.TIME_ZONE.encode(),
        Event(slug="x").get_absolute_url().encode(),
        Organization(slug="x").get_absolute_url().encode(),
    )
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def _feed_digest(events: QuerySet[Event], *, name: str, base: str) -> str:
    """A digest of every value the feed's entries show, read as plain text in one query."""
    texts = {f"feed_text_{field}": Cast(field, TextField()) for field in _FEED_TEXT_FIELDS}
    columns = [f"feed_text_{field}" if field in _FEED_TEXT_FIELDS else field for field in FEED_FIELDS]
    values = list(events.annotate(**texts).values_list(*columns))
    return hashlib.sha256(repr((name, base, values)).encode("utf-8", "surrogatepass")).hexdigest()


def _remember(digest: str, written: bytes) -> None:
    with _ENTRIES_LOCK:
        _FEEDS[digest] = written
        _FEEDS.move_to_end(digest)
        while len(_FEEDS) > MAX_KEPT_FEEDS:
            _FEEDS.popitem(last=False)


def _shared(key: str) -> bytes | None:
    packed = cache.get(key)
    return zlib.decompress(packed) if isinstance(packed, bytes) else None


def _write_once(key: str, write: Callable[[], bytes]) -> bytes:
    """The feed under `key` in the shared cache, written here unless another process or thread is
    writing it already (then its copy is awaited, for FEED_WAIT_SECONDS at most)."""
    writing = f"{key}:writing"
    deadline = time.monotonic() + FEED_WAIT_SECONDS
    while not cache.add(writing, os.getpid(), timeout=int(FEED_WAIT_SECONDS) + 5):
        time.sleep(_FEED_POLL_SECONDS)
        found = _shared(key)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            return write()  # the other writer seems stuck: do not keep this request waiting longer
    try:
        found = _shared(key)  # written by the one that held the mark just before
        if found is not None:
            return found
        written = write()
        cache.set(key, zlib.compress(written, 6), FEED_CACHE_SECONDS)
        return written
    finally:
        cache.delete(writing)


def feed_calendar(events: QuerySet[Event], *, name: str, site_url: str | None = None) -> tuple[str, bytes]:
    """`build_calendar` of a queryset, answered from a kept copy while every value its entries show is
    unchanged: one query of plain values and a digest of them decide. The copy is looked for in this
    process, then in the cache every web process shares; only when neither has it is the feed written,
    by one process and thread at a time (the others wait for its copy), so a change to one event does
    not make every process write 2,000 entries at once. Returns (tag, bytes): the tag, the feed's ETag, is
    a digest of its values and of this release's code."""
    base = _site_url() if site_url is None else site_url.rstrip("/")
    digest = _feed_digest(events, name=name, base=base)
    key = f"events:feed:{_code_version()}:{digest}"
    tag = hashlib.sha256(key.encode()).hexdigest()[:32]
    with _ENTRIES_LOCK:
        found = _FEEDS.get(digest)
        if found is not None:
            _FEEDS.move_to_end(digest)
            return tag, found
    written = _shared(key)
    if written is None:
        written = _write_once(key, lambda: build_calendar(events, name=name, site_url=base))
    _remember(digest, written)
    return tag, written
