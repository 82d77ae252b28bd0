"""Shared helpers of the benchmark scripts in bench/: the machine description, the `--smoke` and
`--no-write` options every script takes, and writing a script's own marked section of docs/benchmarks.md.

A script's section sits between `<!-- NAME: start -->` and `<!-- NAME: end -->`; running the script
replaces only that block, so docs/benchmarks.md is always what the scripts last measured.
Smoke mode (`--smoke` or BENCH_SMOKE=1) runs a tiny size in seconds, asserts that the answers are right
(and equal to the peer tool's where there is one) and never writes docs/benchmarks.md; the test suite
runs every script that way (tests/test_bench_smoke.py). Helper modules start with `_` so that
`make bench` and the smoke test, which run every other bench/*.py, leave them out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
BUSY_LOAD = 1.5  # 1-minute load average above which a section says its figures were taken on a busy machine


def describe(*, with_load: bool = False) -> str:
    """Cores, RAM, CPU model and Python version (and the load average, which skews shared machines)."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        ram = f"{ram_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, TypeError):
        ram = "RAM unknown"
    text = f"{os.cpu_count()} cores, {ram}, {cpu}, Python {platform.python_version()}"
    if with_load:
        text += "; load average at start " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return text


def load_note() -> str:
    """The 1-minute load average now, flagged when the machine is busy (timings then include waiting for a core)."""
    load = os.getloadavg()[0]
    note = f"load average {load:.1f} on {os.cpu_count()} cores"
    if load > BUSY_LOAD:
        note += " — **taken on a busy machine**: wall-clock figures include waiting for a core"
    return note


def header(script: str, extra: str = "") -> str:
    """The first line of a section: script, date, machine, load (at the end of the run) and anything else."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"`bench/{script}`", today, describe(), *([extra] if extra else []), load_note()]
    return " — ".join(parts) + "."


def arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Add `--smoke` and `--no-write` and parse; smoke mode (also BENCH_SMOKE=1) never writes the docs."""
    parser.add_argument("--smoke", action="store_true", help="tiny size, check answers, do not write the docs")
    parser.add_argument("--no-write", action="store_true", help="print figures without updating docs")
    args = parser.parse_args()
    args.smoke = args.smoke or os.environ.get("BENCH_SMOKE", "") not in ("", "0")
    args.no_write = args.no_write or args.smoke
    return args


def realdata_dir() -> Path:
    """../shared/realdata (or CIVICDATA_REALDATA); exits with status 3 and a clear line when it is missing,
    which the smoke test reports as a skip (the test suite skips its real-data tests the same way)."""
    path = Path(os.environ.get("CIVICDATA_REALDATA", ROOT.parent / "shared" / "realdata"))
    if not path.is_dir():
        print(f"real data not found under {path} (set CIVICDATA_REALDATA)", file=sys.stderr)
        raise SystemExit(3)
    return path


def write_section(name: str, text: str) -> None:
    """Replace the block between this section's markers in docs/benchmarks.md (appending it when new)."""
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start, end = f"<!-- {name}: start -->", f"<!-- {name}: end -->"
    block = f"{start}\n{text.strip()}\n{end}"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    DOCS.write_text(current, encoding="utf-8")


def create_schema() -> None:
    """Create every table of a fresh scratch database straight from the models (as pytest-django's
    --no-migrations does): seconds instead of the minute that running every migration takes."""
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)


def migrated_sqlite(target: Path) -> None:
    """Put a freshly migrated SQLite database at `target`. Running every migration costs about 15 s of CPU,
    so the result is kept in bench/out/ under a key of the migration files and copied by later runs; the
    migration itself is `civicdata migrate`, as a site would run it."""
    files = sorted((ROOT / "civicdata").glob("*/migrations/*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    template = ROOT / "bench" / "out" / f"migrated-{digest.hexdigest()[:16]}.sqlite3"
    if not template.exists():
        template.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="migrate-", dir=template.parent))
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env |= {"CIVICDATA_ENV": "local", "DATA_DIR": str(work), "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}"}
        done = subprocess.run(
            [sys.executable, "-m", "civicdata.cli", "migrate", "--noinput", "-v", "0"],
            env=env,
            capture_output=True,
            text=True,
        )
        check(done.returncode == 0, f"civicdata migrate failed:\n{done.stderr[-3000:]}")
        _copy_sqlite(work / "db.sqlite3", work / "template.sqlite3")
        os.replace(work / "template.sqlite3", template)  # atomic: parallel runs never see half a file
        shutil.rmtree(work, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    _copy_sqlite(template, target)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy through SQLite's backup API, which also takes what is still in the write-ahead log."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def check(condition: bool, message: str) -> None:
    """Fail the run (exit 1) with a message: a benchmark whose answers are wrong has no figures to report."""
    if not condition:
        print(f"CHECK FAILED: {message}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    print(describe(with_load=True))
