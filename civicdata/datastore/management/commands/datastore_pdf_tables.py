"""`civicdata datastore pdf-tables FILE [--pages 1-3] [--area "0, 0, 100, 50"] [--format json]`: list the
tables found in a PDF, page by page, with their first rows (the PDF tables tool's first step, for
scripts). Exit 0 with the list (possibly empty), 1 for a PDF or option it cannot read, 2 for bad usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.core.errors import InvalidInput
from civicdata.datastore import pdftables


class Command(BaseCommand):
    help = "List the tables found in a PDF (pdfplumber), with their first rows."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The PDF file.")
        parser.add_argument("--pages", default="", help='Pages to read, e.g. "1-3, 5" (default: the first 20).')
        parser.add_argument("--strategy", default="auto", choices=pdftables.STRATEGIES)
        parser.add_argument(
            "--area", default="", help='Only this rectangle of each page: "left, top, right, bottom" from the top-left.'
        )
        parser.add_argument("--area-unit", default="percent", choices=pdftables.AREA_UNITS)
        parser.add_argument("--format", default="text", choices=["text", "json"])

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            area = pdftables.parse_area(options["area"], options["area_unit"])
            pages = pdftables.parse_pages(options["pages"], pdftables.page_count(path))
            found = pdftables.find_tables(path, pages, strategy=options["strategy"], area=area)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from None
        if options["format"] == "json":
            listing = [
                {"ref": t.ref, "page": t.page, "columns": t.width, "rows": len(t.rows), "preview": t.preview}
                for t in found
            ]
            self.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2))
            return
        if not found:
            self.stdout.write("No table found on these pages.")
        for table in found:
            self.stdout.write(f"{table.ref}: page {table.page}, {len(table.rows)} rows, {table.width} columns")
            for row in table.preview[:3]:
                self.stdout.write("    " + " | ".join(row))
