"""Benchmark: 50 slow readers (512 B/s, each from its own loopback address) attached to a large file download
of a production-like `civicdata serve`, while /healthz and /api/status are asked in turn. Every probe must
answer 200 (checked); the figures are how fast they answered, before and while the readers were attached.

Run: .venv/bin/python bench/slow_readers.py [--readers 50] [--megabytes 32]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import ROOT, arguments, check, header, write_section
from _site import migrate, percentile, production_env, publish_big_file, serving, slow_reader_scenario


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} | {percentile(values, 0.95) * 1000:.1f} | {max(values) * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--megabytes", type=int, default=32)
    args = arguments(parser)
    if args.smoke:
        args.readers, args.megabytes = 10, 4
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="slow-readers-", dir=ROOT / "bench" / "out") as tmp:
        work = Path(tmp)
        env = production_env(work)
        migrate(env)
        path = publish_big_file(env, megabytes=args.megabytes)
        with serving(env, log=work / "serve.log") as site:
            result = slow_reader_scenario(site, path, readers=args.readers)
    answered = result.attached + sum(result.refused.values())
    check(not result.unanswered, f"readers without an answer: {result.unanswered[:5]}")
    check(result.attached > 0, "no reader was attached: the scenario did not hold any thread")
    check(all(a.status == 200 for a in result.healthz), f"/healthz: {[a.status for a in result.healthz]}")
    check(all(a.status == 200 for a in result.api), f"/api/status: {[a.status for a in result.api]}")
    refused = ", ".join(f"{n} × {status}" for status, n in sorted(result.refused.items())) or "none"
    lines = [
        "## Slow readers",
        "",
        header(
            "slow_readers.py",
            "`civicdata serve` defaults (2 gunicorn gthread workers × 32 threads, "
            "DOWNLOAD_SLOTS=24, DOWNLOAD_SLOTS_PER_CLIENT=4), CIVICDATA_ENV=production on SQLite; "
            "the machine's 2 cores are shared with other jobs",
        ),
        "",
        (
            f"{args.readers} clients, each from its own loopback address, ask for a {args.megabytes} MB distribution "
            "file and read it at 512 bytes a second with a 4 KB receive window. "
            f"{result.attached} stayed attached (reading) during the probes; refused at once: {refused} "
            f"({answered} of {args.readers} answered). Each probe is a new connection, asked one after another."
        ),
        "",
        "| probe | n | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
        f"| `/healthz`, no reader | {len(result.baseline)} | {ms([a.seconds for a in result.baseline])} |",
        f"| `/healthz`, readers attached | {len(result.healthz)} | {ms([a.seconds for a in result.healthz])} |",
        f"| `/api/status`, readers attached | {len(result.api)} | {ms([a.seconds for a in result.api])} |",
        "",
        "Every probe answered 200 (checked). Target: `/healthz` under 100 ms with 50 slow readers attached.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("Slow readers", text)


if __name__ == "__main__":
    main()
