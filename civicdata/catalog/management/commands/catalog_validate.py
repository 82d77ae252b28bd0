"""`civicdata catalog validate FILE|URL`: check a data.json against a DCAT-US profile.

Exit status: 0 valid (warnings allowed), 1 invalid, 2 unreadable (or not found / not downloadable).
The console command runs the same code without Django's management machinery
(``civicdata.catalog.tools.validate_cli``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civicdata.catalog.tools import validate_cli


class Command(BaseCommand):
    help = validate_cli.HELP
    # A file tool: no database or URL map needed, and the URL check alone would double its start-up time.
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        validate_cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        raise SystemExit(validate_cli.run(options, self.stdout.write))
