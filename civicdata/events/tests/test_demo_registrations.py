"""The demo fills published events: a full upcoming event with one pending offer, topics with votes and a
survey; past events with check-ins, walk-ins and feedback from the web and from paper cards."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core import mail
from django.utils import timezone

from civicdata.events.demo_registrations import add_demo_registrations
from civicdata.events.models import FeedbackSource, RegistrationStatus
from civicdata.events.tests.attendee_factories import make_user
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_demo_registrations_fill_upcoming_and_past_events():
    make_user("staff-demo@example.org", is_staff=True)
    upcoming = make_event(capacity=6)
    start = timezone.now() - dt.timedelta(days=20)
    past = make_event(starts_at=start, ends_at=start + dt.timedelta(hours=4), capacity=None)
    add_demo_registrations(random.Random(7), io.StringIO())
    statuses = list(upcoming.registrations.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.REGISTERED) == 5
    assert statuses.count(RegistrationStatus.OFFERED) == 1
    assert statuses.count(RegistrationStatus.WAITLISTED) == 6
    assert upcoming.agenda_topics.filter(vote_count__gte=3).count() == 4
    assert upcoming.survey_responses.exists()
    assert past.registrations.filter(checked_in_at__isnull=False).count() >= 20
    assert past.registrations.filter(walk_in=True).count() == 3
    assert past.feedback.filter(source=FeedbackSource.PAPER).count() == 6
    assert past.feedback.filter(source=FeedbackSource.ONLINE).count() == 12
    assert mail.outbox == []
    # Running it again adds nothing.
    add_demo_registrations(random.Random(7), io.StringIO())
    assert upcoming.registrations.count() == 13
