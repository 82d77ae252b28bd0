"""Slow clients cannot starve the site (issue 12, item 4): with 50 slow readers attached to a large download
of a production-like `civicdata serve` on loopback, /healthz and the API still answer 200.

Functional only: how fast they answered is measured by bench/slow_readers.py (docs/benchmarks.md), never
asserted here. The readers come from 50 loopback addresses, as 50 clients would; each download beyond the
download slots is refused at once (503) instead of waiting for a thread. Bounded: every request has a
timeout, the readers stop when the probes are done, and the server is stopped with SIGTERM.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _site import migrate, production_env, publish_big_file, serving, slow_reader_scenario  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    # Its own scratch SQLite site; the PostgreSQL pass of CI need not repeat it.
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs its own SQLite site in the SQLite pass"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs the whole 127.0.0.0/8 as loopback"),
]


def test_health_and_api_answer_while_50_slow_readers_hold_downloads(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    migrate(env)
    path = publish_big_file(env, megabytes=16)
    with serving(env, log=tmp_path / "serve.log") as site:
        result = slow_reader_scenario(site, path, readers=50, probes=10)
    assert result.unanswered == [], "every reader gets an answer: a download or a refusal, never a wait"
    assert result.attached > 0, "some readers must really be holding downloads for the test to mean anything"
    assert set(result.refused) <= {503, 429}
    assert result.attached + sum(result.refused.values()) == 50
    assert [a.status for a in result.healthz] == [200] * 10
    assert [a.status for a in result.api] == [200] * 10
