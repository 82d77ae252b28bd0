"""The production topology (issue 12, item 6): two `civicdata serve --with-worker` nodes (so two workers on
the default queue, one per node) on one PostgreSQL database and one shared DATA_DIR, behind a small
round-robin proxy on loopback, as docs/deploy.md describes scaling out.

Proven here, with real processes on free loopback ports:
- a person signs in through the proxy (the form from one node, the answer from the other) and the session
  works on both nodes;
- files uploaded through both nodes are each loaded exactly once (one job, one task run by one worker, one
  table version), and each table loaded through one node is served by the other;
- concurrent votes (each voter sending the same vote to both nodes at once) stay exact;
- a worker killed (SIGKILL) in the middle of a load loses nothing: its node restarts it, the load is marked
  failed with the reason and its retry loads every row;
- with one node stopped, the other still serves the session, the tables and the counts.

PostgreSQL: the database server of DATABASE_URL when it names one (CI's PostgreSQL pass; a scratch database
is created on it and dropped), else a throwaway cluster from Debian's postgresql (`initdb`) when installed;
otherwise the test is skipped with that reason. Bounded: every wait has a deadline, every request a timeout,
and every process is stopped in a `finally`.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _site import civicdata, free_port, production_env, serving  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs the whole 127.0.0.0/8 as loopback"),
]

#: Seconds any one wait may take (a busy shared CI machine can be slow, never this slow).
WAIT = 240
VOTERS = 30
BIG_ROWS = 300_000
PASSWORD = "a-long-test-password"

SETUP = """
import json
from allauth.account.models import EmailAddress
from civicdata.accounts.services import issue_api_token
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.demand import services

