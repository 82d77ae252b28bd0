"""`civicdata serve --with-worker` stops gunicorn and the worker when it is stopped itself.

Runs the real command in a subprocess on a free port with its own SQLite database, then signals it the
way a process manager (SIGTERM) or a terminal (SIGINT, Ctrl+C) would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 120  # seconds; the machine running the suite may be busy
STOP_TIMEOUT = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (children of children included)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while being read
            continue
        # The command name may contain spaces and parentheses: the fields follow the last ")".
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent and child not in found]
        found.update(children)
        frontier.extend(children)
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """True while the process exists, zombies included: a zombie means nobody waited for it."""
    return (Path("/proc") / str(pid)).exists()


@pytest.fixture(scope="module")
def site_environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database of its own, shared by the tests of this module (migrating is slow)."""
    tmp_path = tmp_path_factory.mktemp("serve")
    environ = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    environ.update(
        CIVICDATA_ENV="local",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        SECRET_KEY="x" * 60,
    )
    subprocess.run(
        [sys.executable, "-m", "civicdata.cli", "migrate", "--noinput"],
        env=environ,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return environ


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_stops_gunicorn_and_the_worker(site_environment, stop_signal):
    port = free_port()
    serve = subprocess.Popen(
        [
            sys.executable, "-m", "civicdata.cli", "serve", "--with-worker",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
        ],
        env=site_environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    children: set[int] = set()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert serve.poll() is None, f"serve exited early with status {serve.returncode}"
            assert time.monotonic() < deadline, "the site did not answer /healthz in time"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        children = descendants(serve.pid)
        lines = [command_line(pid) for pid in children]
        assert any("gunicorn" in line for line in lines), lines
        assert any("civicdata.cli worker" in line for line in lines), lines

        serve.send_signal(stop_signal)
        serve.wait(timeout=STOP_TIMEOUT + 30)
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {pid: command_line(pid) for pid in children if alive(pid)}
        assert left == {}, f"still running after serve stopped: {left}"
    finally:
        # Leave nothing behind when the test fails: orphans no longer descend from serve.
        if serve.poll() is None:
            children |= descendants(serve.pid)
            serve.kill()
            serve.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def wait_for(condition, *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def workers_of(pid: int) -> dict[int, str]:
    """Worker processes below `pid`, by pid, with their command line (zombies included)."""
    return {child: command_line(child) for child in descendants(pid) if "civicdata.cli worker" in command_line(child)}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_serve_restarts_a_worker_that_was_killed_and_runs_one_per_queue(site_environment):
    """kill -9 of a worker: serve reaps it (no zombie) and starts a new one for the same queue."""
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "civicdata.cli", "serve", "--with-worker", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "1"],
        env=site_environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    children: set[int] = set()
    try:
        wait_for(lambda: len(workers_of(serve.pid)) == 2, timeout=STARTUP_TIMEOUT, message="two workers did not start")
        before = workers_of(serve.pid)
        assert sorted(line.split("--queue ")[1].strip() for line in before.values()) == ["default", "links"]
        victim = next(pid for pid, line in before.items() if "--queue links" in line)
        os.kill(victim, signal.SIGKILL)

        def replaced() -> bool:
            now = workers_of(serve.pid)
            return victim not in now and any("--queue links" in line for line in now.values())

        wait_for(replaced, timeout=STARTUP_TIMEOUT, message="the killed worker was not restarted (or left a zombie)")
        assert serve.poll() is None
        children = descendants(serve.pid)
    finally:
        children |= descendants(serve.pid) if serve.poll() is None else set()
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=STOP_TIMEOUT + 30)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_serve_exits_non_zero_when_the_port_is_taken(site_environment):
    """Another server holds the port: serve says so and exits with a failure status, starting nothing."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "civicdata.cli", "serve", "--with-worker", "--bind", f"127.0.0.1:{port}"],
            env=site_environment,
            capture_output=True,
            text=True,
            timeout=STARTUP_TIMEOUT,
        )
    assert finished.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in finished.stderr
    assert "worker" not in finished.stdout.lower()


def test_serve_sets_site_url_from_its_bind_address_unless_configured():
    """E-mail links point to the address the demo is served at; a configured SITE_URL wins."""
    from civicdata.core.management.commands.serve import child_environment, site_url_for

    assert site_url_for("127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert site_url_for("[::1]:8000") == "http://[::1]:8000"
    assert site_url_for("0.0.0.0:8000") == f"http://{socket.getfqdn()}:8000"
    assert site_url_for("unix:/run/civicdata.sock") == ""
    assert child_environment("127.0.0.1:8123", {})["SITE_URL"] == "http://127.0.0.1:8123"
    configured = {"SITE_URL": "https://data.example.gov"}
    assert child_environment("127.0.0.1:8123", configured)["SITE_URL"] == "https://data.example.gov"
