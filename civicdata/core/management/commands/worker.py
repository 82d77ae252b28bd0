"""`civicdata worker`: runs queued background tasks from the database queue.

Each worker names itself, writes a heartbeat every WORKER_HEARTBEAT_SECONDS and, when it starts, fails
the work of workers that died (see `civicdata.core.workers`), so a killed worker's jobs never stay
"running". `--queue links` serves only link checks; `--queue default` everything else.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (harvests, table loads, link checks, digests) from the database-backed queue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue.")
        parser.add_argument("--max-tasks", type=int, default=0, help="Stop after this many tasks (0: never).")
        parser.add_argument(
            "--queue",
            default="*",
            help="Queues to serve, comma-separated: 'default' (loads, harvests, schedules), 'links' (link "
            "checks); '*' serves all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from civicdata.core.schedule import ensure_periodic_tasks_queued
        from civicdata.core.workers import WORKER_ID_ENV, new_worker_id, start_worker_heartbeat, sweep_stopped_work

        queue = options["queue"]
        worker_id = new_worker_id()
        # Tasks read it (current_worker_id()) to sign the jobs they run.
        os.environ[WORKER_ID_ENV] = worker_id
        beat = start_worker_heartbeat(worker_id, queues=queue)
        try:
            for name, count in sweep_stopped_work().items():
                if count:
                    self.stdout.write(f"Marked {count} {name} failed: their worker had stopped.")
            if queue == "*" or "default" in queue.split(","):
                for path in ensure_periodic_tasks_queued():
                    self.stdout.write(f"Scheduled {path}")
            extra = ["--max-tasks", str(options["max_tasks"])] if options["max_tasks"] else []
            call_command(
                "db_worker",
                "--queue-name",
                queue,
                "--worker-id",
                worker_id,
                "--interval",
                str(options["interval"]),
                "--no-startup-delay",
                # `serve` restarts a worker that stops; the autoreloader would hide its real process.
                "--no-reload",
                *extra,
            )
        finally:
            beat.stop()
