"""Benchmark: checking in one attendee at the door of an event with 200,000 registrations, through the
organisers' page (one POST, as the phone sends it) and through the service alone. Target: p95 under 100 ms.

Uses PostgreSQL when DATABASE_URL points to one, SQLite (in a scratch folder) otherwise.
Run: .venv/bin/python bench/events_checkin.py [--registrations 200000] [--checkins 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from _common import arguments, check, header, write_section
from _demand import setup_django


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--checkins", type=int, default=300)
    args = arguments(parser)
    if args.smoke:
        args.registrations, args.checkins = 2_000, 20
    database = setup_django()
    from django.test import Client
    from django.utils import timezone

    from civicdata.accounts.models import Organization, User
    from civicdata.events import services
    from civicdata.events.models import Event, EventStatus, EventType, Registration, RegistrationStatus
    from civicdata.events.services.registrations import new_check_in_code

    stamp = time.time_ns()
    org = Organization.objects.create(name=f"Bench {stamp}", slug=f"bench-{stamp}", kind="publisher",
                                      org_type="department")  # fmt: skip
    organiser = User.objects.create_user(f"organiser-{stamp}@example.org", "x" * 12, is_staff=True)
    starts = timezone.now() + dt.timedelta(days=3)
    event = Event.objects.create(
        organization=org, event_type=EventType.DATAPALOOZA, title="Big datapalooza", slug=f"big-{stamp}",
        purpose="Benchmark", status=EventStatus.PUBLISHED, starts_at=starts, ends_at=starts + dt.timedelta(hours=8),
    )  # fmt: skip
    started = time.perf_counter()
    batch = []
    now = timezone.now()
    for number in range(args.registrations):
        batch.append(Registration(event=event, name=f"Person {number}", email=f"p{number}-{stamp}@example.org",
                                  status=RegistrationStatus.REGISTERED, check_in_code=new_check_in_code(),
                                  created_at=now, updated_at=now))  # fmt: skip
        if len(batch) == 5_000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    load = time.perf_counter() - started

    rng = random.Random(42)
    ids = list(Registration.objects.filter(event=event).values_list("pk", flat=True))
    chosen = rng.sample(ids, args.checkins * 2)
    client = Client()
    client.force_login(organiser)
    client.get(f"/events/{event.slug}/door/")  # warm up: imports, URL map and templates load once
    page_times: list[float] = []
    for pk in chosen[: args.checkins]:
        t0 = time.perf_counter()
        response = client.post(f"/events/{event.slug}/door/{pk}/check-in/")
        page_times.append(time.perf_counter() - t0)
        check(response.status_code == 302, f"check-in answered {response.status_code}")
    service_times: list[float] = []
    for registration in Registration.objects.filter(pk__in=chosen[args.checkins :]):
        t0 = time.perf_counter()
        services.check_in(registration, by=organiser)
        service_times.append(time.perf_counter() - t0)
    arrived = Registration.objects.filter(event=event, checked_in_at__isnull=False).count()
    check(arrived == args.checkins * 2, f"{args.checkins * 2} check-ins expected, found {arrived}")
    page_p95, service_p95 = _p95(page_times), _p95(service_times)
    met = page_p95 < 100
    print(
        f"{database}: {args.registrations:,} registrations loaded in {load:.1f} s; check-in page p50 "
        f"{statistics.median(page_times) * 1000:.1f} ms p95 {page_p95:.1f} ms; service p95 {service_p95:.1f} ms"
    )
    if args.no_write:
        return
    write_section(
        f"Events check-in-{database.lower()}",
        f"""## Events: check-in at the door ({database})

{header("events_checkin.py", database)}

One event with {args.registrations:,} registrations; {args.checkins} attendees checked in through the
organisers' page (one POST each, followed by nothing: the redirect is not fetched) and {args.checkins}
through the service alone.

| path | p50 | p95 |
|---|---|---|
| POST `/events/<slug>/door/<id>/check-in/` | {statistics.median(page_times) * 1000:.1f} ms | {page_p95:.1f} ms |
| `services.check_in` | {statistics.median(service_times) * 1000:.1f} ms | {service_p95:.1f} ms |

Target: check-in of one attendee under 100 ms — {"met" if met else "NOT met"}. A check-in is one conditional
UPDATE by primary key after one permission check.""",
    )


if __name__ == "__main__":
    main()
