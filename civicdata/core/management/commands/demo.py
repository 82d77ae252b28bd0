"""`civicdata demo`: load the deterministic demo city (seeded random numbers, synthetic people)."""

from __future__ import annotations

import importlib
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = (
    "civicdata.accounts.demo",
    "civicdata.catalog.demo",
    "civicdata.datastore.demo",
    "civicdata.demand.demo",
    "civicdata.projects.demo",
)
SEED = 42


class Command(BaseCommand):
    help = "Load the demo city: organisations, people of every role, datasets, tables, requests and projects."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", nargs="*", default=None, help="Load only these apps (e.g. accounts catalog).")

    def handle(self, *args: Any, **options: Any) -> None:
        from civicdata.accounts.models import User

        if User.objects.filter(email="admin@example.org").exists():
            self.stdout.write("Demo data is already loaded; delete var/ to start again.")
            return
        for module_name in DEMO_MODULES:
            app = module_name.split(".")[1]
            if options["only"] and app not in options["only"]:
                continue
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            # Each app seeds its own generator so adding data to one app never changes another's.
            rng = random.Random(f"{SEED}-{app}")
            with transaction.atomic():
                module.load(rng, self.stdout)
            self.stdout.write(self.style.SUCCESS(f"Loaded demo data: {app}"))
