"""Demo data for the demand app: requests in every status with votes and comments, an imported
FOIA log and 311 log (small real samples), zero-result searches, and computed topics."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.utils import timezone

from civicdata.demand import queries, services

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"

REQUESTS = [
    # (title, description, intended use, requester type, department slug, topic)
    (
        "Bike lane counts by street",
        "Hourly counts of people cycling on each protected bike lane, since 2019.",
        "Show which new lanes are used and where gaps remain.",
        "civic_technologist",
        "transportation",
        "Transportation",
    ),
    (
        "Street tree inventory",
        "Location, species and condition of every street tree.",
        "Plan volunteer watering in summer.",
        "nonprofit",
        "public-works",
        "Environment",
    ),
    (
        "Restaurant inspection results",
        "Inspection dates, scores and violations for every food business.",
        "A map for residents choosing where to eat.",
        "journalist",
        "health",
        "Health",
    ),
    (
        "Eviction filings by neighborhood",
        "Monthly counts of eviction filings, by neighborhood, without names.",
        "Research on housing stability.",
        "researcher",
        "housing",
        "Housing",
    ),
    (
        "Pothole repair times",
        "When each pothole was reported and when it was fixed.",
        "Compare repair times across districts.",
        "resident",
        "public-works",
        "Streets",
    ),
    (
        "Police use of force incidents",
        "Incident-level data on use of force, with officer names removed.",
        "Community oversight board reports.",
        "nonprofit",
        "police",
        "Public safety",
    ),
    (
        "City budget by program",
        "Adopted and actual spending by program and year.",
        "Budget workshops at the library.",
        "librarian",
        "budget",
        "Budget",
    ),
    (
        "Traffic signal timing plans",
        "Signal timing for downtown intersections.",
        "Evaluate bus priority.",
        "civic_technologist",
        "traffic-ops",
        "Transportation",
    ),
    (
        "Affordable housing units",
        "Location and income limits of affordable housing units.",
        "Help families find housing.",
        "nonprofit",
        "housing",
        "Housing",
    ),
    (
        "Datos de calidad del aire por barrio",
        "Mediciones diarias de calidad del aire en cada barrio.",
        "Informar a las familias con asma.",
        "resident",
        "health",
        "Environment",
    ),
    (
        "Bicycle parking racks",
        "Where the city installed bike racks and how many spaces each has.",
        "A cycling map.",
        "resident",
        "transportation",
        "Transportation",
    ),
    (
        "Building permits issued",
        "Permits with address, type, value and dates.",
        "Track construction in my neighborhood.",
        "business",
        "housing",
        "Housing",
    ),
    # A duplicate of the first request, merged into it below.
    (
        "Counts of cyclists per bike lane",
        "How many people ride each bike lane, per hour if possible.",
        "Advocacy for safer streets.",
        "resident",
        "transportation",
        "Transportation",
    ),
]

COMMENTS = [
    "This would help our neighborhood association a lot.",
    "Please include data from before 2020 if you have it.",
    "Same need here: we keep filing public records requests for this.",
    "A CSV would be perfect; an API even better.",
]

SEARCHES = [
    "bike lanes",
    "tree canopy",
    "eviction",
    "noise complaints",
    "calidad del aire",
    "parking tickets",
    "graffiti",
    "noise complaints",
    "short term rentals",
]


def _people() -> tuple[list[Any], Any]:
    from civicdata.accounts.models import User

    residents = list(User.objects.filter(email__startswith="resident").order_by("email"))
    staff = (
        User.objects.filter(is_staff=True).order_by("pk").first()
        or User.objects.filter(email="staff@example.org").first()
    )
    return residents, staff


def load(rng: random.Random, stdout: Any) -> None:
    """Create the demand demo on top of the accounts (and, if present, catalog) demo."""
    from civicdata.accounts.models import Organization
    from civicdata.catalog.models import Dataset

    residents, staff = _people()
    if not residents or staff is None:
        stdout.write("demand demo: no demo people found; load the accounts demo first.")
        return
    organizations = {org.slug: org for org in Organization.objects.all()}
    created = []
    for index, (title, description, use, rtype, dept, topic) in enumerate(REQUESTS):
        requester = residents[index % len(residents)]
        request = services.create_request(
            by=staff if index % 5 == 4 else requester,
            title=title,
            description=description,
            intended_use=use,
            requester_type=rtype,
            publisher=organizations.get(dept),
            topic=topic,
        )
        for voter in rng.sample(residents, k=rng.randint(1, min(18, len(residents)))):
            services.vote(request, by=voter)
        for body in rng.sample(COMMENTS, k=rng.randint(0, 2)):
            services.add_comment(request, by=rng.choice(residents), body=body)
        created.append(request)

    # Walk requests through every status (new ones stay new).
    services.merge_requests(created[12], into=created[0], by=staff, message="Same request as “Bike lane counts”.")
    services.change_status(
        created[1], by=staff, to_status="under_review", message="We are checking with the department."
    )
    services.change_status(
        created[2],
        by=staff,
        to_status="planned",
        target_date=timezone.localdate() + dt.timedelta(days=45),
        message="Planned for the next release.",
    )
    services.add_comment(created[2], by=staff, body="The health department will publish this with the next release.")
    services.change_status(
        created[5],
        by=staff,
        to_status="declined",
        decline_reason="cannot_release_privacy",
        message="Incident data would identify people; we will publish yearly totals instead.",
    )
    services.change_status(
        created[7],
        by=staff,
        to_status="declined",
        decline_reason="other",
        decline_note="Signal timing plans are managed by the state.",
    )
    candidates = queries.matching_datasets(f"{created[0].title} bike lane")
    dataset = candidates[0] if candidates else Dataset.objects.filter(is_published=True).order_by("pk").first()
    if dataset is not None:
        services.change_status(
            created[0], by=staff, to_status="published", datasets=[dataset], message="The data is now in the catalog."
        )
    else:
        stdout.write("demand demo: no published dataset, so no request is shown as published.")
    services.assign_request(created[3], by=staff, publisher=organizations.get("housing"), owner=staff)
    services.add_internal_note(created[3], by=staff, body="Court data: check with the clerk about sharing terms.")

    for query in SEARCHES:
        for _repeat in range(rng.randint(1, 5)):
            services.record_zero_result_search(query=query)

    for path, kind, source in (
        (DEMO_DATA / "foia-usda-aphis-2010-2015-sample.csv", "foia", "USDA APHIS FOIA logs 2010–2015 (sample)"),
        (DEMO_DATA / "311-la-2020-sample.csv", "311", "Los Angeles MyLA311 service requests 2020 (sample)"),
    ):
        done = services.import_log_file(by=None, kind=kind, source=source, filename=path.name, data=path.read_bytes())
        stdout.write(f"demand demo: imported {done.imported_rows} rows from {path.name}")
    snapshot = services.compute_topics()
    stdout.write(f"demand demo: {len(created)} requests, {snapshot.k} demand topics")
