"""Benchmark: the catalog as people reach it over HTTP at 100,000 datasets: the `/datasets/` search page
with its facets, and the `/data.json` Public Data Listing.

The catalog is the one bench/catalog_import.py builds (100,000 datasets replicated from the real federal
catalogs and healthdata.gov in ../shared/realdata; run that first, its database in bench/out/catalog/ is
reused). The site runs as production runs it: `civicdata serve` (gunicorn gthread, its default workers and
threads) with CIVICDATA_ENV=production (DEBUG off, manifest static files, the database cache), plain HTTP on
loopback. The client is this process: one keep-alive connection, one request at a time.

Search: queries with words drawn (seeded) from the catalog's own titles: one word, a quoted phrase of two
title words in order, three words, one word plus a keyword filter, and no query (browse: newest first with
every facet). Each query is asked `--repeat` times; the first ask of each is reported apart as "first ask"
(nothing about that query is cached yet). `/data.json`: the worker writes it ahead (timed), then time to
first byte, the whole document's rate and the peak RSS of the web processes, three times.

Figures go to docs/benchmarks.md, section "Catalog over HTTP".
Run: .venv/bin/python bench/catalog_serving.py [--queries 40] [--repeat 5] [--no-write]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from _common import ROOT, arguments, check, header, write_section
from _site import civicdata, free_port, percentile, production_env, serving

OUT = Path(os.environ.get("BENCH_CATALOG_DIR", ROOT / "bench" / "out" / "catalog"))
SECTION = "Catalog over HTTP"
TARGETS = {"search_p95_ms": 50.0, "first_byte_ms": 100.0, "rate_mb_s": 50.0, "rss_mb": 200.0}


def static_data_dir(env: dict[str, str]) -> Path:
    """A DATA_DIR holding collected static files (production serves them from a manifest), built once per
    set of static sources and reused."""
    digest = hashlib.sha256()
    for path in sorted([ROOT / "package-lock.json", *ROOT.glob("civicdata/static/**/*.*")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    # The installed front-end packages too: a package missing from node_modules leaves its files uncollected.
    for path in sorted(ROOT.glob("node_modules/*/package.json")) + sorted(ROOT.glob("node_modules/@*/*/package.json")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
    folder = ROOT / "bench" / "out" / f"static-{digest.hexdigest()[:16]}"
    if not (folder / "static" / "staticfiles.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        civicdata(env | {"DATA_DIR": str(folder)}, "collectstatic", "--noinput", "-v", "0", timeout=1800)
    return folder


def descendants(pid: int) -> list[int]:
    """Process ids below `pid` (gunicorn's master and its workers below `civicdata serve`)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, frontier = [], [pid]
    while frontier:
        below = [c for p in frontier for c in children.get(p, [])]
        found.extend(below)
        frontier = below
    return found


def peak_rss_mb(pids: list[int]) -> float:
    """The largest peak resident set (VmHWM) among `pids`: the web process that served the document."""
    peaks = [0.0]
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+)", status)
        if found:
            peaks.append(int(found[1]) / 1024)
    return max(peaks)


