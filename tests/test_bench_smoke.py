"""Every benchmark in bench/ runs at its tiny smoke size (`--smoke`): it must finish, and it checks its own
answers (civicdata's against the peer tool's where there is one: jsonschema, Datasette, sqlite-utils), so a
benchmark cannot quietly rot between two `make bench` runs. Smoke mode never writes docs/benchmarks.md.

Exit status 3 from a script means the real data under ../shared/realdata is missing (skipped, like the
suite's other real-data tests); 4 means the peer tools could not be installed from PyPI (skipped on a
laptop, a failure in CI, where PyPI must be reachable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_"))
REALDATA_MISSING, PEER_MISSING = 3, 4

pytestmark = [
    pytest.mark.slow,
    # The benchmarks bring their own scratch databases (SQLite); the PostgreSQL pass of CI need not repeat them.
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="benchmarks smoke-run in the SQLite pass"),
]


def test_every_benchmark_takes_the_shared_options() -> None:
    """A new benchmark is smoke-run automatically; it must parse `--smoke`/`--no-write` through _common."""
    assert "datastore_vs_datasette.py" in SCRIPTS
    assert not {"_common.py", "_demand.py"} & set(SCRIPTS)
    missing = [name for name in SCRIPTS if "arguments(parser)" not in (ROOT / "bench" / name).read_text()]
    assert missing == []


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_smoke(script: str) -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    before = docs.read_bytes() if docs.exists() else b""
    # As `make bench` runs them: no settings module or database inherited from the test run.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CIVICDATA_ENV")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    if done.returncode == REALDATA_MISSING:
        pytest.skip(f"{script}: {done.stderr.strip().splitlines()[-1]}")
    if done.returncode == PEER_MISSING and not os.environ.get("CI"):
        pytest.skip(f"{script}: peer tools unavailable (required when CI is set): {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, f"bench/{script} --smoke exited {done.returncode}:\n{output}"
    assert (docs.read_bytes() if docs.exists() else b"") == before, f"{script} --smoke wrote docs/benchmarks.md"
