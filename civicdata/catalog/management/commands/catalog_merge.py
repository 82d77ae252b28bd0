"""`civicdata catalog merge A.json B.json ... -o merged.json`: combine component catalogs into one.

Inputs may be files or http(s) URLs. Exit status: 0 merged and valid, 1 merged but the result
breaks the schema (it is still written), 2 an input is unreadable (nothing is written).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from civicdata.catalog.tools.inputs import read_source
from civicdata.catalog.tools.merging import MergeError, RenameStyle, merge_catalogs
from civicdata.catalog.tools.text import merge_text, read_problems_text
from civicdata.catalog.tools.validation import PROFILES


class Command(BaseCommand):
    help = "Merge component data.json catalogs (files or URLs) into one, reporting identifier collisions."
    # A file tool: no database or URL map needed, and the URL check alone would double its start-up time.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("sources", nargs="+", help="Component catalogs, in priority order (first wins).")
        parser.add_argument("-o", "--output", required=True, help="Where to write the merged data.json.")
        parser.add_argument(
            "--rename",
            choices=[s.value for s in RenameStyle],
            default=RenameStyle.SUFFIX.value,
            help="How to rename a different dataset whose identifier is taken: id--source or source:id.",
        )
        parser.add_argument("--profile", choices=list(PROFILES), default=None, help="Profile to validate the result.")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="Summary format.")

    def handle(self, *args: Any, **options: Any) -> None:
        components = []
        for source in options["sources"]:
            read = read_source(source)
            if not read.ok:
                self.stderr.write(read_problems_text(source, read))
                self.stderr.write("Nothing was written.")
                raise SystemExit(2)
            components.append((source, read.document))
        try:
            result = merge_catalogs(components, rename=options["rename"], profile=options["profile"])
        except MergeError as exc:
            self.stderr.write(f"{exc} Nothing was written.")
            raise SystemExit(2) from exc
        output = Path(options["output"])
        _write_atomically(output, json.dumps(result.catalog, indent=2, ensure_ascii=False))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.to_dict(include_catalog=False), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(merge_text(result, str(output)))
        raise SystemExit(0 if result.report is None or result.report.valid else 1)


def _write_atomically(path: Path, text: str) -> None:
    # A crash mid-write must not leave a truncated data.json where a good one was.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".merge-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
