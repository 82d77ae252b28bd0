"""Benchmark: a bounded loopback load test of a production-like `civicdata serve` (gunicorn gthread, its
default workers and threads, CIVICDATA_ENV=production) holding the demo city: the search page, /data.json,
the Data API and a dataset page, each hit by concurrent clients for a fixed time (60 s at most in all, then
it stops by itself), then 500 people voting for one request at the same moment. Every answer must be 200 and
the vote count must end exactly at 500 (checked).

Clients are threads of this process, each on its own keep-alive connection from its own loopback address (as
separate people would be). They share the machine's cores with the server, so the figures are a floor.

Run: .venv/bin/python bench/http_load.py [--clients 50] [--seconds 12] [--voters 500]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, arguments, check, header, write_section
from _site import civicdata, get, migrate, percentile, production_env, run_clients, serving

SETUP = """
import json
from civicdata.accounts.models import User
from civicdata.accounts.services import issue_api_token
from civicdata.catalog.models import Dataset
from civicdata.datastore.models import DataTable
from civicdata.demand import services

owner = User.objects.create_user("load-owner@example.org", None, is_staff=True)
request = services.create_request(by=owner, title="Load test: one request many people vote for", description="x")
tokens = []
for n in range({voters}):
    user = User.objects.create_user(f"load-voter-{{n}}@example.org", None)
    tokens.append(issue_api_token(user, name="load")[1])
table = DataTable.objects.filter(status="published").select_related("dataset").order_by("pk").first()
dataset = Dataset.objects.filter(pk=table.dataset_id).first()
print(json.dumps({{"request": request.pk, "tokens": tokens, "dataset": dataset.get_absolute_url(),
                  "table": f"/api/data/{{table.dataset.name}}/{{table.name}}?limit=20"}}))
"""


def demo_data_dir(env: dict[str, str]) -> Path:
    """A DATA_DIR holding the migrated demo city and collected static files, built once per set of
    migrations and static sources and copied from bench/out/ afterwards."""
    digest = hashlib.sha256()
    for path in sorted(
        [
            *ROOT.glob("civicdata/*/migrations/*.py"),
            *ROOT.glob("civicdata/*/demo.py"),
            ROOT / "package-lock.json",
            *ROOT.glob("civicdata/static/**/*.*"),
        ]
    ):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    cached = ROOT / "bench" / "out" / f"demo-{digest.hexdigest()[:16]}"
    if not (cached / "db.sqlite3").exists():
        build = Path(tempfile.mkdtemp(prefix="demo-build-", dir=ROOT / "bench" / "out"))
        build_env = env | {"DATA_DIR": str(build), "DATABASE_URL": f"sqlite:///{build / 'db.sqlite3'}"}
        migrate(build_env)
        civicdata(build_env, "demo", timeout=1800)
        civicdata(build_env, "collectstatic", "--noinput", "-v", "0", timeout=1800)
        build.rename(cached)
    return cached


def vote(port: int, request_id: int, token: str, barrier: threading.Barrier, number: int, out: list) -> None:
    source = f"127.1.{1 + number // 250}.{1 + number % 250}"
    barrier.wait()
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
        connection.request(
            "POST",
            f"/api/demand/requests/{request_id}/vote",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            body=b"{}",
        )
        response = connection.getresponse()
        response.read()
        out.append((response.status, time.perf_counter() - started))
        connection.close()
    except (OSError, http.client.HTTPException):
        out.append((0, time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=12.0, help="per endpoint (4 endpoints: 60 s at most in all)")
    parser.add_argument("--voters", type=int, default=500)
    args = arguments(parser)
    if args.smoke:
        args.clients, args.seconds, args.voters = 4, 1.0, 20
    args.seconds = min(args.seconds, 12.0)
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="http-load-", dir=ROOT / "bench" / "out") as tmp:
        work = Path(tmp)
        env = production_env(work)
        shutil.copytree(demo_data_dir(env), work, dirs_exist_ok=True)
        setup = json.loads(civicdata(env, "shell", stdin=SETUP.format(voters=args.voters)).strip().splitlines()[-1])
        endpoints = {
            "search page `/datasets/?q=crime`": ["/datasets/?q=crime", "/datasets/?q=permits", "/datasets/?q=budget"],
            "`/data.json`": ["/data.json"],
            "Data API (20 rows)": [setup["table"]],
            "dataset page": [setup["dataset"]],
        }
        rows = []
        with serving(env, log=work / "serve.log") as site:
            for label, paths in endpoints.items():
                for path in paths:  # once each first, so compiled templates and caches are warm
                    answer = get(site, path)
                    check(answer.status == 200, f"{path} answers {answer.status}: {answer.body[:300]!r}")
                results, elapsed = run_clients(
                    site.port, paths, clients=args.clients, seconds=args.seconds, label=label
                )
                seconds = [r[2] for r in results]
                rows.append(
                    (
                        label,
                        len(results),
                        len(results) / elapsed,
                        percentile(seconds, 0.5),
                        percentile(seconds, 0.95),
                        percentile(seconds, 0.99),
                        sum(1 for r in results if r[1] != 200),  # 0: run_clients stops on any other answer
                    )
                )
            barrier = threading.Barrier(args.voters)
            outcomes: list[tuple[int, float]] = []
            voters = [
                threading.Thread(target=vote, args=(site.port, setup["request"], token, barrier, n, outcomes))
                for n, token in enumerate(setup["tokens"])
            ]
            vote_started = time.monotonic()
            for voter in voters:
                voter.start()
            for voter in voters:
                voter.join(120)
            vote_seconds = time.monotonic() - vote_started
            check(
                all(status == 200 for status, _ in outcomes) and len(outcomes) == args.voters,
                f"votes: {sorted({s for s, _ in outcomes})} of {len(outcomes)}",
            )
            counts = civicdata(
                env,
                "shell",
                stdin=(
                    "from civicdata.demand.models import DataRequest, Vote\n"
                    f"r = DataRequest.objects.get(pk={setup['request']})\n"
                    "print(r.vote_count, Vote.objects.filter(request=r).count())\n"
                ),
            )
            counted, stored = (int(n) for n in counts.split()[-2:])
            check(counted == stored == args.voters, f"{args.voters} votes sent, {counted} counted, {stored} stored")
    vote_p95 = percentile([s for _, s in outcomes], 0.95)
    lines = [
        "## HTTP load (loopback)",
        "",
        header(
            "http_load.py",
            f"`civicdata serve` defaults (2 gunicorn gthread workers × 32 threads), "
            f"CIVICDATA_ENV=production on SQLite, the demo city; {args.clients} client threads in the same "
            "machine; the 2 cores are shared with the load generator and with other jobs",
        ),
        "",
        (
            f"Each row: {args.clients} clients for {args.seconds:.0f} s, each on a keep-alive connection from its own "
            "loopback address, asking the next page as soon as the last one arrived. Every answer was 200 (checked)."
        ),
        "",
        "| endpoint | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {label} | {n:,} | {rate:.0f} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {p99 * 1000:.0f} | {errors} |"
            for label, n, rate, p50, p95, p99, errors in rows
        ],
        "",
        (
            f"Votes: {args.voters} people (personal API tokens) vote for one request at the same moment: all "
            f"answered 200 in {vote_seconds:.1f} s (p95 {vote_p95 * 1000:.0f} ms); the request "
            f"counts exactly {counted} votes and {stored} are stored (checked)."
        ),
        "",
        "Target (issue 12): each endpoint ≥ 200 requests/s with p95 < 250 ms on 2 cores, 0 errors; votes exact.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("HTTP load", text)


if __name__ == "__main__":
    main()
