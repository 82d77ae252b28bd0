"""Registration: seats, the waiting list, offers of freed seats that expire, cancellation, e-mails."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput
from civicdata.events import services
from civicdata.events.models import CancelReason, Demographics, EventStatus, Registration, RegistrationStatus
from civicdata.events.tests.attendee_factories import make_user, register_guest
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_seats_then_waiting_list_in_order(django_capture_on_commit_callbacks):
    """Past the capacity people join the waiting list in the order they came."""
    event = make_event(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        people = [register_guest(event, name=f"P{i}") for i in range(4)]
    assert [p.status for p in people] == ["registered", "registered", "waitlisted", "waitlisted"]


def test_freed_seat_is_offered_to_the_next_person_not_booked(settings, django_capture_on_commit_callbacks):
    """A cancellation offers the seat to the first person waiting, by e-mail, for EVENTS_OFFER_HOURS."""
    settings.EVENTS_OFFER_HOURS = 6
    event = make_event(capacity=1)
    first = register_guest(event)
    second = register_guest(event)
    third = register_guest(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RegistrationStatus.OFFERED
    assert third.status == RegistrationStatus.WAITLISTED
    assert timezone.now() + dt.timedelta(hours=5) < second.offer_expires_at <= timezone.now() + dt.timedelta(hours=6)
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert f"/ticket/{second.check_in_code}/" in mail.outbox[0].body
    # A newcomer cannot jump the queue while the seat is offered.
    assert register_guest(event).status == RegistrationStatus.WAITLISTED


def test_accept_and_decline_an_offer():
    event = make_event(capacity=1)
    first, second, third = register_guest(event), register_guest(event), register_guest(event)
    services.cancel_registration(first)
    services.decline_offer(Registration.objects.get(pk=second.pk))
    second.refresh_from_db()
    assert (second.status, second.cancel_reason) == ("cancelled", CancelReason.DECLINED)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.OFFERED
    assert services.accept_offer(third).status == RegistrationStatus.REGISTERED
    with pytest.raises(Conflict):
        services.decline_offer(Registration.objects.get(pk=third.pk))


def test_expired_offer_passes_to_the_next_person():
    event = make_event(capacity=1)
    first, second, third = register_guest(event), register_guest(event), register_guest(event)
    services.cancel_registration(first)
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(Conflict):
        services.accept_offer(Registration.objects.get(pk=second.pk), now=later)
    assert services.expire_offers(now=later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.cancel_reason) == ("cancelled", CancelReason.OFFER_EXPIRED)
    assert third.status == RegistrationStatus.OFFERED
    assert services.expire_offers(now=timezone.now()) == 0


def test_the_periodic_task_is_registered_and_runs():
    from civicdata.core.schedule import periodic_tasks
    from civicdata.events.tasks import expire_registration_offers

    assert "civicdata.events.tasks.expire_registration_offers" in periodic_tasks()
    assert expire_registration_offers.call(reschedule=False) == 0


def test_double_registration_is_a_conflict_for_accounts_and_e_mails():
    event = make_event(capacity=10)
    person = make_user()
    services.register(event, user=person, accepted_code_of_conduct=True)
    with pytest.raises(Conflict):
        services.register(event, user=person, accepted_code_of_conduct=True)
    register_guest(event, email="Same@Example.org")
    with pytest.raises(Conflict):
        register_guest(event, email="same@example.org")
    assert event.registrations.count() == 2


def test_code_of_conduct_and_guest_details_are_required():
    event = make_event()
    with pytest.raises(InvalidInput) as refused:
        services.register(event, name="", email="nope", accepted_code_of_conduct=False)
    fields = {d["field"] for d in refused.value.details}
    assert fields == {"name", "email", "code_of_conduct"}
    assert not event.registrations.exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"status": EventStatus.DRAFT}, "not open"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"registration_open": False}, "closed"),
    ],
)
def test_closed_events_refuse_registration(fields, reason):
    event = make_event(**fields)
    with pytest.raises(ActionRefused, match=reason):
        register_guest(event)


def test_past_events_refuse_registration():
    start = timezone.now() - dt.timedelta(days=2)
    event = make_event(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    with pytest.raises(ActionRefused, match="taken place"):
        register_guest(event)


def test_demographics_stored_apart_only_with_answers():
    event = make_event()
    with_answers = register_guest(event, demographics={"role": "journalist", "sector": "bogus", "first_time": True})
    register_guest(event, demographics=None)
    stored = Demographics.objects.get()
    assert stored.registration == with_answers
    assert (stored.role, stored.sector, stored.first_time) == ("journalist", "", True)


def test_confirmation_in_the_registrants_language_with_the_calendar_entry(django_capture_on_commit_callbacks):
    """The e-mail is written in the language the person registered in and carries the event's .ics."""
    event = make_event(title="Día de datos; abiertos\nlínea", capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_guest(event, language="es")
    message = mail.outbox[-1]
    assert "Tiene plaza" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    entry = next(iter(calendar.walk("VEVENT")))
    assert str(entry["summary"]) == "Día de datos; abiertos\nlínea"
    assert str(entry["uid"]).startswith(str(event.uid))
    assert registration.check_in_code in message.body


def test_waitlisted_e_mail_has_no_calendar_entry(django_capture_on_commit_callbacks):
    event = make_event(capacity=0)
    with django_capture_on_commit_callbacks(execute=True):
        register_guest(event)
    assert mail.outbox[-1].attachments == []
    assert "waiting list" in mail.outbox[-1].subject


def test_a_signed_in_person_gets_their_account_language(django_capture_on_commit_callbacks):
    event = make_event()
    person = make_user(language="es", display_name="Nguyễn Thị Hương")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(event, user=person, accepted_code_of_conduct=True)
    assert registration.name == "Nguyễn Thị Hương"
    assert registration.email == person.email
    assert "Hola" in mail.outbox[-1].body


def test_cancelling_twice_changes_nothing_and_checked_in_people_cannot_cancel():
    event = make_event()
    registration = register_guest(event)
    services.cancel_registration(registration)
    assert services.cancel_registration(registration).status == RegistrationStatus.CANCELLED
    other = register_guest(event)
    Registration.objects.filter(pk=other.pk).update(checked_in_at=timezone.now())
    with pytest.raises(Conflict):
        services.cancel_registration(other)
