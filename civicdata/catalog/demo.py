"""Demo catalog for the fictional city of Port Alder: about fifty datasets across the city's publishers,
of every access level, a few deliberately invalid (so the dashboard has something to show), usage notes,
a fortnight of dashboard history and one harvest source that works offline (a file in demo_data/)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from civicdata.accounts.models import Organization, User
from civicdata.catalog import services
from civicdata.catalog.forms import publisher_object
from civicdata.catalog.models import Dataset, HarvestKind, HarvestSchedule, HarvestSource, PublisherSnapshot

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "health-department.data.json"
BASE = "https://data.port-alder.example"
BBOX = "-122.52,37.70,-122.35,37.83"

# One dataset per line: publisher slug | title | keywords | theme | frequency | formats | access level.
DATASET_TABLE = """
transportation | Parking meter locations | parking, meters | Transportation | R/P1M | CSV GeoJSON | public
transportation | Parking citations | parking, citations | Transportation | R/P1W | CSV | public
transportation | Bus stop inventory | transit, bus stops | Transportation | R/P3M | CSV GeoJSON | public
transportation | Bike lane network | bicycles, bike lanes | Transportation | R/P6M | GeoJSON | public
transportation | Sidewalk condition survey | sidewalks, accessibility | Transportation | R/P1Y | CSV | public
transportation | Snow plow routes | snow, winter | Transportation | irregular | GeoJSON | public
traffic-ops | Traffic counts | traffic, counts | Transportation | R/P1D | CSV API | public
traffic-ops | Traffic signal locations | signals, intersections | Transportation | R/P3M | CSV | public
traffic-ops | Traffic crashes | crashes, vision zero | Public safety | R/P1W | CSV | public
traffic-ops | Speed camera enforcement (raw plate reads) | speed, cameras | Public safety | R/P1D |  | non-public
police | Crime incidents | crime, incidents | Public safety | R/P1D | CSV API | public
police | Calls for service | 911, calls | Public safety | R/P1D | CSV | public
police | Use of force reports | use of force, accountability | Public safety | R/P3M | CSV | public
police | Officer complaints (summary) | complaints, accountability | Public safety | R/P1Y | PDF | restricted public
police | Case management records | cases, investigations | Public safety | R/P1D |  | non-public
police | Stop data | stops, racial equity | Public safety | R/P3M | CSV | public
public-works | Street trees | trees, urban forest | Environment | R/P1M | CSV GeoJSON | public
public-works | Pothole repairs | potholes, streets | Infrastructure | R/P1W | CSV | public
public-works | 311 service requests | 311, service requests | City services | R/P1D | CSV API | public
public-works | Trash and recycling collection days | trash, recycling | City services | R/P1Y | CSV | public
public-works | Storm drain inventory | storm drains, water | Infrastructure | R/P1Y | GeoJSON | public
public-works | Fleet fuel use | fleet, fuel | Environment | R/P1M | XLSX | public
public-works | Street light outages | street lights, outages | Infrastructure | R/P1D | CSV | public
housing | Building permits | permits, construction | Housing | R/P1D | CSV API | public
housing | Affordable housing units | affordable housing, units | Housing | R/P3M | CSV | public
housing | Code enforcement cases | code enforcement, inspections | Housing | R/P1W | CSV | public
housing | Rental registry | rentals, landlords | Housing | R/P1M | CSV | restricted public
housing | Eviction filings (aggregated) | evictions, courts | Housing | R/P1M | CSV | public
housing | Housing voucher recipients | vouchers, benefits | Housing | R/P1M |  | non-public
housing | Vacant property registry | vacant, blight | Housing | R/P3M | CSV | public
health | Food pantry locations | food, pantries | Health | irregular | CSV | public
health | Heat emergency cooling centres | heat, cooling centres | Health | R/P1Y | CSV | public
health | Patient encounter records | patients, clinics | Health | R/P1D |  | non-public
health | Mosquito surveillance | mosquitoes, west nile | Health | R/P1W | CSV | public
budget | Adopted operating budget | budget, finance | Finance | R/P1Y | CSV XLSX | public
budget | Checkbook: city payments | payments, spending | Finance | R/P1M | CSV | public
budget | City contracts | contracts, procurement | Finance | R/P1M | CSV | public
budget | Employee salaries | salaries, payroll | Finance | R/P1Y | CSV | public
budget | Capital projects | capital, infrastructure | Finance | R/P3M | CSV | public
budget | Property tax assessments | property, taxes | Finance | R/P1Y | CSV | public
budget | Vendor bank details | vendors, payments | Finance | R/P1M |  | non-public
city | City council votes | council, votes | Government | R/P1W | CSV API | public
city | Public meeting calendar | meetings, agendas | Government | R/P1D | API | public
city | Boards and commissions membership | boards, commissions | Government | R/P3M | CSV | public
city | Neighbourhood boundaries | neighbourhoods, boundaries | Government | irregular | GeoJSON | public
city | Public records request log | foia, public records | Government | R/P1M | CSV | public
city | Election results | elections, results | Government | irregular | CSV | public
city | Language access requests | language access, interpretation | Government | R/P3M | CSV | restricted public
"""


def _rows() -> list[tuple[str, str, list[str], str, str, tuple[str, ...], str]]:
    rows = []
    for line in DATASET_TABLE.strip().splitlines():
        slug, title, keywords, theme, periodicity, formats, level = (part.strip() for part in line.split("|"))
        rows.append(
            (slug, title, [k.strip() for k in keywords.split(",")], theme, periodicity, tuple(formats.split()), level)
        )
    return rows


DATASETS = _rows()
MEDIA_TYPES = {"CSV": "text/csv", "GeoJSON": "application/geo+json", "XLSX": "application/vnd.ms-excel"}
# Deliberately broken entries, so the dashboard shows what it looks for (title → what is wrong).
BROKEN = {
    "Snow plow routes": "no_description",
    "Fleet fuel use": "bad_email",
    "Vacant property registry": "no_keywords",
    "Mosquito surveillance": "stale",
    "Election results": "no_license",
}
NOTES = (
    ("Street trees", "Plan a shade walk", "Join with **Neighbourhood boundaries** to compare canopy per resident."),
    ("Traffic counts", "Before-and-after studies", "Counts exist for the same locations every year; compare them."),
    ("Building permits", "Track new housing", "Filter `permit_type` for *new construction* and sum `units`."),
)


def _dataset(rng: random.Random, number: int, publisher: Organization, row: tuple[Any, ...]) -> dict[str, Any]:
    _slug, title, keywords, theme, periodicity, formats, level = row
    stem = title.lower().replace(" ", "-").replace(":", "").replace("(", "").replace(")", "")
    modified = (timezone.now() - timedelta(days=rng.randint(1, 40))).date().isoformat()
    data: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "title": title,
        "description": f"{title} published by the {publisher.name} of Port Alder. "
        "Column definitions are in the data dictionary; contact the data team with questions.",
        "keyword": list(keywords),
        "modified": modified,
        "publisher": publisher_object(publisher),
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": f"{publisher.name} data team",
            "hasEmail": f"mailto:data-{publisher.slug}@port-alder.example",
        },
        "identifier": f"{BASE}/id/{publisher.slug}/{number:03d}",
        "accessLevel": level,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "accrualPeriodicity": periodicity,
        "theme": [theme],
        "spatial": BBOX,
        "issued": "2024-03-01",
        "landingPage": f"{BASE}/datasets/{stem}",
        "language": ["en-US"],
    }
    if level != "public":
        data["rights"] = (
            "Contains personal information; available only to authorised staff."
            if level == "non-public"
            else "Available on request to researchers who sign the data use agreement."
        )
    data["distribution"] = [
        {
            "@type": "dcat:Distribution",
            "title": f"{title} ({fmt})",
            **(
                {"accessURL": f"{BASE}/api/{stem}", "format": "API"}
                if fmt in ("API", "PDF")
                else {"downloadURL": f"{BASE}/files/{stem}.{fmt.lower()}", "mediaType": MEDIA_TYPES[fmt], "format": fmt}
            ),
        }
        for fmt in formats
    ] or []
    if not data["distribution"]:
        del data["distribution"]
    problem = BROKEN.get(title)
    if problem == "no_description":
        data["description"] = ""
    elif problem == "bad_email":
        data["contactPoint"]["hasEmail"] = "data team at city hall"
    elif problem == "no_keywords":
        data["keyword"] = []
    elif problem == "stale":
        data["modified"] = "2023-05-01"
    elif problem == "no_license":
        del data["license"]
    return data


def load(rng: random.Random, stdout: Any) -> None:
    """Create the demo catalog (idempotent: does nothing when datasets already exist)."""
    if Dataset.objects.exists():
        stdout.write("catalog: demo datasets already present, skipped")
        return
    staff = User.objects.filter(email="staff@example.org").first()
    publishers = {org.slug: org for org in Organization.objects.filter(kind="publisher")}
    created = 0
    for number, row in enumerate(DATASETS, start=1):
        publisher = publishers.get(row[0])
        if publisher is None:
            continue
        dataset = services.create_dataset(publisher=publisher, data=_dataset(rng, number, publisher, row), by=staff)
        created += 1
        # Most datasets complete their checklist and go public; a few stay drafts for the workflow demo.
        if rng.random() < 0.9:
            services.set_release_checklist(
                dataset, by=staff, contact_reachable=True, privacy_reviewed=True,
                quality_reviewed=True,
            )  # fmt: skip
            dataset.refresh_from_db()
            if not services.release_blockers(dataset):
                services.publish_dataset(dataset, by=staff)
    for title, note_title, body in NOTES:
        dataset = Dataset.objects.filter(title=title).first()
        if dataset is not None:
            services.add_usage_note(dataset, by=staff, title=note_title, body=body)
    health = publishers.get("health")
    if health is not None and DEMO_FILE.exists():
        source = services.register_harvest_source(
            publisher=health,
            name="Public Health Department data.json",
            kind=HarvestKind.DATAJSON,
            url=DEMO_FILE.as_uri(),
            schedule=HarvestSchedule.DAILY,
            by=staff,
            slug="health-datajson",
        )
        services.run_harvest(source, by=staff, dry_run=True)
        services.approve_harvest_source(source, by=staff)
        services.run_harvest(HarvestSource.objects.get(pk=source.pk), by=staff)
    _backfill_trend(rng, publishers.values())
    stdout.write(f"catalog: {Dataset.objects.count()} datasets ({created} written, the rest harvested from a file)")


def _backfill_trend(rng: random.Random, publishers: Any) -> None:
    """Today's real snapshot plus a plausible fortnight before it, so the trend table has a history."""
    today = timezone.localdate()
    for publisher in publishers:
        if not publisher.datasets.exists():
            continue
        current = services.take_snapshot(publisher, day=today)
        for back in range(1, 15):
            shrink = min(current.total, back // 4)
            PublisherSnapshot.objects.update_or_create(
                publisher=publisher,
                date=today - timedelta(days=back),
                defaults={
                    "total": current.total - shrink,
                    "public": max(0, current.public - shrink),
                    "restricted_public": current.restricted_public,
                    "non_public": current.non_public,
                    "valid": max(0, current.valid - shrink - rng.randint(0, 1)),
                    "missing_required": current.missing_required + rng.randint(0, 1),
                    "broken_links": current.broken_links,
                    "stale": current.stale + (1 if back > 7 else 0),
                },
            )
