"""`civicdata demand import-log FILE --kind foia|311|search --source TEXT`: import a request log.

The kind may also come from the file name prefix (`foia-…`, `311-…`, `search-…`). The proposed
column mapping is used; `--preview` shows what would be stored without storing anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.core.errors import InvalidInput
from civicdata.demand import logs, services


class Command(BaseCommand):
    help = "Import a FOIA, 311 or search log (CSV or XLSX) as demand; re-importing adds nothing twice."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--kind", choices=[k.value for k in logs.LogKind], help="Kind of log (default: from the file name)"
        )
        parser.add_argument("--source", help="Where the log comes from (default: the file name)")
        parser.add_argument("--preview", action="store_true", help="Show the mapping and problems; store nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        kind = options["kind"] or logs.kind_from_filename(path.name)
        if kind is None:
            raise CommandError("Give --kind foia|311|search, or name the file foia-…, 311-… or search-….")
        source = options["source"] or path.name
        data = path.read_bytes()
        if options["preview"]:
            try:
                table = logs.read_log(data, filename=path.name)
            except logs.LogError as exc:
                raise CommandError(str(exc)) from exc
            mapping = logs.propose_mapping(table.header, kind=logs.LogKind(kind))
            for index, role in sorted(mapping.items()):
                self.stdout.write(f"  {table.header[index]!r:40} → {role.value}")
            preview = logs.build_preview(table, mapping, source=source, known=services.stored_fingerprints)
            self.stdout.write(
                f"{preview.total_rows} rows, {preview.importable_rows} importable, "
                f"{preview.already_imported_rows} already imported, "
                f"{preview.duplicate_rows} repeated; problems: {preview.problem_counts or 'none'}"
            )
            for warning in preview.warnings:
                self.stdout.write(warning)
            return
        try:
            done = services.import_log_file(by=None, kind=str(kind), source=source, filename=path.name, data=data)
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {done.imported_rows} rows from {path.name}; {done.duplicate_rows} were already imported, "
                f"{done.skipped_rows} skipped (blocking problems)."
            )
        )
