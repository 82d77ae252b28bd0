"""`civicdata serve`: the web server (gunicorn), optionally with a background worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn; --with-worker also runs the background task worker (the demo does)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"), help="host:port")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--with-worker", action="store_true", help="Also start `civicdata worker`.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "civicdata.cli", "worker"])
            self.stdout.write(f"Background worker started (pid {worker.pid}).")
        self.stdout.write(f"Serving on http://{options['bind']}/ — press Ctrl+C to stop.")
        command = [
            sys.executable, "-m", "gunicorn", "civicdata.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--timeout", "120",
            "--access-logfile", "-",
            # gunicorn 27 shares one control socket path between instances; two sites on one host
            # (or a benchmark beside the demo) would stop each other through it.
            "--no-control-socket",
        ]  # fmt: skip
        web = subprocess.Popen(command)  # noqa: S603
        try:
            web.wait()
        except KeyboardInterrupt:
            web.send_signal(signal.SIGTERM)
            web.wait()
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
