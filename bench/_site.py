"""A production-like site on loopback for the HTTP benchmarks and tests: `civicdata serve` (gunicorn, gthread)
with CIVICDATA_ENV=production on a free port, its own DATA_DIR and database (SQLite in the scratch folder
unless DATABASE_URL names a PostgreSQL one), plus small HTTP helpers that never wait without a bound.

Used by the HTTP benchmarks (slow_readers, http_load, events_pages, community_pages, catalog_serving) and
tests/test_slow_clients.py; `Client` and `run_clients` are their load generator.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Seconds a site may take to answer /healthz after start (generous: shared CI machines can be very busy).
START_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(data_dir: Path, *, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a production site in `data_dir` (plain HTTP on loopback, console e-mail)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CIVICDATA_ENV", "DATABASE_URL")}
    env |= {
        "CIVICDATA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url or f"sqlite:///{data_dir / 'db.sqlite3'}",
        "DATA_DIR": str(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL": "false",
        "TRUST_PROXY_HEADERS": "false",
        "EMAIL_URL": "console://",
        "LOG_LEVEL": "WARNING",
    }
    return env | extra


def civicdata(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 600) -> str:
    """Run `civicdata <args>` in `env`; its standard output, or SystemExit with its error output."""
    done = subprocess.run(
        [sys.executable, "-m", "civicdata.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"civicdata {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class Site:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def host(self) -> str:
        return "127.0.0.1"


@contextmanager
def serving(env: dict[str, str], *args: str, log: Path, port: int | None = None) -> Iterator[Site]:
    """`civicdata serve --bind 127.0.0.1:<port> <args>` (a free port unless given) until the block ends
    (SIGTERM, then wait)."""
    port = port or free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "civicdata.cli", "serve", "--bind", f"127.0.0.1:{port}", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    site = Site(port=port, process=process, log=log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise SystemExit(f"civicdata serve stopped with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if get(site, "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"civicdata serve did not answer within {START_SECONDS} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield site
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)


def get(
    site: Site,
    path: str,
    *,
    timeout: float = 30,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str | None = None,
) -> Answer:
    """One request on a new connection (from loopback address `source` when given); raises OSError on timeout."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        site.host, site.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, data, time.perf_counter() - started, dict(response.getheaders()))
    finally:
        connection.close()


