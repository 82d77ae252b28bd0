"""The copies the public pages keep to answer fast — a finished feed shared by every web process, the
cards of the events list — never show anything out of date, and a feed is written once, not once per
process or thread."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from civicdata.events import calendar
from civicdata.events.models import EventStatus, EventType
from civicdata.events.tests.factories import make_event, make_org

pytestmark = pytest.mark.django_db

HEADING = re.compile(r'<h2 class="usa-collection__heading"><a class="usa-link" href="[^"]+">([^<]+)</a>')


def _summaries(ics: bytes) -> list[str]:
    return [str(entry["SUMMARY"]) for entry in Calendar.from_ical(ics).walk("VEVENT")]


def _another_process() -> None:
    """What a second web process has in memory: nothing of its own yet, only the shared cache."""
    calendar._FEEDS.clear()


def test_a_second_process_answers_the_feed_written_by_the_first_without_writing_it(client, monkeypatch):
    make_event(title="Street tree walk")
    written = client.get("/events/feed.ics").content
    _another_process()

    def refuse(*args, **kwargs):
        raise AssertionError("the feed was written again although another process had written it")

    with monkeypatch.context() as patched:
        patched.setattr(calendar, "build_calendar", refuse)
        assert client.get("/events/feed.ics").content == written
    assert _summaries(written) == ["Street tree walk"]


def test_the_shared_feed_shows_every_change_at_once_in_every_process(client):
    event = make_event(title="Budget data day")
    client.get("/events/feed.ics")
    event.title = "Budget data day (moved online)"
    event.save()
    _another_process()
    assert _summaries(client.get("/events/feed.ics").content) == ["Budget data day (moved online)"]
    organization = event.organization
    organization.name = "Budget Office"
    organization.save()
    _another_process()
    entry = Calendar.from_ical(client.get("/events/feed.ics").content).walk("VEVENT")[0]
    assert str(entry["ORGANIZER"].params["CN"]) == "Budget Office"


def test_a_feed_another_process_is_writing_is_awaited_not_written_twice(monkeypatch):
    key = "events:feed:test-awaited"
    cache.delete(key)
    assert cache.add(f"{key}:writing", "another process")

    def other_process_finishes(seconds: float) -> None:
        cache.set(key, zlib.compress(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))

    monkeypatch.setattr(calendar.time, "sleep", other_process_finishes)

    def refuse() -> bytes:
        raise AssertionError("written although another process was writing it")

    assert calendar._write_once(key, refuse) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert cache.get(f"{key}:writing") == "another process"  # its mark is left to its owner


def test_a_feed_whose_writer_never_finishes_is_written_after_the_wait(monkeypatch):
    key = "events:feed:test-stuck"
    cache.delete(key)
    assert cache.add(f"{key}:writing", "a process that stopped")
    monkeypatch.setattr(calendar, "FEED_WAIT_SECONDS", 0.0)
    monkeypatch.setattr(calendar.time, "sleep", lambda seconds: None)
    assert calendar._write_once(key, lambda: b"written here") == b"written here"


def test_the_writer_shares_its_feed_and_lifts_its_mark():
    key = "events:feed:test-writer"
    cache.delete(key)
    assert calendar._write_once(key, lambda: b"the feed") == b"the feed"
    assert zlib.decompress(cache.get(key)) == b"the feed"
    assert cache.get(f"{key}:writing") is None


def test_list_cards_show_every_change_at_once(client):
    organization = make_org("parks-dept")
    event = make_event(organization, title="Tree census jam", event_type=EventType.DATA_JAM)
    assert "Tree census jam" in client.get("/events/").content.decode()
    organization.name = "Parks and Recreation"
    organization.save()
    event.title = "Tree census jam, second round"
    event.venue_name = "Central Library"
    event.status = EventStatus.CANCELLED
    event.save()
    page = client.get("/events/").content.decode()
    assert "Tree census jam, second round" in page
    assert "Parks and Recreation" in page
    assert "Central Library" in page
    assert "Cancelled" in page


def test_list_cards_follow_the_reader_language(client):
    make_event(event_type=EventType.HACKATHON, title="Transit hackathon")
    assert "Hackatón" in client.get("/events/", headers={"accept-language": "es"}).content.decode()
    english = client.get("/events/", headers={"accept-language": "en"}).content.decode()
    assert "Hackathon" in english
    assert "Hackatón" not in english


def test_the_list_pages_keep_their_order(client):
    organization = make_org()
    now = timezone.now().replace(second=0, microsecond=0)
    for n in range(23):
        make_event(organization, title=f"Upcoming {n:02d}", starts_at=now + dt.timedelta(days=1 + n))
    for n in range(3):
        make_event(organization, title=f"Held {n}", starts_at=now - dt.timedelta(days=10 + n))

    def titles(address: str) -> list[str]:
        return HEADING.findall(client.get(address).content.decode())

    assert titles("/events/") + titles("/events/?page=2") == [f"Upcoming {n:02d}" for n in range(23)]
    assert titles("/events/?when=past") == ["Held 0", "Held 1", "Held 2"]


def test_a_subscribed_calendar_asking_again_gets_304_until_the_feed_changes(client):
    event = make_event(title="Open budget night")
    first = client.get("/events/feed.ics")
    tag = first["ETag"]
    assert tag.startswith('W/"')
    again = client.get("/events/feed.ics", headers={"if-none-match": tag})
    assert again.status_code == 304
    assert again.content == b""
    event.title = "Open budget night (new room)"
    event.save()
    changed = client.get("/events/feed.ics", headers={"if-none-match": tag})
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert _summaries(changed.content) == ["Open budget night (new room)"]
