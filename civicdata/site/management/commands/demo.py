"""`civicdata demo`: load the deterministic demo city (seeded random numbers, synthetic people)."""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from civicdata.accounts import demo as accounts_demo
from civicdata.accounts.models import User
from civicdata.catalog import demo as catalog_demo
from civicdata.community import demo as community_demo
from civicdata.datastore import demo as datastore_demo
from civicdata.demand import demo as demand_demo
from civicdata.events import demo as events_demo
from civicdata.projects import demo as projects_demo

# Lower layers first: each app's demo builds on the people and datasets the ones before it created.
DEMO_MODULES: tuple[tuple[str, ModuleType], ...] = (
    ("accounts", accounts_demo),
    ("catalog", catalog_demo),
    ("datastore", datastore_demo),
    ("demand", demand_demo),
    ("projects", projects_demo),
    ("events", events_demo),
    ("community", community_demo),
)
SEED = 42


class Command(BaseCommand):
    help = "Load the demo city: organisations, people of every role, datasets, tables, requests and projects."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", nargs="*", default=None, help="Load only these apps (e.g. accounts catalog).")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(email="admin@example.org").exists():
            self.stdout.write("Demo data is already loaded; delete var/ to start again.")
            return
        for app, module in DEMO_MODULES:
            if options["only"] and app not in options["only"]:
                continue
            # Each app seeds its own generator so adding data to one app never changes another's.
            rng = random.Random(f"{SEED}-{app}")
            with transaction.atomic():
                module.load(rng, self.stdout)
            self.stdout.write(self.style.SUCCESS(f"Loaded demo data: {app}"))
