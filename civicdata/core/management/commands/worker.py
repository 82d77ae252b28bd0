"""`civicdata worker`: runs queued background tasks from the database queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (harvests, table loads, digests) from the database-backed queue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue.")
        parser.add_argument("--max-tasks", type=int, default=0, help="Stop after this many tasks (0: never).")

    def handle(self, *args: Any, **options: Any) -> None:
        from civicdata.core.schedule import ensure_periodic_tasks_queued

        for path in ensure_periodic_tasks_queued():
            self.stdout.write(f"Scheduled {path}")
        extra = ["--max-tasks", str(options["max_tasks"])] if options["max_tasks"] else []
        call_command("db_worker", "--interval", str(options["interval"]), "--no-startup-delay", *extra)
