"""Plain factory functions for Data API tests: a published dataset with a loaded table."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from django.conf import settings

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore import services
from civicdata.datastore.models import DataTable, IngestJob

_counter = itertools.count(1)

CRIME_CSV = (
    "Incident,Offense,District,Shooting,Occurred,Lat,Long,Note\n"
    "I-1,LARCENY,South End,0,6/14/2021 19:49,42.33954199,-71.06940877,=cmd|' /C calc'!A0\n"
    "I-2,ASSAULT,Roxbury,1,3/16/2021 3:25,42.32103493,-71.06348926,<b>bold</b>\n"
    "I-3,LARCENY,Roxbury,0,3/13/2021 22:04,42.31021097,-71.072337,\n"
    "I-4,VANDALISM,Dorchester,0,1/2/2021 10:00,42.30,-71.06,plain\n"
    "I-5,LARCENY,South End,0,2/2/2021 11:30,42.34,-71.07,\x01control\n"
)


def make_published_dataset(**overrides: Any) -> Any:
    publisher = make_organization()
    return make_dataset(publisher, **overrides)


def load_table(
    dataset: Any, text: str = CRIME_CSV, *, name: str = "incidents", suffix: str = ".csv", by: Any = None
) -> tuple[DataTable, IngestJob]:
    """Create (or reuse) a table and load `text` into it synchronously."""
    distribution = dataset.distributions.first()
    table = DataTable.objects.filter(dataset=dataset, name=name).first() or services.create_table(
        distribution=distribution, name=name, by=by
    )
    source = Path(settings.DATA_DIR) / f"src-{next(_counter)}{suffix}"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(text, encoding="utf-8")
    job = services.start_ingest(table, by=by, path=source)
    job = services.run_ingest_job(job_id=job.pk)
    table.refresh_from_db()
    return table, job


def published_table(text: str = CRIME_CSV, **kwargs: Any) -> DataTable:
    dataset = make_published_dataset()
    table, job = load_table(dataset, text, **kwargs)
    assert job.status == "succeeded", job.error
    for column in services.unresolved_pii(table):
        services.decide_pii(table, column=column, action="justify", justification="Public record.", by=None)
    return services.publish_table(table, by=None)
