"""`civicdata serve`: the web server (gunicorn), optionally with background workers beside it.

Stopping `serve` (Ctrl+C, or SIGTERM from a process manager) stops every child and waits for them,
so no gunicorn or worker is left running without its parent. With `--with-worker` it supervises one
worker per queue (`default`, `links`): a worker that dies is reaped and started again after a pause
that grows while it keeps dying. `serve` exits non-zero when the address cannot be bound or gunicorn
fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from civicdata.core.workers import QUEUES

#: Threads per web process. A thread writing a download waits on the client; at most DOWNLOAD_SLOTS (24)
#: threads do that at once, so at least 8 are always free for pages, the API and health checks.
DEFAULT_THREADS = 32
# gunicorn finishes the requests in flight within this many seconds; the worker finishes its task.
STOP_TIMEOUT = 30
#: Seconds to wait before restarting a worker that died, by how many times in a row it died quickly.
RESTART_DELAYS = (1, 2, 5, 10, 30, 60)
#: A worker that ran this many seconds before dying starts again at the shortest delay.
STABLE_SECONDS = 60
#: How often serve looks at its children.
SUPERVISE_SECONDS = 0.5


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


def check_bind(bind: str) -> None:
    """Raise CommandError when `host:port` cannot be bound (the way gunicorn binds it), so `serve`
    says so and exits non-zero instead of starting workers beside a server that cannot listen."""
    host, _sep, port = bind.rpartition(":")
    if not host or not port.isdigit() or bind.startswith("unix:"):
        return  # a unix socket or an unusual form: gunicorn reports its own errors
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            raise CommandError(f"Cannot listen on {bind}: {exc.strerror or exc}. Is another server using it?") from None


@dataclass
class Supervised:
    """A worker `serve` keeps running: its command, current process and restart bookkeeping."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    env: dict[str, str] | None = None

    def start(self) -> subprocess.Popen:
        self.process = subprocess.Popen(self.command, env=self.env)  # noqa: S603
        self.started = time.monotonic()
        self.restart_at = None
        return self.process

    def check(self, now: float) -> str | None:
        """Reap a dead worker and plan its restart; start it when its pause is over. Returns a line
        to print, or None."""
        if self.process is None:
            return None
        code = self.process.poll()
        if code is None:
            return None
        if self.restart_at is None:
            ran = now - self.started
            self.quick_deaths = 0 if ran >= STABLE_SECONDS else self.quick_deaths + 1
            delay = RESTART_DELAYS[min(self.quick_deaths, len(RESTART_DELAYS) - 1)]
            self.restart_at = now + delay
            return f"Worker {self.name} (pid {self.process.pid}) stopped with status {code}; restarting in {delay} s."
        if now >= self.restart_at:
            process = self.start()
            return f"Worker {self.name} restarted (pid {process.pid})."
        return None


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
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", str(DEFAULT_THREADS))),
            help="Threads per web process (gthread); more than DOWNLOAD_SLOTS, so slow downloads never take them all.",
        )
        parser.add_argument("--with-worker", action="store_true", help="Also start `civicdata worker`.")

    def handle(self, *args: Any, **options: Any) -> None:
        check_bind(options["bind"])
        slots = int(getattr(settings, "DOWNLOAD_SLOTS", 0))
        if slots and slots >= options["threads"]:
            self.stderr.write(
                f"DOWNLOAD_SLOTS ({slots}) is not below --threads ({options['threads']}): slow downloads could "
                "take every thread and stall pages."
            )
        web: subprocess.Popen | None = None
        workers: list[Supervised] = []
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            env = child_environment(options["bind"])
            if env.get("SITE_URL") != os.environ.get("SITE_URL"):
                self.stdout.write(f"Links in e-mails point to {env['SITE_URL']} (set SITE_URL to change it).")
            if options["with_worker"]:
                for queue in QUEUES:
                    worker = Supervised(
                        queue, [sys.executable, "-m", "civicdata.cli", "worker", "--queue", queue], env=env
                    )
                    process = worker.start()
                    workers.append(worker)
                    self.stdout.write(f"Background worker for the {queue} queue started (pid {process.pid}).")
            self.stdout.write(f"Serving on http://{options['bind']}/ — press Ctrl+C to stop.")
            command = [
                sys.executable, "-m", "gunicorn", "civicdata.wsgi:application",
                "--bind", options["bind"],
                "--workers", str(options["workers"]),
                "--worker-class", "gthread",
                "--threads", str(options["threads"]),
                "--timeout", "120",
                "--graceful-timeout", str(STOP_TIMEOUT - 5),
                "--access-logfile", "-",
                # gunicorn 27 shares one control socket path between instances; two sites on one host
                # (or a benchmark beside the demo) would stop each other through it.
                "--no-control-socket",
            ]  # fmt: skip
            web = subprocess.Popen(command, env=env)  # noqa: S603
            code = self.supervise(web, workers)
            if code != 0:
                raise CommandError(f"The web server stopped with status {code}.", returncode=code if code > 0 else 1)
        except (KeyboardInterrupt, Stop):
            self.stdout.write("Stopping…")
        finally:
            # A second Ctrl+C must not interrupt the wait below and leave children behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            children = [w.process for w in workers if w.process is not None]
            try:
                stop_children([web, *children] if web is not None else children)
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, previous)

    def supervise(self, web: subprocess.Popen, workers: list[Supervised]) -> int:
        """Until gunicorn exits (returning its status), reap and restart workers that die."""
        while (code := web.poll()) is None:
            now = time.monotonic()
            for worker in workers:
                line = worker.check(now)
                if line:
                    self.stdout.write(line)
            time.sleep(SUPERVISE_SECONDS)
        return code
