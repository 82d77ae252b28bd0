"""Capacity holds under concurrent registration: many people registering at once, each on their own
database connection (one thread each), never take more seats than there are, and the waiting list keeps
the order in which people got their place.

On PostgreSQL the threads really race: the row lock on the event (`select_for_update`) is what queues
them, and the last test proves registration waits for that lock. SQLite has one writer at a time, so the
same tests run there with the threads queued on the process lock of `seat_transaction`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections, connection, connections, transaction

from civicdata.events import services
from civicdata.events.models import Event, Registration, RegistrationStatus
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 8
SEAT_HOLDING = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)


def _at_once(count: int, work: Callable[[int], Any]) -> list[BaseException]:
    """Run `work(n)` for n in range(count) on WORKERS threads, the first WORKERS released together;
    returns the errors raised (none expected)."""
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            if n < WORKERS:
                start.wait(timeout=60)
            work(n)
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(one, range(count)))
    close_old_connections()
    return errors


def _register_many(event: Event, count: int, prefix: str = "p") -> list[BaseException]:
    return _at_once(
        count,
        lambda n: services.register(
            event, name=f"Person {n}", email=f"{prefix}{n}@example.org", accepted_code_of_conduct=True, notify=False
        ),
    )


def _rows(event: Event) -> list[Registration]:
    return list(Registration.objects.filter(event=event).order_by("id"))


def _assert_waiting_list_in_joining_order(event: Event) -> None:
    """The waiting list (ordered by the time a place was given, then id) is the order in which places
    were given (the ids, handed out under the lock)."""
    waiting = [r for r in _rows(event) if r.status == RegistrationStatus.WAITLISTED]
    assert [r.pk for r in sorted(waiting, key=lambda r: (r.created_at, r.pk))] == [r.pk for r in waiting]


def test_three_hundred_registrations_for_one_hundred_seats():
    event = make_event(capacity=100)
    assert _register_many(event, 300) == []
    rows = _rows(event)
    statuses = [r.status for r in rows]
    assert statuses.count(RegistrationStatus.REGISTERED) == 100
    assert statuses.count(RegistrationStatus.WAITLISTED) == 200
    # Nobody waits who got through before someone with a seat.
    assert max(r.pk for r in rows[:100]) < min(r.pk for r in rows[100:])
    assert all(r.status == RegistrationStatus.REGISTERED for r in rows[:100])
    _assert_waiting_list_in_joining_order(event)


def test_a_crowd_for_the_last_seats_fills_them_exactly_and_queues_the_rest_in_order():
    event = make_event(capacity=50)
    assert _register_many(event, 47, prefix="early") == []
    assert _register_many(event, 60, prefix="late") == []
    rows = _rows(event)
    late = [r for r in rows if r.email.startswith("late")]
    assert sum(r.status == RegistrationStatus.REGISTERED for r in rows) == 50
    assert [r.status for r in late].count(RegistrationStatus.REGISTERED) == 3
    # The three who got the last seats are the first three of the crowd to get through.
    assert all(r.status == RegistrationStatus.REGISTERED for r in late[:3])
    assert all(r.status == RegistrationStatus.WAITLISTED for r in late[3:])
    _assert_waiting_list_in_joining_order(event)


def test_seats_freed_at_once_are_offered_to_the_first_in_line_and_never_overbooked():
    event = make_event(capacity=20)
    assert _register_many(event, 40) == []
    seated = [r for r in _rows(event) if r.status == RegistrationStatus.REGISTERED]
    first_waiting = [r.pk for r in _rows(event) if r.status == RegistrationStatus.WAITLISTED][:6]

    def churn(n: int) -> None:
        if n < 6:
            services.cancel_registration(seated[n], notify=False)
        else:  # newcomers arrive while the seats are freed: they join the end of the line
            services.register(
                event, name=f"New {n}", email=f"new{n}@example.org", accepted_code_of_conduct=True, notify=False
            )

    assert _at_once(16, churn) == []
    rows = _rows(event)
    assert sum(r.status in SEAT_HOLDING for r in rows) == 20
    offered = [r.pk for r in rows if r.status == RegistrationStatus.OFFERED]
    assert offered == first_waiting
    newcomers = [r for r in rows if r.email.startswith("new")]
    assert len(newcomers) == 10
    assert all(r.status == RegistrationStatus.WAITLISTED for r in newcomers)
    _assert_waiting_list_in_joining_order(event)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite has no row locks (one writer at a time, which the tests above cover)",
)
def test_registration_waits_for_the_lock_on_the_event_row():
    """While another connection holds the event row, a registration cannot count seats: with a short
    lock timeout it gives up rather than reading a count that may be about to change."""
    event = make_event(capacity=5)
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        with pytest.raises(OperationalError, match="lock"):
            services.register(event, name="Waits", email="waits@example.org", accepted_code_of_conduct=True)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        holder.join(timeout=60)
    registration = services.register(event, name="Waits", email="waits@example.org", accepted_code_of_conduct=True)
    assert registration.status == RegistrationStatus.REGISTERED
