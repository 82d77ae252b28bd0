"""`civicdata catalog import FILE|URL --publisher SLUG`: one-off load of a data.json into the catalog."""

from __future__ import annotations

import gc
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.accounts.models import Organization
from civicdata.catalog import services
from civicdata.catalog.models import HarvestKind, RunStatus


class Command(BaseCommand):
    help = (
        "Import a DCAT-US catalog (file path or http(s) URL) for a publisher. Incremental and all-or-nothing; "
        "prints the run report. Exit status 1 when the import failed."
    )

    # Needs the database but not the URL map, whose system check alone imports every app's pages and API.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("location", help="Path of a data.json file, or an http(s) URL.")
        parser.add_argument("--publisher", required=True, help="Short name (slug) of the publishing organisation.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would change.")
        parser.add_argument(
            "--kind", choices=HarvestKind.values, default=HarvestKind.DATAJSON, help="Format of the source."
        )
        parser.add_argument("--verbose-report", action="store_true", help="List every dataset, not only problems.")

    def handle(self, *args: Any, **options: Any) -> None:
        # One import per process, and it creates no reference cycles worth collecting: without this the
        # collector walks the whole parsed catalog again and again.
        gc.disable()
        publisher = Organization.objects.filter(slug=options["publisher"]).first()
        if publisher is None:
            raise CommandError(f"No organisation with the short name {options['publisher']!r}.")
        run = services.import_catalog_from(
            publisher=publisher, location=options["location"], by=None, dry_run=options["dry_run"], kind=options["kind"]
        )
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.error or "The import failed.")
        for item in run.report:
            if options["verbose_report"] or item["action"] in ("skipped", "conflict") or not item["valid"]:
                problems = "; ".join(p["message"] for p in item["problems"][:3])
                label = item["identifier"] or f"#{item['index']}"
                self.stdout.write(f"{item['action']:9} {'valid  ' if item['valid'] else 'INVALID'} {label} {problems}")
        prefix = "Dry run: " if run.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{run.created_count} new, {run.changed_count} changed, {run.unchanged_count} unchanged, "
                f"{run.conflict_count} conflicts, {run.invalid_count} invalid (run {run.pk})."
            )
        )
