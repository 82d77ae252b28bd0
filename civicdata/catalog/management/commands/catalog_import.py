"""`civicdata catalog import FILE|URL --publisher SLUG [--create-publishers]`: one-off load of a data.json into
the catalog, for one publisher or (with --create-publishers) for each publisher the catalog names."""

from __future__ import annotations

import gc
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.accounts.models import Organization
from civicdata.catalog import services
from civicdata.catalog.models import HarvestKind, RunStatus
from civicdata.catalog.tools.validate_cli import leave_to_the_system


class Command(BaseCommand):
    help = (
        "Import a DCAT-US catalog (file path or http(s) URL) for a publisher. Incremental and all-or-nothing; "
        "converts a v1.0 catalog and repairs what the v1.1 mapping makes unambiguous; datasets still invalid are "
        "held back as needing fixes. Prints the run report. Exit status 1 when the import failed."
    )

    # Needs the database but not the URL map, whose system check alone imports every app's pages and API.
    requires_system_checks: list = []
    # Run as the process's own command (not through call_command): the process ends when it returns.
    from_command_line = False

    def run_from_argv(self, argv: list[str]) -> None:
        self.from_command_line = True
        super().run_from_argv(argv)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("location", help="Path of a data.json file, or an http(s) URL.")
        parser.add_argument("--publisher", required=True, help="Short name (slug) of the publishing organisation.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would change.")
        parser.add_argument(
            "--kind", choices=HarvestKind.values, default=HarvestKind.DATAJSON, help="Format of the source."
        )
        parser.add_argument(
            "--verbose-report",
            action="store_true",
            help="List every dataset in the report (new, changed, repaired), not only problems.",
        )
        parser.add_argument(
            "--create-publishers",
            action="store_true",
            help="File each dataset under the publisher it names, creating missing publishers as departments "
            "under --publisher (datasets naming none go to --publisher). Without it every dataset goes to "
            "--publisher.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # One import per process, and it creates no reference cycles worth collecting: without this the
        # collector walks the whole parsed catalog again and again.
        gc.disable()
        publisher = Organization.objects.filter(slug=options["publisher"]).first()
        if publisher is None:
            raise CommandError(f"No organisation with the short name {options['publisher']!r}.")
        if options["create_publishers"]:
            self._per_publisher(publisher, options)
            return
        keep: list[Any] = []
        run = services.import_catalog_from(
            publisher=publisher,
            location=options["location"],
            by=None,
            dry_run=options["dry_run"],
            kind=options["kind"],
            keep=keep,
        )
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.error or "The import failed.")
        self._report(run, options)
        if self.from_command_line:
            # The parsed catalog (about a gigabyte for 100,000 datasets) is not freed object by object: the
            # process ends here and the operating system takes its memory back at once.
            leave_to_the_system(keep)

    def _per_publisher(self, parent: Organization, options: dict[str, Any]) -> None:
        try:
            result = services.import_catalog_per_publisher(
                parent=parent, location=options["location"], by=None, dry_run=options["dry_run"], kind=options["kind"]
            )
        except (services.InvalidInput, services.Conflict) as exc:
            raise CommandError(exc.message) from None
        if result.error:
            raise CommandError(result.error)
        verb = "Would create" if options["dry_run"] else "Created"
        for name in result.created:
            self.stdout.write(f"{verb} publisher {name!r} under {parent.slug}.")
        failed = []
        for name, run in result.runs:
            self.stdout.write(f"— {name}")
            if run.status != RunStatus.SUCCEEDED:
                failed.append(f"{name}: {run.error or 'the import failed'}")
                continue
            self._report(run, options)
        if failed:
            raise CommandError("; ".join(failed))

    def _report(self, run: Any, options: dict[str, Any]) -> None:
        conversion = run.summary.get("conversion")
        if conversion:
            mapped = ", ".join(f"{rule} {count}" for rule, count in conversion["mappings"].items())
            self.stdout.write(f"Converted a v1.0 catalog to v1.1 ({conversion['datasets']} datasets): {mapped}.")
        for item in run.report:
            if options["verbose_report"] or item["action"] in ("skipped", "conflict") or item["valid"] is False:
                problems = "; ".join(p["message"] for p in item["problems"][:3])
                label = item["identifier"] or f"#{item['index']}"
                verdict = {True: "valid  ", False: "INVALID", None: "-      "}[item["valid"]]
                held = " (needs fixing, not published)" if item.get("needs_fixing") else ""
                self.stdout.write(f"{item['action']:9} {verdict} {label}{held} {problems}")
        repairs = ", ".join(f"{rule} {count}" for rule, count in run.summary.get("repairs", {}).items())
        if repairs:
            self.stdout.write(f"Repaired {run.repaired_count} datasets: {repairs}.")
        prefix = "Dry run: " if run.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{run.created_count} new, {run.changed_count} changed, {run.unchanged_count} unchanged, "
                f"{run.conflict_count} conflicts, {run.invalid_count} invalid, {run.held_back_count} held back as "
                f"needing fixes (run {run.pk})."
            )
        )
