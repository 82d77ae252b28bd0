"""`civicdata projects report <slug> [--output FILE]`: write a completed project's summary report as PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from civicdata.projects import report
from civicdata.projects.models import Project


class Command(BaseCommand):
    help = "Write the summary report of a completed engagement project as a PDF file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="The project's short name, as in /projects/<slug>/.")
        parser.add_argument("--output", "-o", help="PDF file to write (default: <slug>-report.pdf).")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.select_related("organization").filter(slug=options["slug"]).first()
        if project is None:
            raise CommandError(f"No project with the short name {options['slug']!r}.")
        try:
            data = report.report_pdf(project)
        except report.ReportNotReady as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["output"] or f"{project.slug}-report.pdf")
        path.write_bytes(data)
        self.stdout.write(f"Wrote {path} ({len(data):,} bytes).")
