"""Benchmark: the public events pages over HTTP on a production-like `civicdata serve` (gunicorn gthread,
CIVICDATA_ENV=production, SQLite in a scratch folder) holding 2,000 events and 200,000 registrations: the
events list (upcoming, past, filtered, a later page), event pages, one event's .ics and the calendar feed
of all 2,000 events. Each is asked by a few concurrent clients for a fixed time; every answer must be 200
and the feed must hold every event (checked).

Targets (issue 13): list and event page p95 under 150 ms; the feed of 2,000 events under 300 ms.
Clients are threads of this process sharing the machine's cores with the server, so figures are a floor.

Run: .venv/bin/python bench/events_pages.py [--events 2000] [--registrations 200000] [--clients 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import time

from _common import arguments, check, header, write_section
from _site import Answer, civicdata, measure_endpoints, scratch_site, serving

SECTION = "Events pages over HTTP"

SETUP = """
import datetime as dt, json
from django.utils import timezone
from civicdata.accounts.models import Organization
from civicdata.events.models import Event, EventPlan, EventStatus, EventType, Registration, RegistrationStatus
from civicdata.events.services.registrations import new_check_in_code

events_wanted, per_event = {events}, {per_event}
orgs = [Organization.objects.create(name=f"Department {{n}}", slug=f"bench-dept-{{n}}", kind="publisher",
                                    org_type="department") for n in range(10)]
now = timezone.now().replace(second=0, microsecond=0)
types = list(EventType.values)
rows = []
for n in range(events_wanted):
    days = (n // 2) % 700 + 1
    starts = now + dt.timedelta(days=days if n % 2 else -days, hours=n % 9)
    rows.append(Event(organization=orgs[n % 10], event_type=types[n % len(types)], title=f"Community event {{n}}",
                      slug=f"community-event-{{n}}", purpose="Residents and staff work with public data together. " * 3,
                      description="A day with the data team.",
                      status=EventStatus.PUBLISHED if n % 2 else EventStatus.COMPLETED,
                      starts_at=starts, ends_at=starts + dt.timedelta(hours=3), time_zone="America/New_York",
                      venue_name=f"Branch library {{n % 25}}", address="100 Harbor Street", capacity=per_event + 20))
events = Event.objects.bulk_create(rows, batch_size=1000)
EventPlan.objects.bulk_create([EventPlan(event=e, topic=("housing", "transit", "budget")[e.pk % 3],
                                         mission_goal="Everyone can use city data.") for e in events], batch_size=1000)
batch = []
for event in events:
    held = event.status == EventStatus.COMPLETED
    for k in range(per_event):
        batch.append(Registration(event=event, name=f"Person {{k}}", email=f"p{{k}}-{{event.pk}}@example.org",
                                  status=RegistrationStatus.REGISTERED, check_in_code=new_check_in_code(),
                                  checked_in_at=event.starts_at if held and k % 3 else None,
                                  created_at=now, updated_at=now))
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
Registration.objects.bulk_create(batch)
print(json.dumps({{"upcoming": [e.slug for e in events if e.status == EventStatus.PUBLISHED][:5],
                  "past": [e.slug for e in events if e.status == EventStatus.COMPLETED][:5],
                  "registrations": Registration.objects.count(), "events": Event.objects.count()}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint (4 endpoints)")
    args = arguments(parser)
    if args.smoke:
        args.events, args.registrations, args.clients, args.seconds = 40, 400, 2, 1.0
    per_event = max(args.registrations // args.events, 1)
    with scratch_site("events-pages-") as (work, env):
        started = time.perf_counter()
        out = civicdata(env, "shell", stdin=SETUP.format(events=args.events, per_event=per_event), timeout=3600)
        setup = json.loads(out.strip().splitlines()[-1])
        load_seconds = time.perf_counter() - started
        check(setup["events"] == args.events, f"{args.events} events wanted, {setup['events']} stored")
        check(setup["registrations"] == per_event * args.events, f"registrations: {setup['registrations']}")
        slugs = setup["upcoming"] + setup["past"]
        endpoints = {
            "events list `/events/` (upcoming, past, filtered, page 5)": [
                "/events/",
                "/events/?when=past",
                "/events/?type=hackathon&org=bench-dept-3",
                "/events/?when=past&topic=housing&page=2" if args.smoke else "/events/?when=past&page=5",
            ],
            "event page `/events/<slug>/`": [f"/events/{slug}/" for slug in slugs],
            "one event `/events/<slug>/event.ics`": [f"/events/{slug}/event.ics" for slug in slugs],
            f"feed of all {args.events:,} events `/events/feed.ics`": ["/events/feed.ics"],
        }

        def inspect(path: str, answer: Answer) -> None:
            if path == "/events/feed.ics":
                found = answer.body.count(b"BEGIN:VEVENT")
                check(found == args.events, f"the feed holds {found} events of {args.events}")
            elif path.startswith("/events/") and not path.endswith(".ics") and "?" not in path:
                check(b"application/ld+json" in answer.body or path == "/events/", f"{path}: no JSON-LD")

        with serving(env, log=work / "serve.log") as site:
            rows = measure_endpoints(site, endpoints, clients=args.clients, seconds=args.seconds, inspect=inspect)
    p95 = {row[0]: row[4] for row in rows}
    labels = list(endpoints)
    pages_met = max(p95[labels[0]], p95[labels[1]]) < 0.150
    feed_met = p95[labels[3]] < 0.300
    lines = [
        f"## {SECTION}",
        "",
        header(
            "events_pages.py",
            "`civicdata serve` defaults (gunicorn gthread), CIVICDATA_ENV=production on SQLite; "
            f"{args.clients} client threads on the same machine",
        ),
        "",
        (
            f"{args.events:,} events (half upcoming, half held; 10 organisations) and {per_event * args.events:,} "
            f"registrations ({per_event} an event), loaded in {load_seconds:.0f} s. Each row: {args.clients} "
            f"clients for {args.seconds:.0f} s, each on a keep-alive connection, asking the next address as soon "
            "as the last answer arrived. Every answer was 200 and the feed held every event (checked)."
        ),
        "",
        "| endpoint | requests | requests/s | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
        *[
            f"| {label} | {n:,} | {rate:.0f} | {p50 * 1000:.0f} | {p * 1000:.0f} |"
            for label, n, rate, p50, p, _p99 in rows
        ],
        "",
        (
            f"Targets (issue 13): list and event page p95 under 150 ms — {'met' if pages_met else 'NOT met'}; "
            f"the feed of 2,000 events under 300 ms — {'met' if feed_met else 'NOT met'}."
        ),
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
