"""Demo tables for `civicdata demo`: two real city tables (small extracts in demo_data/) loaded through
the normal load job, reviewed for personal data, published, with saved charts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from civicdata.accounts.models import Organization
from civicdata.catalog import services as catalog
from civicdata.catalog.models import Dataset

from . import services
from .models import DataTable, JobStatus

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"

TABLES = [
    {
        "identifier": "demo-crime-incidents-2021",
        "publisher": "police",
        "title": "Crime incident reports, 2021 (real Boston sample)",
        "description": (
            "Incidents reported to the police in 2021, with offence, district, time and location. "
            "This demo uses the first 1,500 rows of a public sample published by the City of Boston."
        ),
        "keyword": ["public safety", "crime", "police"],
        "file": "boston_crime_incidents_2021_first1500.csv",
        "table": "incidents",
        "charts": [
            ("Incidents by district", "bar", "district", "", "count"),
            ("Incidents per week", "line", "occurred_on_date", "", "count"),
            ("Where incidents were reported", "map", "", "", "count"),
        ],
    },
    {
        "identifier": "demo-building-permits",
        "publisher": "housing",
        "title": "Building permits (real Nashville sample)",
        "description": (
            "Building permits with type, cost, address and location. Dates were published as epoch "
            "milliseconds and are read as date-times. This demo uses 700 rows published by Metro Nashville."
        ),
        "keyword": ["housing", "permits", "construction"],
        "file": "nashville_building_permits_first700.csv",
        "table": "permits",
        "charts": [("Permits by type", "bar", "permit_type_description", "", "count")],
    },
]


def _dataset(spec: dict[str, Any]) -> Dataset:
    found = Dataset.objects.filter(identifier=spec["identifier"]).first()
    if found is not None:
        return found
    publisher = Organization.objects.filter(slug=spec["publisher"]).first() or Organization.objects.first()
    data = {
        "@type": "dcat:Dataset",
        "title": spec["title"],
        "description": spec["description"],
        "keyword": spec["keyword"],
        "modified": "2026-01-15",
        "publisher": {"@type": "org:Organization", "name": publisher.name},
        "contactPoint": {"@type": "vcard:Contact", "fn": "Open Data Team", "hasEmail": "mailto:opendata@example.org"},
        "identifier": spec["identifier"],
        "accessLevel": "public",
        "license": "https://opendatacommons.org/licenses/pddl/1-0/",
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "downloadURL": f"https://data.example.org/files/{spec['file']}",
                "mediaType": "text/csv",
                "format": "CSV",
                "title": "CSV file",
            }
        ],
    }
    dataset = catalog.create_dataset(publisher=publisher, data=data, by=None)
    catalog.set_release_checklist(
        dataset, by=None, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    return catalog.publish_dataset(dataset, by=None)


def load(rng: random.Random, stdout: Any) -> None:
    """Load the demo tables (deterministic: no randomness is needed beyond the fixed files)."""
    for spec in TABLES:
        dataset = _dataset(spec)
        distribution = dataset.distributions.first()
        table = DataTable.objects.filter(dataset=dataset, name=spec["table"]).first() or services.create_table(
            distribution=distribution, name=spec["table"], by=None
        )
        job = services.start_ingest(table, by=None, path=DEMO_DATA / spec["file"])
        job = services.run_ingest_job(job_id=job.pk)
        if job.status != JobStatus.SUCCEEDED:
            stdout.write(f"  datastore: {spec['file']} not loaded: {job.error}")
            continue
        table.refresh_from_db()
        for column in services.unresolved_pii(table):
            # Permit and incident locations are published as public records by both cities.
            services.decide_pii(
                table,
                column=column,
                action="justify",
                justification="Locations of permits and incidents are public records in this city.",
                by=None,
            )
        services.publish_table(table, by=None)
        for title, chart_type, x, y, aggregate in spec["charts"]:
            services.save_chart(table, title=title, chart_type=chart_type, x=x, y=y, aggregate=aggregate, by=None)
        stdout.write(f"  datastore: {table.api_path} ({table.row_count:,} rows, {len(spec['charts'])} charts)")
