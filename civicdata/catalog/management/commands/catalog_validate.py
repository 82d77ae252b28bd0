"""`civicdata catalog validate FILE|URL`: check a data.json against a DCAT-US profile.

Exit status: 0 valid (warnings allowed), 1 invalid, 2 unreadable (or not found / not downloadable).
"""

from __future__ import annotations

import gc
import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand

from civicdata.catalog.tools.inputs import read_source
from civicdata.catalog.tools.text import read_problems_text, report_text
from civicdata.catalog.tools.validation import PROFILES, validate_catalog

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Validate a data.json file or URL against DCAT-US (exit 0 valid, 1 invalid, 2 unreadable)."
    # A file tool: no database or URL map needed, and the URL check alone would double its start-up time.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="Path to a data.json file, an http(s) URL, or - for standard input.")
        parser.add_argument(
            "--profile",
            choices=list(PROFILES),
            default=None,
            help="Schema profile; detected from conformsTo and the root type when omitted.",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text", help="Output format.")
        parser.add_argument(
            "--max-datasets", type=int, default=200, help="Text format: list findings of at most this many datasets."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The process ends after one report and creates no reference cycles worth collecting; the
        # collector would otherwise walk the whole parsed catalog again and again (a third of the time).
        gc.disable()
        source = options["source"]
        read = read_source(source, stdin=sys.stdin.buffer if source == "-" else None)
        if not read.ok:
            if options["format"] == "json":
                self.stdout.write(json.dumps({"source": source, "read": read.to_dict(), "report": None}, indent=2))
            else:
                self.stdout.write(read_problems_text(source, read))
            raise SystemExit(EXIT_UNREADABLE)
        # A large catalog is checked in one process per core (this command is single-threaded, so it may fork).
        report = validate_catalog(read.document, profile=options["profile"], processes=min(os.cpu_count() or 1, 4))
        if options["format"] == "json":
            payload = {"source": source, "read": read.to_dict(), "report": report.to_dict()}
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            if read.warnings:
                self.stdout.write(read_problems_text(source, read))
            self.stdout.write(report_text(source, report, max_datasets=options["max_datasets"]))
        raise SystemExit(EXIT_VALID if report.valid else EXIT_INVALID)
