"""`civicdata settings`: list every environment setting with its default and help."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civicdata.settings.declared import all_declared


class Command(BaseCommand):
    help = "List the environment settings civicdata reads, with defaults and help (--markdown for docs)."
    requires_system_checks: list = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--markdown", action="store_true", help="Print the table used in docs/settings.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write("| setting | default | what it does |\n|---|---|---|")
            for declared in all_declared():
                default = f"`{declared.default}`" if declared.default else "(empty)"
                self.stdout.write(f"| `{declared.name}` | {default} | {declared.help} |")
            return
        for declared in all_declared():
            self.stdout.write(f"{declared.name} (default: {declared.default or 'empty'})\n    {declared.help}")
