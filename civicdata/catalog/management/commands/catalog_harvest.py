"""`civicdata catalog harvest [SLUG] [--dry-run] [--due] [--schedule]`: run harvest sources by hand or from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.catalog import services, tasks
from civicdata.catalog.models import HarvestSource, RunStatus


class Command(BaseCommand):
    help = (
        "Run one harvest source now (by short name), or with --due every approved source whose schedule says so. "
        "--schedule queues the catalog's hourly background tick (due harvests, link checks, dashboard snapshots)."
    )

    # Needs the database but not the URL map, whose system check alone imports every app's pages and API.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", nargs="?", help="Short name (slug) of a harvest source.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would change.")
        parser.add_argument("--due", action="store_true", help="Run every source that is due.")
        parser.add_argument("--schedule", action="store_true", help="Queue the recurring background tick.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            tasks.catalog_tick.enqueue()
            self.stdout.write("Queued the catalog tick; `civicdata worker` runs it every hour from now on.")
            return
        if options["due"]:
            sources = services.due_harvest_sources()
        elif options["source"]:
            source = HarvestSource.objects.filter(slug=options["source"]).first()
            if source is None:
                raise CommandError(f"No harvest source {options['source']!r}.")
            sources = [source]
        else:
            raise CommandError("Name a source, or pass --due or --schedule.")
        failed = False
        for source in sources:
            try:
                run = services.run_harvest(source, dry_run=options["dry_run"])
            except Exception as exc:
                self.stderr.write(f"{source.slug}: {exc}")
                failed = True
                continue
            failed |= run.status != RunStatus.SUCCEEDED
            self.stdout.write(
                f"{source.slug}: {run.get_status_display()} — {run.created_count} new, {run.changed_count} changed, "
                f"{run.unchanged_count} unchanged, {run.withdrawn_count} withdrawn, {run.conflict_count} conflicts"
                + (f" — {run.error}" if run.error else "")
            )
        if failed:
            raise CommandError("At least one harvest failed.")