class Connection:
    """One keep-alive HTTP/1.1 connection to the site."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        self.http.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = self.http.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started

    def stream(self, path: str) -> tuple[int, float, float, int, str]:
        """Status, seconds to the first body byte, seconds in all, bytes and a digest of the body."""
        started = time.perf_counter()
        self.http.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = self.http.getresponse()
        first = response.read(1)
        first_byte = time.perf_counter() - started
        digest = hashlib.sha256(first)
        size = len(first)
        while chunk := response.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
        return response.status, first_byte, time.perf_counter() - started, size, digest.hexdigest()


def make_queries(database: Path, count: int) -> list[tuple[str, dict[str, str]]]:
    """(kind, query string parameters), seeded: the same queries every run."""
    with sqlite3.connect(database) as db:
        titles = [
            row[0]
            for row in db.execute(
                "SELECT title FROM catalog_dataset WHERE is_published AND access_level != 'non-public' "
                "AND withdrawn_at IS NULL ORDER BY id"
            )
            if row[0]
        ]
        keywords = [
            row[0]
            for row in db.execute(
                "SELECT value FROM catalog_datasetfacet WHERE facet = 'keyword' GROUP BY value ORDER BY count(*) DESC "
                "LIMIT 300"
            )
        ]
    rng = random.Random(15)
    sample = rng.sample(titles, min(2000, len(titles)))
    words = sorted({w.lower() for t in sample for w in re.findall(r"[A-Za-z]{4,}", t)})
    pairs = [
        f'"{a} {b}"'
        for t in sample
        for a, b in zip(re.findall(r"[A-Za-z]{3,}", t), re.findall(r"[A-Za-z]{3,}", t)[1:], strict=False)
    ]
    queries: list[tuple[str, dict[str, str]]] = []
    for index in range(count):
        kind = index % 5
        if kind == 0:
            queries.append(("one word", {"q": rng.choice(words)}))
        elif kind == 1:
            queries.append(("phrase", {"q": rng.choice(pairs)}))
        elif kind == 2:
            queries.append(("three words", {"q": " ".join(rng.choice(words) for _ in range(3))}))
        elif kind == 3:
            queries.append(("word + keyword filter", {"q": rng.choice(words), "keyword": rng.choice(keywords)}))
        else:
            browse = {} if index % 10 == 4 else {"sort": "modified", "page": str(rng.randint(2, 20))}
            queries.append(("no query (browse)", browse))
    return queries


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=40, help="distinct queries (a multiple of 5)")
    parser.add_argument("--repeat", type=int, default=5)
    args = arguments(parser)
    if args.smoke:
        args.queries, args.repeat = 10, 2
        OUT = ROOT / "bench" / "out" / "catalog-smoke-http"
        env = {**os.environ, "BENCH_CATALOG_DIR": str(OUT)}
        built = subprocess.run([sys.executable, str(ROOT / "bench" / "catalog_import.py"), "--smoke"], env=env)
        if built.returncode:
            raise SystemExit(built.returncode)
    database = OUT / "civicdata.sqlite3"
    if not database.exists():
        sys.exit("Run bench/catalog_import.py first: it builds the 100k-dataset database this benchmark reads.")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE catalog_dataset SET is_published = 1 WHERE NOT is_published")
        total = db.execute("SELECT count(*) FROM catalog_dataset").fetchone()[0]
    env = production_env(OUT, database_url=f"sqlite:///{database}")
    env["DATA_DIR"] = str(static_data_dir(env))
    civicdata(env, "createcachetable")
    queries = make_queries(database, args.queries)
    log = ROOT / "bench" / "out" / "catalog-serving.log"
    # The site's address, as a deployment sets it: the worker writes /data.json for it ahead of any request.
    port = free_port()
    env["SITE_URL"] = f"http://127.0.0.1:{port}"
    with serving(env, log=log, port=port) as site:
        web = descendants(site.process.pid)
        connection = Connection(site.port)
        # Warm up as a running site is: each web process has served a search and the listing's headers.
        for _ in range(4):
            status, _body, _s = connection.get("/datasets/?q=water")
            check(status == 200, f"/datasets/ answered {status}")
        timings: dict[str, list[float]] = {}
        first_asks: list[float] = []
        bodies: dict[str, bytes] = {}
        for turn in range(args.repeat):
            for kind, params in queries:
                path = "/datasets/" + (f"?{urlencode(params)}" if params else "")
                status, body, seconds = connection.get(path)
                check(status == 200, f"{path} answered {status}")
                if turn == 0:
                    first_asks.append(seconds * 1000)
                    bodies[path] = body
                else:
                    # The same page every time (a cached answer must be the same answer).
                    check(_results_part(body) == _results_part(bodies[path]), f"{path} changed between asks")
                timings.setdefault(kind, []).append(seconds * 1000)
        for kind, params in queries:
            path = "/datasets/" + (f"?{urlencode(params)}" if params else "")
            if kind == "one word":
                check(b"usa-card" in bodies[path] or b"dataset" in bodies[path], f"{path} found nothing")
        everything = [t for values in timings.values() for t in values]
        rss_before = peak_rss_mb(web)
        # After a change the catalog queues the writing of /data.json; the worker does it before anyone asks.
        prepare_code = "from civicdata.catalog.tasks import prepare_listing_task; prepare_listing_task.enqueue()"
        civicdata(env, "shell", "-c", prepare_code)
        started = time.perf_counter()
        civicdata(env, "db_worker", "--batch", "--no-startup-delay", "--queue-name", "default", timeout=1800)
        prepared_s = time.perf_counter() - started
        kept = list((Path(env["DATA_DIR"]) / "cache" / "listings").glob("*.json"))
        check(len(kept) >= 1, "the worker wrote no /data.json ahead")
        connection = Connection(site.port)  # the server closed the idle keep-alive connection meanwhile
        runs = []
        for _ in range(3):
            runs.append(connection.stream("/data.json"))
            check(runs[-1][0] == 200, f"/data.json answered {runs[-1][0]}")
        check(len({run[4] for run in runs}) == 1, "/data.json differed between fetches")
        rss = peak_rss_mb(descendants(site.process.pid))
    listed = None
    if args.smoke:
        listed = len(json.loads(_fetch_once(env))["dataset"])
    p95 = percentile(everything, 0.95)
    print(f"{total} datasets; page p50 {statistics.median(everything):.1f} ms, p95 {p95:.1f} ms; "
          f"first asks p95 {percentile(first_asks, 0.95):.1f} ms")  # fmt: skip
    for kind, values in timings.items():
        print(f"  {kind}: n {len(values)}, p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f}")
    for label, run in zip(("first", "second", "third"), runs, strict=True):
        print(f"/data.json {label}: first byte {run[1] * 1000:.0f} ms, {run[3] / 1e6:.0f} MB in {run[2]:.2f} s "
              f"({run[3] / 1e6 / run[2]:.0f} MB/s)")  # fmt: skip
    print(f"peak RSS of a web process: {rss:.0f} MB (after the searches {rss_before:.0f} MB)")
    print(f"/data.json written ahead by the worker in {prepared_s:.1f} s ({runs[0][3] / 1e6 / prepared_s:.0f} MB/s)")
    if listed is not None:
        print(f"/data.json lists {listed} datasets")
    if args.no_write:
        return
    _write(args, total, timings, everything, first_asks, runs, rss, rss_before, prepared_s)


def _fetch_once(env: dict[str, str]) -> bytes:
    """The whole /data.json of a fresh server (smoke mode: its dataset count is checked)."""
    with serving(env, log=ROOT / "bench" / "out" / "catalog-serving-2.log") as site:
        return Connection(site.port).get("/data.json")[1]


def _results_part(body: bytes) -> bytes:
    """The page without what changes per request (the CSRF token and nonces)."""
    return re.sub(rb'(csrfmiddlewaretoken" value="|nonce=")[^"]*', b"", body)


def _write(args, total, timings, everything, first_asks, runs, rss, rss_before, prepared_s) -> None:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    p95 = percentile(everything, 0.95)
    rows = "\n".join(
        f"| {kind} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | "
        f"{max(values):.1f} |"
        for kind, values in timings.items()
    )
    fb, warm = runs[0], runs[1:]
    warm_fb = max(run[1] for run in warm) * 1000
    warm_rate = min(run[3] / 1e6 / run[2] for run in warm)
    text = f"""## Catalog over HTTP (search page and `/data.json`)

