"""`civicdata datastore load FILE|URL --dataset IDENTIFIER [--table NAME]`: load a file into a table
of a dataset from the command line (runs in the foreground and prints the outcome)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from civicdata.catalog.models import Dataset
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.datastore import services
from civicdata.datastore.models import DataTable, JobStatus


class Command(BaseCommand):
    help = "Load a CSV/TSV/XLSX/JSON/GeoJSON file or URL into a Data API table of a dataset."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="A file path or an http(s) URL.")
        parser.add_argument("--dataset", required=True, help="The dataset's identifier or short name.")
        parser.add_argument("--table", default="", help="Table name (default: from the distribution).")
        parser.add_argument(
            "--distribution",
            type=int,
            default=None,
            help="Position of the distribution (0-based); default: the one whose URL matches, else the first.",
        )
        parser.add_argument("--format", default="", choices=["", "csv", "tsv", "xlsx", "json", "geojson"])
        parser.add_argument("--publish", action="store_true", help="Publish the table when no PII is pending.")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Dataset.objects.filter(Q(identifier=options["dataset"]) | Q(name=options["dataset"])).first()
        if dataset is None:
            raise CommandError(f"No dataset with identifier or short name {options['dataset']!r}.")
        source = options["source"]
        is_url = bool(re.match(r"^https?://", source))
        distributions = list(dataset.distributions.all())
        if not distributions:
            raise CommandError("The dataset has no distribution; add one in the catalog first.")
        if options["distribution"] is not None:
            matches = [d for d in distributions if d.position == options["distribution"]]
            if not matches:
                raise CommandError(f"No distribution at position {options['distribution']}.")
            distribution = matches[0]
        else:
            distribution = next((d for d in distributions if is_url and d.download_url == source), distributions[0])
        name = options["table"] or services.table_name_for(distribution)
        try:
            table = DataTable.objects.filter(dataset=dataset, name=name).first() or services.create_table(
                distribution=distribution, name=name, by=None
            )
            job = services.start_ingest(
                table,
                by=None,
                url=source if is_url else "",
                path="" if is_url else source,
                declared_format=options["format"],
            )
        except (InvalidInput, Conflict) as exc:
            raise CommandError(exc.message) from None
        job.refresh_from_db()
        if job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            # With a queue backend the worker runs it; run it here so the command reports the outcome.
            job = services.run_ingest_job(job_id=job.pk)
        if job.status == JobStatus.FAILED:
            raise CommandError(f"Not loaded: {job.error.get('message')}")
        table.refresh_from_db()
        self.stdout.write(
            f"Loaded {table.row_count:,} rows into {table.api_path} (version {table.version}, "
            f"{job.result.get('seconds')} s)."
        )
        pending = services.unresolved_pii(table)
        if pending:
            self.stdout.write(f"Possible personal data to review before publishing: {', '.join(pending)}")
        elif options["publish"]:
            services.publish_table(table, by=None)
            self.stdout.write("Published.")