class SlowReader(threading.Thread):
    """A client at its own loopback address that asks for `path` and then reads `rate` bytes a second
    until told to stop; `status` is the answer's status (0 until the status line arrived)."""

    def __init__(self, site: Site, path: str, *, number: int, rate: int = 512) -> None:
        super().__init__(daemon=True)
        self.site, self.path, self.rate = site, path, rate
        # 127.0.0.0/8 is all loopback on Linux: each reader is a different client address.
        self.source = f"127.0.{1 + number // 250}.{1 + number % 250}"
        self.status = 0
        self.received = 0
        self.error = ""
        self.answered = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            with socket.create_connection(
                (self.site.host, self.site.port), timeout=60, source_address=(self.source, 0)
            ) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window, as a slow link has
                sock.sendall(f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                head = b""
                while b"\r\n" not in head:
                    chunk = sock.recv(64)
                    if not chunk:
                        break
                    head += chunk
                self.status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else -1
                self.received = len(head)
                self.answered.set()
                while not self.stop.is_set():
                    chunk = sock.recv(self.rate)
                    if not chunk:
                        break
                    self.received += len(chunk)
                    self.stop.wait(1)
        except OSError as exc:
            self.error = str(exc)
        finally:
            self.answered.set()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


BIG_FILE_SCRIPT = """
from django.core.files.uploadedfile import SimpleUploadedFile
from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog import services
from civicdata.catalog.models import DistributionFile
from civicdata.catalog.tests.factories import make_dataset

parks = make_organization("Parks", slug="parks")
editor = make_member(parks, role="editor")
dataset = make_dataset(parks, title="Street trees, every inspection")
row = b"1234567,Quercus rubra,Northern red oak,42.3601,-71.0589,good,2024-05-01\\n"
content = b"id,species,common_name,lat,lon,condition,inspected\\n" + row * ({size} // len(row))
distribution = services.add_distribution_file(
    dataset, upload=SimpleUploadedFile("trees.csv", content, content_type="text/csv"),
    title="Inspections", by=editor, site_url="http://127.0.0.1/",
)
print(DistributionFile.objects.get(distribution=distribution).get_absolute_url())
"""


def migrate(env: dict[str, str]) -> None:
    """A migrated database for the site: SQLite is copied from bench/_common's cached template (`civicdata
    migrate` run once per set of migrations), PostgreSQL is migrated."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        from _common import migrated_sqlite

        migrated_sqlite(Path(url.removeprefix("sqlite://")))
    else:
        civicdata(env, "migrate", "--noinput", "-v", "0")


def publish_big_file(env: dict[str, str], *, megabytes: int) -> str:
    """Publish a dataset with one uploaded CSV file of about `megabytes` MB; its download path."""
    out = civicdata(env, "shell", stdin=BIG_FILE_SCRIPT.replace("{size}", str(megabytes * 1024 * 1024)))
    return out.strip().splitlines()[-1]


@dataclass
class SlowReaderResult:
    readers: int
    attached: int  # answered 200 and kept reading slowly
    refused: dict[int, int]  # status → count (503 every slot busy, 429 one client's share)
    unanswered: list[str]  # readers that got no status line (with their error)
    healthz: list[Answer]  # /healthz while the readers were attached
    api: list[Answer]  # /api/status (the full Django stack and the rate-limit store) meanwhile
    baseline: list[Answer]  # /healthz before any reader


def slow_reader_scenario(
    site: Site, path: str, *, readers: int, probes: int = 40, answer_seconds: float = 60
) -> SlowReaderResult:
    """Attach `readers` slow readers (each its own address, 512 B/s) to `path`, then ask /healthz and
    /api/status `probes` times each while they stay attached."""
    baseline = [get(site, "/healthz") for _ in range(10)]
    attached_readers = [SlowReader(site, path, number=n) for n in range(readers)]
    for reader in attached_readers:
        reader.start()
    try:
        deadline = time.monotonic() + answer_seconds
        for reader in attached_readers:
            reader.answered.wait(max(0.0, deadline - time.monotonic()))
        time.sleep(2)  # the attached downloads fill their socket buffers and block their threads
        healthz, api = [], []
        for _ in range(probes):
            healthz.append(get(site, "/healthz"))
            api.append(get(site, "/api/status"))
        still = sum(1 for r in attached_readers if r.status == 200 and r.is_alive())
    finally:
        for reader in attached_readers:
            reader.stop.set()
    refused: dict[int, int] = {}
    for reader in attached_readers:
        if reader.status not in (0, 200):
            refused[reader.status] = refused.get(reader.status, 0) + 1
    unanswered = [f"{r.source}: {r.error or 'no answer'}" for r in attached_readers if r.status == 0]
    return SlowReaderResult(readers, still, refused, unanswered, healthz, api, baseline)


class Client(threading.Thread):
    """Asks `paths` in turn on one keep-alive connection until `stop_at`; records (path, status, seconds)."""

    def __init__(self, port: int, paths: list[str], number: int, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.port, self.paths, self.stop_at = port, paths, stop_at
        self.source = f"127.0.{1 + number // 250}.{1 + number % 250}"
        self.results: list[tuple[str, int, float]] = []

    def run(self) -> None:
        connection = None
        turn = 0
        while time.monotonic() < self.stop_at:
            path = self.paths[turn % len(self.paths)]
            turn += 1
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
                    )
                connection.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                status = 0
                if connection is not None:
                    connection.close()
                connection = None
            self.results.append((path, status, time.perf_counter() - started))
        if connection is not None:
            connection.close()


def run_clients(port: int, paths: list[str], *, clients: int, seconds: float, label: str) -> tuple[list, float]:
    """`clients` Client threads ask `paths` for `seconds`; their (path, status, seconds) results and the
    elapsed time. Every answer must be 200 (else SystemExit naming a few)."""
    stop_at = time.monotonic() + seconds
    threads = [Client(port, paths, n, stop_at) for n in range(clients)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.monotonic() - begun
    results = [r for thread in threads for r in thread.results]
    errors = [r for r in results if r[1] != 200]
    if not results or errors:
        raise SystemExit(f"CHECK FAILED: {label}: {len(errors)} answers other than 200, e.g. {errors[:3]}")
    return results, elapsed


def collected_static(env: dict[str, str], work: Path) -> None:
    """`collectstatic` into `work`/static, copied from bench/out/ when the static sources did not change
    (collecting and compressing every USWDS file takes minutes on a busy machine)."""
    digest = hashlib.sha256()
    for path in sorted([ROOT / "package-lock.json", *ROOT.glob("civicdata/static/**/*.*")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    cached = ROOT / "bench" / "out" / f"static-{digest.hexdigest()[:16]}"
    if not cached.is_dir():
        civicdata(env, "collectstatic", "--noinput", "-v", "0", timeout=1800)
        shutil.copytree(work / "static", cached.with_suffix(".part"), dirs_exist_ok=True)
        cached.with_suffix(".part").rename(cached)
    else:
        shutil.copytree(cached, work / "static", dirs_exist_ok=True)


@contextmanager
def scratch_site(prefix: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """A scratch folder under bench/out/ (removed afterwards) with a migrated production database and the
    collected static files: (folder, environment) for `civicdata` and `serving`."""
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=ROOT / "bench" / "out") as tmp:
        work = Path(tmp)
        env = production_env(work)
        migrate(env)
        collected_static(env, work)
        yield work, env


def measure_endpoints(
    site: Site,
    endpoints: dict[str, list[str]],
    *,
    clients: int,
    seconds: float,
    inspect: Callable[[str, Answer], None] | None = None,
) -> list[tuple[str, int, float, float, float, float]]:
    """Per endpoint: each address asked once first (compiled templates and caches warm; every answer must
    be 200, and `inspect` may check its body), then `clients` clients for `seconds`. Rows of (label,
    requests, requests/s, p50, p95, p99 seconds)."""
    rows = []
    for label, paths in endpoints.items():
        for path in paths:
            answer = get(site, path, timeout=120)
            if answer.status != 200:
                raise SystemExit(f"CHECK FAILED: {path} answered {answer.status}")
            if inspect is not None:
                inspect(path, answer)
        results, elapsed = run_clients(site.port, paths, clients=clients, seconds=seconds, label=label)
        times = [r[2] for r in results]
        rows.append((label, len(results), len(results) / elapsed, percentile(times, 0.5), percentile(times, 0.95),
                     percentile(times, 0.99)))  # fmt: skip
    return rows