{header("catalog_serving.py", "SQLite " + sqlite3.sqlite_version)}

Data: the catalog of `bench/catalog_import.py` ({total:,} datasets replicated from the real federal catalogs and
healthdata.gov). Server: `civicdata serve` (gunicorn gthread, default workers and threads) with
`CIVICDATA_ENV=production` (DEBUG off), SQLite; client: one keep-alive connection on loopback, one request at a
time, after 4 warm-up searches. {args.queries} distinct queries (seeded, words from the catalog's own titles),
each asked {args.repeat} times; every page counts all six facets and renders 20 results.

| `/datasets/` page | n | p50 ms | p95 ms | max ms |
|---|---|---|---|---|
{rows}
| first ask of each query | {len(first_asks)} | {statistics.median(first_asks):.1f} | {percentile(first_asks, 0.95):.1f} | {max(first_asks):.1f} |
| **all** | {len(everything)} | {statistics.median(everything):.1f} | **{p95:.1f}** | {max(everything):.1f} |

`/data.json`: after the searches, the catalog's "write `/data.json` ahead" task is queued (as an import, a
harvest and the hourly tick queue it) and `civicdata db_worker --batch` runs it: it wrote the
{fb[3] / 1e6:.0f} MB document in {prepared_s:.1f} s ({fb[3] / 1e6 / prepared_s:.0f} MB/s of serialisation, the
time the first person to ask would otherwise wait). Then three fetches.

| `/data.json` | first fetch | later fetches (worst) | target |
|---|---|---|---|
| first byte | {fb[1] * 1000:.0f} ms | {warm_fb:.0f} ms | < 100 ms — {verdict(max(warm_fb, fb[1] * 1000) < TARGETS["first_byte_ms"])} |
| whole document | {fb[3] / 1e6:.0f} MB in {fb[2]:.2f} s ({fb[3] / 1e6 / fb[2]:.0f} MB/s) | {warm_rate:.0f} MB/s | ≥ 50 MB/s — {verdict(min(warm_rate, fb[3] / 1e6 / fb[2]) >= TARGETS["rate_mb_s"])} |
| peak RSS of a web process | {rss:.0f} MB (after the searches: {rss_before:.0f} MB) | | < 200 MB — {verdict(rss < TARGETS["rss_mb"])} |

Target: search page p95 under {TARGETS["search_p95_ms"]:.0f} ms — {verdict(p95 < TARGETS["search_p95_ms"])}.
"""  # noqa: E501
    write_section(SECTION, text)


if __name__ == "__main__":
    main()
