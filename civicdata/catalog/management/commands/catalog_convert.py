"""`civicdata catalog convert IN [-o OUT]`: convert a Project Open Data v1.0 catalog to DCAT-US v1.1 offline.

Exit status: 0 converted and every dataset valid under the profile; 1 converted, but some datasets still
fail the profile (the file is written all the same and the report names them); 2 the input cannot be read;
3 the input is not a v1.0 catalog (its root is not a JSON array), so there is nothing to convert.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from civicdata.catalog import pod
from civicdata.catalog.ingest.convert import MAPPINGS, convert_catalog, is_v10_catalog
from civicdata.catalog.ingest.planning import validate_datasets
from civicdata.catalog.ingest.repair import RULES
from civicdata.catalog.tools.inputs import read_source
from civicdata.catalog.tools.text import read_problems_text

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE, EXIT_NOT_V10 = 0, 1, 2, 3
PROFILE_CHOICES = ("federal-v1.1", "non-federal-v1.1", "federal-v1.1-edi")


class Command(BaseCommand):
    help = (
        "Convert a v1.0 data.json (a JSON array) to v1.1 with the official field mapping and print the conversion "
        "report (exit 0 all valid, 1 some datasets still invalid, 2 unreadable, 3 not a v1.0 catalog)."
    )
    # A file tool: no database needed.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="Path to a v1.0 data.json file, an http(s) URL, or - for standard input.")
        parser.add_argument("-o", "--output", help="Where to write the v1.1 catalog (default: standard output).")
        parser.add_argument(
            "--profile",
            choices=PROFILE_CHOICES,
            default="federal-v1.1",
            help="Profile the converted datasets are checked against (default federal-v1.1, the official schema).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        report_out = self.stdout if options["output"] else self.stderr
        read = read_source(source, stdin=sys.stdin.buffer if source == "-" else None)
        if not read.ok:
            self.stderr.write(read_problems_text(source, read))
            raise SystemExit(EXIT_UNREADABLE)
        if not is_v10_catalog(read.document):
            self.stderr.write(
                f"{source}: not a v1.0 catalog (the root is a JSON object, not an array); nothing to convert. "
                "Check it with `civicdata catalog validate` instead."
            )
            raise SystemExit(EXIT_NOT_V10)
        conversion = convert_catalog(read.document)
        body = pod.dumps_json(conversion.document) + b"\n"
        if options["output"]:
            Path(options["output"]).write_bytes(body)
        else:
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
        problems = validate_datasets(conversion.document["dataset"], profile=options["profile"])
        report = conversion.report()
        report_out.write(f"Converted {report['datasets']} datasets from v1.0 to v1.1 ({source}).")
        if report["skipped"]:
            report_out.write(f"Left out {report['skipped']} entries that are not JSON objects.")
        for rule, count in report["mappings"].items():
            report_out.write(f"  mapped   {rule:28} {count:5}  {MAPPINGS[rule]}")
        for rule, count in report["repairs"].items():
            report_out.write(f"  repaired {rule:28} {count:5}  {RULES[rule]}")
        datasets = conversion.document["dataset"]
        for index, found in sorted(problems.items()):
            label = datasets[index].get("identifier") or datasets[index].get("title") or f"#{index}"
            report_out.write(f"  INVALID  {label}: " + "; ".join(p["message"] for p in found[:5]))
        valid = len(datasets) - len(problems)
        report_out.write(f"{valid} of {len(datasets)} datasets valid under {options['profile']}.")
        raise SystemExit(EXIT_VALID if not problems else EXIT_INVALID)
