"""`civicdata serve`: the web server (gunicorn), optionally with a background worker beside it.

Stopping `serve` (Ctrl+C, or SIGTERM from a process manager) stops both children and waits for them,
so no gunicorn or worker is left running without its parent.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

# gunicorn finishes the requests in flight within this many seconds; the worker finishes its task.
STOP_TIMEOUT = 30


class Stop(Exception):
    """Raised in the main thread when serve receives SIGTERM (SIGINT raises KeyboardInterrupt)."""


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def stop_children(children: list[subprocess.Popen], *, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM every child still running, wait for each (no zombies), SIGKILL those that outlive `timeout`."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def site_url_for(bind: str) -> str:
    """The address e-mails should link to when SITE_URL is not set: the one the site is served at.
    A wildcard bind (0.0.0.0, ::) is reached through this machine's name; a unix socket gives ""."""
    if bind.startswith(("unix:", "fd://")):
        return ""
    host, _, port = bind.rpartition(":")
    if not host:
        host, port = port, ""
    host = host.strip("[]")
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 (read, not bound, here)
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}" if port else f"http://{host}"


def child_environment(bind: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of gunicorn and the worker: SITE_URL set from the bind address unless configured."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("SITE_URL"):
        url = site_url_for(bind)
        if url:
            env["SITE_URL"] = url
    return env


class Command(BaseCommand):
    help = "Serve the site with gunicorn; --with-worker also runs the background task worker (the demo does)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"), help="host:port")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--with-worker", action="store_true", help="Also start `civicdata worker`.")

    def handle(self, *args: Any, **options: Any) -> None:
        children: list[subprocess.Popen] = []
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            env = child_environment(options["bind"])
            if env.get("SITE_URL") != os.environ.get("SITE_URL"):
                self.stdout.write(f"Links in e-mails point to {env['SITE_URL']} (set SITE_URL to change it).")
            if options["with_worker"]:
                worker = subprocess.Popen([sys.executable, "-m", "civicdata.cli", "worker"], env=env)
                children.append(worker)
                self.stdout.write(f"Background worker started (pid {worker.pid}).")
            self.stdout.write(f"Serving on http://{options['bind']}/ — press Ctrl+C to stop.")
            command = [
                sys.executable, "-m", "gunicorn", "civicdata.wsgi:application",
                "--bind", options["bind"],
                "--workers", str(options["workers"]),
                "--threads", str(options["threads"]),
                "--timeout", "120",
                "--graceful-timeout", str(STOP_TIMEOUT - 5),
                "--access-logfile", "-",
                # gunicorn 27 shares one control socket path between instances; two sites on one host
                # (or a benchmark beside the demo) would stop each other through it.
                "--no-control-socket",
            ]  # fmt: skip
            web = subprocess.Popen(command, env=env)  # noqa: S603
            children.append(web)
            web.wait()
        except (KeyboardInterrupt, Stop):
            self.stdout.write("Stopping…")
        finally:
            # A second Ctrl+C must not interrupt the wait below and leave children behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            try:
                stop_children(children)
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, previous)
