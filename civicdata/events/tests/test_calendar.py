"""Calendar entries read back with the icalendar library, as a calendar client would."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from civicdata.events.calendar import build_calendar
from civicdata.events.models import EventStatus
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def _events(ics: bytes) -> list:
    return Calendar.from_ical(ics).walk("VEVENT")


def test_uid_is_stable_and_sequence_follows_the_event():
    event = make_event()
    first = _events(build_calendar([event], name="Events"))[0]
    event.sequence = 3
    event.save()
    second = _events(build_calendar([event], name="Events"))[0]
    assert str(first["UID"]) == str(second["UID"])
    assert int(first["SEQUENCE"]) == 0
    assert int(second["SEQUENCE"]) == 3


def test_cancelled_event_stays_in_the_feed_as_cancelled_and_drafts_are_left_out():
    cancelled = make_event(status=EventStatus.CANCELLED)
    draft = make_event(status=EventStatus.DRAFT)
    entries = _events(build_calendar([cancelled, draft], name="Events"))
    assert [str(e["SUMMARY"]) for e in entries] == [cancelled.title]
    assert str(entries[0]["STATUS"]) == "CANCELLED"


def test_line_breaks_and_semicolons_in_titles_cannot_break_the_entry():
    event = make_event(title="Budget; 2027\nBEGIN:VEVENT\nSUMMARY:injected", venue_name="Room 1, Main Library")
    entries = _events(build_calendar([event], name="Events"))
    assert len(entries) == 1
    assert str(entries[0]["SUMMARY"]) == event.title
    assert str(entries[0]["LOCATION"]) == "Room 1, Main Library"


def test_times_are_in_the_event_time_zone_with_its_vtimezone_and_the_page_in_the_description(settings):
    settings.SITE_URL = "https://data.example.org"
    event = make_event(time_zone="America/Chicago")
    calendar = Calendar.from_ical(build_calendar([event], name="Events"))
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    entry = calendar.walk("VEVENT")[0]
    assert str(entry["DTSTART"].dt.tzinfo) == "America/Chicago"
    assert entry["DTSTART"].dt == event.starts_at
    assert f"https://data.example.org/events/{event.slug}/" in str(entry["DESCRIPTION"])


def test_event_page_and_its_ics_are_public_but_drafts_answer_404(client):
    published = make_event()
    draft = make_event(status=EventStatus.DRAFT)
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200
    assert published.purpose in page.content.decode()
    ics = client.get(f"/events/{published.slug}/event.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert str(_events(ics.content)[0]["SUMMARY"]) == published.title
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/events/{draft.slug}/event.ics").status_code == 404


def test_a_feed_written_again_reuses_unchanged_entries_and_shows_every_change():
    """Entries are kept once written; a changed title (even saved without the services) shows at once, and
    the calendar still reads back whole: every event, its time zone, nothing twice."""
    events = [make_event(title=f"Data jam {n}") for n in range(3)]
    first = build_calendar(events, name="Events")
    assert build_calendar(events, name="Events") == first
    events[1].title = "Data jam, renamed"
    events[1].save()
    entries = _events(build_calendar(events, name="Events"))
    assert [str(e["SUMMARY"]) for e in entries] == ["Data jam 0", "Data jam, renamed", "Data jam 2"]
    calendar = Calendar.from_ical(build_calendar(events, name="Events"))
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert str(calendar["X-WR-CALNAME"]) == "Events"


def test_a_feed_is_answered_from_its_kept_copy_until_anything_it_shows_changes(client):
    """`/events/feed.ics` twice gives the kept bytes; a renamed organiser or a cancelled event shows at once."""
    events = [make_event(status=EventStatus.PUBLISHED, title=f"Data walk {n}") for n in range(2)]
    first = client.get("/events/feed.ics").content
    assert client.get("/events/feed.ics").content == first
    organization = events[0].organization
    organization.name = "Parks and Trees"
    organization.save()
    entries = _events(client.get("/events/feed.ics").content)
    assert {str(e["ORGANIZER"].params["CN"]) for e in entries if str(e["SUMMARY"]) == "Data walk 0"} == {
        "Parks and Trees"
    }
    events[1].status = EventStatus.CANCELLED
    events[1].save()
    entries = {str(e["SUMMARY"]): str(e["STATUS"]) for e in _events(client.get("/events/feed.ics").content)}
    assert entries == {"Data walk 0": "CONFIRMED", "Data walk 1": "CANCELLED"}
