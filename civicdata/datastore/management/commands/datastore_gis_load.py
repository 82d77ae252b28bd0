"""`civicdata datastore gis-load FILE|LAYER_URL --dataset NAME [--title T] [--refresh daily]`: load a
zipped shapefile, GeoPackage, KML/KMZ or an ArcGIS REST layer into a new table of a dataset (the GIS
tool, for scripts), and wait for the load. Exit 0 when loaded, 1 when refused or failed, 2 for bad usage."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from civicdata.catalog.models import Dataset
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.datastore import services
from civicdata.datastore.models import JobStatus, LiveRefresh
from civicdata.datastore.services import tools


class Command(BaseCommand):
    help = "Load a GIS file (.zip shapefile, .gpkg, .kml, .kmz) or an ArcGIS layer URL into a dataset's table."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="A GIS file path, or an ArcGIS …/FeatureServer/<n> or …/MapServer/<n> URL.")
        parser.add_argument("--dataset", required=True, help="The dataset's identifier or short name.")
        parser.add_argument("--title", default="", help="Name of the new table file (default: from the source).")
        parser.add_argument(
            "--refresh", default="manual", choices=LiveRefresh.values, help="For a layer: how often it is copied again."
        )
        parser.add_argument("--site-url", default="http://localhost:8000/", help="The site's address, for links.")
        parser.add_argument("--format", default="text", choices=["text", "json"])

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Dataset.objects.filter(Q(identifier=options["dataset"]) | Q(name=options["dataset"])).first()
        if dataset is None:
            raise CommandError(f"No dataset with identifier or short name {options['dataset']!r}.")
        source = options["source"]
        is_url = bool(re.match(r"^https?://", source))
        try:
            if is_url:
                result = tools.convert_gis(
                    dataset=dataset, upload=None, layer_url=source, title=options["title"], by=None,
                    site_url=options["site_url"], refresh=options["refresh"],
                )  # fmt: skip
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"There is no file at {path}.")
                with path.open("rb") as handle:
                    upload = File(handle, name=path.name)
                    upload.size = path.stat().st_size
                    result = tools.convert_gis(
                        dataset=dataset, upload=upload, layer_url="", title=options["title"], by=None,
                        site_url=options["site_url"],
                    )  # fmt: skip
        except (InvalidInput, Conflict) as exc:
            raise CommandError(str(exc.message)) from None
        job = result.job
        if job is None:
            raise CommandError("The converted file could not be queued for the Data API.")
        job.refresh_from_db()
        if job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            job = services.run_ingest_job(job_id=job.pk)  # with a queue backend, run it here to report it
        if job.status == JobStatus.FAILED:
            raise CommandError(f"Not loaded: {(job.error or {}).get('message')}")
        table = job.table
        table.refresh_from_db()
        outcome = {
            "dataset": dataset.name,
            "table": table.name,
            "api": table.api_path,
            "rows": table.row_count,
            "distribution": result.table_distribution.download_url,
            "source_distribution": result.source_distribution.download_url if result.source_distribution else None,
            "refresh": options["refresh"] if is_url else None,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(outcome, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"Loaded {table.row_count:,} features into {table.api_path}.")
