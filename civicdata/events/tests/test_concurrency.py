"""Capacity holds under concurrent registration: 300 people registering at once for 100 seats, each on
its own database connection, end with exactly 100 seats taken and 200 people waiting, in order."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connections

from civicdata.events import services
from civicdata.events.models import RegistrationStatus
from civicdata.events.tests.factories import make_event


@pytest.mark.django_db(transaction=True)
def test_three_hundred_registrations_for_one_hundred_seats():
    event = make_event(capacity=100)
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            if n < 8:
                start.wait(timeout=30)
            services.register(event, name=f"Person {n}", email=f"p{n}@example.org", accepted_code_of_conduct=True)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(register, range(300)))
    close_old_connections()
    assert errors == []
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.REGISTERED) == 100
    assert statuses.count(RegistrationStatus.WAITLISTED) == 200
