"""`civicdata catalog crawl URL [URL …] --publisher SLUG [--format json]`: read a website for data files
the catalog misses, now, in this process (the completeness crawl of /catalog/tools/crawl/, for scripts and
cron). The same SSRF rules, robots.txt, same-host rule and page/byte budgets apply, and the findings are
stored as a crawl run staff can open on its page to start drafts. Exit 0 when the crawl finished (files
missing from the catalog or not), 1 when it failed, 2 for bad usage or a refused address."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.accounts.models import Organization
from civicdata.catalog import services
from civicdata.catalog.models import CrawlStatus
from civicdata.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Crawl web pages for data files (CSV, XLSX, JSON, GeoJSON, ZIP, PDF …) that no distribution points at."

    # Needs the database but not the URL map, whose system check alone imports every app's pages and API.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("urls", nargs="+", help="Web page addresses to start from (same host only).")
        parser.add_argument("--publisher", required=True, help="Short name (slug) of the publisher the crawl is for.")
        parser.add_argument("--all", action="store_true", help="List every data file found, catalogued ones too.")
        parser.add_argument("--format", default="text", choices=["text", "json"])

    def handle(self, *args: Any, **options: Any) -> None:
        publisher = Organization.objects.filter(slug=options["publisher"]).first()
        if publisher is None:
            raise CommandError(f"No publisher {options['publisher']!r}.", returncode=2)
        try:
            run = services.crawl_now(publisher=publisher, start_urls=options["urls"])
        except InvalidInput as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        findings = run.findings.order_by("url")
        if not options["all"]:
            findings = findings.filter(in_catalog=False)
        rows = [
            {"url": f.url, "kind": f.kind, "found_on": f.found_on, "link_text": f.link_text, "in_catalog": f.in_catalog}
            for f in findings
        ]
        if options["format"] == "json":
            summary = {
                "crawl": run.pk,
                "status": run.status,
                "error": run.error,
                "pages_read": run.pages_read,
                "bytes_read": run.bytes_read,
                "stopped_by": run.stopped_by,
                "files": rows,
            }
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            for row in rows:
                mark = "in catalog" if row["in_catalog"] else "missing"
                self.stdout.write(f"{mark:10}  {row['kind']:8}  {row['url']}  (on {row['found_on']})")
            missing = sum(1 for row in rows if not row["in_catalog"])
            self.stdout.write(
                f"Crawl {run.pk}: {run.pages_read} pages read, {missing} data files not in the catalog"
                + (f"; stopped by {run.stopped_by}" if run.stopped_by else "")
                + "."
            )
        if run.status != CrawlStatus.DONE:
            raise CommandError(f"The crawl failed: {run.error}", returncode=1)