parks = make_organization("Parks", slug="parks")
editor = make_member(parks, role="editor", user=make_user("editor@example.org"))
EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
dataset = make_dataset(parks, title="Street trees")
request = services.create_request(by=editor, title="Tree inspections by street", description="x")
tokens = [issue_api_token(make_user(f"voter-{{n}}@example.org"), name="t")[1] for n in range({voters})]
print(json.dumps({{"dataset": dataset.name, "request": request.pk, "tokens": tokens}}))
"""


# -- PostgreSQL ------------------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@contextmanager
def _throwaway_cluster(pg_bin: Path) -> Iterator[str]:
    """A PostgreSQL cluster in a scratch folder on a free loopback port (as .ci/run starts one)."""
    folder = Path(tempfile.mkdtemp(prefix="civicdata-topology-pg-"))
    port = free_port()
    as_postgres: list[str] = []
    if os.getuid() == 0:  # initdb and postgres refuse to run as root
        if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            pytest.skip("PostgreSQL is unavailable: running as root and there is no postgres account")
        shutil.chown(folder, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    try:
        subprocess.run(
            [*as_postgres, str(pg_bin / "initdb"), "-D", str(data), "-U", "civicdata", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            timeout=WAIT,
        )
        subprocess.run(
            [
                *as_postgres,
                str(pg_bin / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-w",
                "-t",
                "120",
                "-o",
                f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=WAIT,
        )
        yield f"postgres://civicdata@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=WAIT,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    with ExitStack() as stack:
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith(("postgres://", "postgresql://")):
            pg_bin = _pg_bin()
            if pg_bin is None:
                pytest.skip("PostgreSQL is unavailable: DATABASE_URL names no PostgreSQL server and initdb is missing")
            server = stack.enter_context(_throwaway_cluster(pg_bin))
        name = f"civicdata_topology_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- a round-robin proxy and a small HTTP client -----------------------------------------------------------


class RoundRobinProxy(threading.Thread):
    """Forwards each incoming connection to the next backend port in turn (clients send Connection: close,
    so every request is a new connection); `served` counts connections per backend."""

    def __init__(self, ports: list[int]) -> None:
        super().__init__(daemon=True)
        self.ports = ports
        self.served: Counter[int] = Counter()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self._turn = 0

    def run(self) -> None:
        with self.listener:
            while not self.stopped.is_set():
                try:
                    client, _address = self.listener.accept()
                except TimeoutError:
                    continue
                port = self.ports[self._turn % len(self.ports)]
                self._turn += 1
                self.served[port] += 1
                threading.Thread(target=self._forward, args=(client, port), daemon=True).start()

    @staticmethod
    def _forward(client: socket.socket, port: int) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", port), timeout=60)
        except OSError:
            client.close()
            return
        client.settimeout(60)

        def pipe(source: socket.socket, target: socket.socket) -> None:
            try:
                while chunk := source.recv(65536):
                    target.sendall(chunk)
            except OSError:
                pass
            finally:
                with suppress(OSError):
                    target.shutdown(socket.SHUT_WR)

        back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        back.start()
        pipe(client, upstream)
        back.join(120)
        upstream.close()
        client.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(5)


class Browser:
    """Cookies and requests, one new connection per request (through the proxy, a new node each time)."""

    def __init__(self, source: str = "127.0.0.1") -> None:
        self.cookies: dict[str, str] = {}
        self.source = source

    def request(
        self, port: int, path: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(self.source, 0))
        try:
            sent = {"Connection": "close", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for line in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = line.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), data
        finally:
            connection.close()

    def csrf(self, port: int, path: str) -> str:
        status, _headers, body = self.request(port, path)
        assert status == 200, f"GET {path}: {status}"
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert found, f"no CSRF token on {path}"
        return found.group(1).decode()

    def post_form(self, port: int, path: str, fields: dict[str, str], *, token_from: str | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf(port, token_from or path), **fields}
        body = urlencode(fields).encode()
        return self.request(
            port, path, method="POST", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def upload(self, port: int, path: str, name: str, content: bytes) -> tuple[int, dict[str, str], bytes]:
        token = self.csrf(port, path)
        boundary = secrets.token_hex(12)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'.encode(),
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        return self.request(
            port,
            path,
            method="POST",
            body=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": f"http://127.0.0.1{path}"},
        )


# -- waiting on the shared database ----------------------------------------------------------------------


def wait_until(check, message: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{message} (after {timeout:.0f} s)"
        time.sleep(0.3)


def rows(url: str, sql: str, *params: object) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql, params).fetchall()


def job_id_of(headers: dict[str, str]) -> int:
    found = re.search(r"/datastore/jobs/(\d+)/", headers.get("Location", ""))
    assert found, f"the upload did not lead to its load: {headers}"
    return int(found.group(1))


def small_csv(n: int) -> bytes:
    return b"id,species\n" + b"".join(f"{i},tree {n}-{i}\n".encode() for i in range(10 + n))


def big_csv() -> bytes:
    lines = (f"{i},name {i},{i * 1.5},2024-01-{i % 28 + 1:02d}\n" for i in range(BIG_ROWS))
    return ("id,name,amount,when\n" + "".join(lines)).encode()


# -- the test ----------------------------------------------------------------------------------------------


def test_two_nodes_two_workers_one_database(tmp_path: Path, postgres_url: str) -> None:
    # Short heartbeats so the sweeps see a killed worker quickly; one gunicorn process per node.
    env = production_env(tmp_path, database_url=postgres_url, WORKER_HEARTBEAT_SECONDS="1", WEB_CONCURRENCY="1")
    civicdata(env, "migrate", "--noinput", "-v", "0", timeout=WAIT * 5)
    # Production pages name hashed static files from the manifest collectstatic writes.
    civicdata(env, "collectstatic", "--noinput", "-v", "0", timeout=WAIT * 5)
    setup = json.loads(civicdata(env, "shell", stdin=SETUP.format(voters=VOTERS)).strip().splitlines()[-1])
    load_path = f"/data/{setup['dataset']}/load/"

    with ExitStack() as stack:
        node_a = stack.enter_context(serving(env, "--with-worker", "--threads", "8", log=tmp_path / "a.log"))
        node_b = stack.enter_context(serving(env, "--with-worker", "--threads", "8", log=tmp_path / "b.log"))
        proxy = RoundRobinProxy([node_a.port, node_b.port])
        proxy.start()
        stack.callback(proxy.stop)
        nodes = (node_a.port, node_b.port)

        # Signing in: the form comes from one node, the answer from the other.
        editor = Browser()
        status, headers, _body = editor.post_form(
            proxy.port, "/accounts/login/", {"login": "editor@example.org", "password": PASSWORD}
        )
        assert status == 302, f"sign-in answered {status}"
        for port in nodes:
            assert editor.request(port, load_path)[0] == 200, "the session must work on both nodes"
        assert Browser().request(node_b.port, load_path)[0] in {302, 403}, "the load page is not public"

        # Four uploads, through both nodes: each loads exactly once.
        jobs = {}
        for n in range(4):
            port = nodes[n % 2]
            status, headers, body = editor.upload(port, load_path, f"trees-{n}.csv", small_csv(n))
            assert status == 302, f"upload {n} through node {port}: {status} {body[:500]!r}"
            jobs[job_id_of(headers)] = (port, 10 + n)
        wait_until(
            lambda: {s for (s,) in rows(postgres_url, "SELECT status FROM datastore_ingestjob")} == {"succeeded"},
            "the four loads did not all succeed",
        )
        loaded = rows(
            postgres_url,
            "SELECT j.id, j.worker_id, t.name, t.version, t.row_count FROM datastore_ingestjob j "
            "JOIN datastore_datatable t ON t.id = j.table_id ORDER BY j.id",
        )
        assert [job for job, *_ in loaded] == sorted(jobs), "one job per upload, no more"
        assert all(version == 1 for *_, version, _count in loaded), "each table was written once"
        assert [count for *_, count in loaded] == [jobs[job][1] for job in sorted(jobs)]
        tasks = rows(postgres_url, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
        load_runs = [ids for status, ids in tasks if status == "SUCCESSFUL"]
        assert load_runs, "no task ran"
        assert all(len(ids) == 1 for ids in load_runs), f"a task ran more than once: {tasks}"
        # Each table, loaded through one node, is served by the other.
        for job, _worker, table, _version, count in loaded:
            other = nodes[1 - nodes.index(jobs[job][0])]
            status, _h, body = editor.request(other, f"/api/data/{setup['dataset']}/{table}?limit=100")
            assert status == 200, f"table {table} on the other node: {status}"
            assert len(json.loads(body)["rows"]) == count

        # Votes: every voter sends the same vote to both nodes at once; each is counted once.
        def vote(pair: tuple[int, str]) -> list[int]:
            n, token = pair
            voter = Browser(f"127.0.{1 + n // 250}.{1 + n % 250}")
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            path = f"/api/demand/requests/{setup['request']}/vote"
            with ThreadPoolExecutor(2) as both:
                answers = both.map(
                    lambda port: voter.request(port, path, method="POST", body=b"{}", headers=headers), nodes
                )
                return [status for status, _h, _b in answers]

        with ThreadPoolExecutor(16) as pool:
            statuses = [s for answer in pool.map(vote, enumerate(setup["tokens"])) for s in answer]
        assert set(statuses) <= {200}, Counter(statuses)
        counted = rows(
            postgres_url,
            "SELECT r.vote_count, (SELECT count(*) FROM demand_vote v WHERE v.request_id = r.id) "
            "FROM demand_datarequest r WHERE r.id = %s",
            setup["request"],
        )
        assert counted == [(VOTERS, VOTERS)]

        # A worker killed in the middle of a big load: nothing is lost.
        status, headers, body = editor.upload(proxy.port, load_path, "inspections.csv", big_csv())
        assert status == 302, f"big upload: {status} {body[:500]!r}"
        big = job_id_of(headers)
        worker_id = wait_until(
            lambda: [
                w
                for s, w in rows(postgres_url, "SELECT status, worker_id FROM datastore_ingestjob WHERE id = %s", big)
                if s == "running" and w
            ],
            "no worker started the big load",
        )[0]
        (pid,) = rows(postgres_url, "SELECT pid FROM core_workerheartbeat WHERE worker_id = %s", worker_id)[0]
        os.kill(pid, signal.SIGKILL)
        wait_until(
            lambda: (
                rows(postgres_url, "SELECT status, attempt FROM datastore_ingestjob WHERE id > %s", big)
                == [("succeeded", 2)]
            ),
            "the killed load was not retried to the end",
        )
        ((status, error),) = rows(postgres_url, "SELECT status, error FROM datastore_ingestjob WHERE id = %s", big)
        assert status == "failed"
        assert "The worker stopped while this was running" in json.dumps(error)
        ((table, count),) = rows(
            postgres_url,
            "SELECT t.name, t.row_count FROM datastore_datatable t JOIN datastore_ingestjob j ON j.table_id = t.id "
            "WHERE j.id = %s",
            big,
        )
        assert count == BIG_ROWS
        assert rows(postgres_url, "SELECT count(*) FROM datastore_ingestjob WHERE status IN ('queued', 'running')") == [
            (0,)
        ]

        # One node stopped: the other still serves the session, the tables and the counts.
        node_a.process.send_signal(signal.SIGTERM)
        node_a.process.wait(timeout=WAIT)
        assert editor.request(node_b.port, load_path)[0] == 200
        status, _h, body = editor.request(node_b.port, f"/api/data/{setup['dataset']}/{table}?limit=1")
        assert status == 200
        status, _h, body = Browser().request(node_b.port, f"/api/demand/requests/{setup['request']}")
        assert (status, json.loads(body)["votes"]) == (200, VOTERS)
        assert proxy.served[node_a.port] > 0
        assert proxy.served[node_b.port] > 0
