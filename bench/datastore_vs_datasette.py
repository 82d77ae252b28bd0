"""Data API against Datasette + sqlite-utils on the same table (the real Boston crime sample replicated
to 1,000,000 rows), both driven through the interfaces people use: whole commands and HTTP.

- Ingest: `sqlite-utils insert DB incidents FILE --csv` against `civicdata datastore load FILE` (whole
  commands, start-up included), and the peak RSS of `civicdata datastore load` on a 1 GB CSV.
- Queries over HTTP: Datasette (`datasette serve`, its own venv) against civicdata under `civicdata serve`
  (gunicorn, CIVICDATA_ENV=production). Datasette is used as a careful user would: `_nosuggest=1` (no
  facet suggestions), `_nocount=1` (our page does not count the matches either), `_size` equal to our page
  size, and a second run after `sqlite-utils create-index` on the filtered and sorted columns.
- Before anything is timed, both sides must give the same answer: the same rows in the same order for the
  page, the same counts for the group-by, the same number of records in the CSV download.

Figures go to docs/benchmarks.md, section "Data API". `--smoke` runs a 2,000-row table in seconds and writes
nothing. Run: .venv/bin/python bench/datastore_vs_datasette.py [--rows N] [--big-mb N] [--smoke]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from _common import arguments, check, header, migrated_sqlite, realdata_dir, write_section

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "datastore"
CIVICDATA = ROOT / ".venv" / "bin" / "civicdata"
SECTION = "Data API"
PEERS = ("datasette==0.65.5", "sqlite-utils==4.2.1")  # pinned so the figures can be compared over time
# The peer tools' venv; BENCH_VENV_DIR lets CI keep it in a cache between runs.
VENV = Path(os.environ.get("BENCH_VENV_DIR", ROOT / "bench" / ".venv-datasette"))
PAGE = 100  # rows per page on both sides
# Filtered column and value, and the column sorted descending: a unique one, so that the order of the page is
# fully decided (on ties Datasette falls back to rowid descending, civicdata to rowid ascending).
FILTER, SORT = ("DISTRICT", "Roxbury"), "INCIDENT_NUMBER"
PEER_MISSING = 4  # exit status when the peer tools cannot be installed (the smoke test skips locally)


def build_csv(target: Path, rows: int | None = None, size: int | None = None) -> Path:
    """Replicate the real sample (incident numbers made unique) up to `rows` rows or `size` bytes."""
    if target.exists():
        return target
    source = realdata_dir() / "city-csv" / "boston_crime_incidents_2021_sample7000.csv"
    with source.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        head = next(reader)
        body = list(reader)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(head)
        written = copy = 0
        while (rows is None or written < rows) and (size is None or out.tell() < size):
            for row in body:
                writer.writerow([f"{row[0]}-{copy}", *row[1:]])
                written += 1
                if rows is not None and written >= rows:
                    break
            copy += 1
    partial.rename(target)
    return target


def ensure_peers() -> Path:
    """The venv with Datasette and sqlite-utils, created from PyPI on first use."""
    bin_dir = VENV / "bin"
    if not (bin_dir / "datasette").exists() or not (bin_dir / "sqlite-utils").exists():
        shutil.rmtree(VENV, ignore_errors=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        pip = made.returncode == 0 and subprocess.run([str(bin_dir / "pip"), "install", "-q", *PEERS])
        if not pip or pip.returncode:
            print(f"could not install {' and '.join(PEERS)} into {VENV} (is PyPI reachable?)", file=sys.stderr)
            raise SystemExit(PEER_MISSING)
    return bin_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> bytes:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    check(response.status == 200, f"GET {path} on port {port} answered {response.status}: {body[:300]!r}")
    return body


def wait_for(port: int, path: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check(process.poll() is None, f"the server for {path} exited with status {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    check(False, f"server on {port} did not answer {path} within {timeout:.0f} s")


def p50(port: int, path: str | list[str], repeat: int) -> float:
    """Median seconds of `repeat` requests on one keep-alive connection, after two warm-ups; with a list
    of paths, each is asked once (after the two warm-ups, which use the last ones)."""
    paths = [path] * (repeat + 2) if isinstance(path, str) else [*path[-2:], *path[:repeat]]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    times = []
    for i, one in enumerate(paths):
        start = time.perf_counter()
        get(port, one, conn)
        if i >= 2:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def download(port: int, path: str, runs: int, *, keep: bool = False) -> tuple[float, int, bytes]:
    """Median MB/s of `runs` full downloads (after one warm-up when runs > 1), the size, and the body if kept."""
    speeds, total, kept = [], 0, b""
    for i in range(runs + (1 if runs > 1 else 0)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        check(response.status == 200, f"GET {path} answered {response.status}")
        total, chunks = 0, []
        while chunk := response.read(1 << 20):
            total += len(chunk)
            if keep:
                chunks.append(chunk)
        elapsed = time.perf_counter() - start
        kept = b"".join(chunks)
        if runs == 1 or i > 0:
            speeds.append(total / elapsed / 1e6)
    return statistics.median(speeds), total, kept


def civicdata_env(data_dir: Path, profile: str) -> dict[str, str]:
    """One data folder and SQLite file for the set-up commands (local profile) and the server (production)."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # the profile decides
    return {
        **inherited,
        "CIVICDATA_ENV": profile,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'civicdata.sqlite3'}",
        "SECRET_KEY": "bench-" + secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL": "false",  # plain HTTP on 127.0.0.1; everything else is the production profile
    }


# A publisher and a published dataset for the table; the civicdata command line has no verb for these.
PREPARE = r"""
from civicdata.accounts.models import Organization, OrganizationKind
from civicdata.catalog import services as catalog

org = Organization.objects.create(slug="bench", name="Bench", kind=OrganizationKind.PUBLISHER, org_type="department")
for identifier in ("bench-boston", "bench-big"):
    data = {
        "@type": "dcat:Dataset", "title": identifier, "keyword": ["crime"],
        "description": "Benchmark table: a sample of reported incidents with their place and time.",
        "modified": "2026-01-01", "publisher": {"@type": "org:Organization", "name": "Bench"},
        "contactPoint": {"@type": "vcard:Contact", "fn": "Bench", "hasEmail": "mailto:bench@example.org"},
        "identifier": identifier, "accessLevel": "public",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "distribution": [{"@type": "dcat:Distribution", "downloadURL": "https://example.org/boston.csv",
                          "mediaType": "text/csv", "title": "CSV"}],
    }
    ds = catalog.create_dataset(publisher=org, data=data, by=None)
    catalog.set_release_checklist(
        ds, by=None, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    catalog.publish_dataset(ds, by=None)
"""

# After the load: the personal-data scan's findings are justified (benchmark data) and the table published.
PUBLISH = r"""
from civicdata.datastore import services
from civicdata.datastore.models import DataTable

table = DataTable.objects.get(dataset__identifier="bench-boston", name="incidents")
for column in services.unresolved_pii(table):
    services.decide_pii(table, column=column, action="justify", justification="benchmark", by=None)
services.publish_table(table, by=None)
print(table.api_path)
"""


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run a whole command; its wall time and output (the run fails when the command does)."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    check(done.returncode == 0, f"{' '.join(command[:4])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def load_peak_rss(csv_path: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of `civicdata datastore load` on `csv_path`, measured from a small
    wrapper process so that the figure is the command's own (RUSAGE_CHILDREN of a fresh parent)."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(done.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "print(done.stderr[-2000:], file=sys.stderr)"
    )
    command = [str(CIVICDATA), "datastore", "load", str(csv_path), "--dataset", "bench-big", "--table", "big"]
    done = subprocess.run([sys.executable, "-c", wrapper, *command], env=env, capture_output=True, text=True)
    code, seconds, rss_kb = done.stdout.split()
    check(code == "0", f"civicdata datastore load (big file) failed: {done.stderr}")
    return float(seconds), int(rss_kb) / 1024


class Servers:
    """Datasette and civicdata, each on a free port; stopped (whole process groups) on exit."""

    def __init__(self, bin_dir: Path, db: Path, data_dir: Path) -> None:
        self.bin_dir, self.db, self.data_dir = bin_dir, db, data_dir
        self.d_port, self.o_port, self.cold_port = free_port(), free_port(), free_port()
        self.processes: list[subprocess.Popen] = []

    def start_datasette(self) -> None:
        # A generous time limit: the unindexed sort takes seconds at 1M rows and must finish to be timed.
        command = [str(self.bin_dir / "datasette"), "serve", str(self.db), "--port", str(self.d_port)]
        command += ["--setting", "sql_time_limit_ms", "60000"]
        self.datasette = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.processes.append(self.datasette)
        wait_for(self.d_port, f"/{self.db.stem}.json", self.datasette)

    def stop_datasette(self) -> None:
        self._stop(self.datasette)
        self.processes.remove(self.datasette)

    def start_civicdata(self, api_path: str, *, cache: bool = True) -> None:
        """`civicdata serve` (gunicorn; one worker with four threads, like one Datasette process), with its
        result cache (the default) on `o_port`, or with DATASTORE_RESULT_CACHE_MB=0 on `cold_port`."""
        port = self.o_port if cache else self.cold_port
        command = [str(CIVICDATA), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        log = (OUT / f"civicdata-serve-{'warm' if cache else 'cold'}.log").open("w")
        env = civicdata_env(self.data_dir, "production")
        if not cache:
            env["DATASTORE_RESULT_CACHE_MB"] = "0"
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        self.processes.append(process)
        wait_for(port, api_path + "?limit=1", process)

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            self._stop(process)


def page_answers(servers: Servers, d_path: str, o_path: str, *, port: int | None = None) -> list[str]:
    """The incident numbers of both first pages; the run stops unless they are the same, in the same order."""
    datasette = json.loads(get(servers.d_port, d_path + "&_shape=objects"))["rows"]
    ours = json.loads(get(port or servers.o_port, o_path + "&_shape=objects"))["rows"]
    d_rows = [(r["INCIDENT_NUMBER"], r["OFFENSE_CODE"], r[FILTER[0]]) for r in datasette]
    o_rows = [(r["incident_number"], r["offense_code"], r[FILTER[0].lower()]) for r in ours]
    check(len(d_rows) == PAGE, f"Datasette gave {len(d_rows)} rows, not a full page of {PAGE}")
    check(d_rows == o_rows, f"first pages differ: Datasette {d_rows[:5]}…, civicdata {o_rows[:5]}…")
    return [number for number, *_rest in d_rows]


def group_answers(servers: Servers, d_path: str, o_path: str, *, port: int | None = None) -> dict[str, int]:
    datasette = {(r["DISTRICT"] or ""): r["n"] for r in json.loads(get(servers.d_port, d_path))}
    rows = json.loads(get(port or servers.o_port, o_path + "&_shape=objects"))["rows"]
    ours = {(r["district"] or ""): r["count"] for r in rows}
    check(datasette == ours, f"group-by counts differ: Datasette {datasette}, civicdata {ours}")
    return ours


def csv_records(body: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1  # minus the header


def ratio(peer: float, ours: float, *, higher_is_better: bool = False) -> str:
    """How many times faster civicdata is, said the other way round when the peer is faster."""
    factor = ours / peer if higher_is_better else peer / ours
    if factor >= 1:
        return f"{factor:.1f}× (civicdata faster)"
    return f"{factor:.2f}× (Datasette faster)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big-mb", type=int, default=1024, help="size of the CSV for the RSS check")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per query")
    args = arguments(parser)
    global OUT
    if args.smoke:
        args.rows, args.big_mb, args.repeat = 2_000, 2, 3
        OUT = OUT.parent / "datastore-smoke"
    OUT.mkdir(parents=True, exist_ok=True)
    table_csv = build_csv(OUT / f"boston_{args.rows}.csv", rows=args.rows)
    size_mb = table_csv.stat().st_size / 1e6
    print(f"table: {args.rows:,} rows, {size_mb:.0f} MB")
    bin_dir = ensure_peers()
    version_code = "import importlib.metadata as m; print(m.version('datasette'), m.version('sqlite-utils'))"
    versions = run([str(bin_dir / "python"), "-c", version_code])[1].split()

    # 1. Ingest, whole commands on both sides.
    db = OUT / "bench.db"
    db.unlink(missing_ok=True)
    sqlite_utils_s, _ = run([str(bin_dir / "sqlite-utils"), "insert", str(db), "incidents", str(table_csv), "--csv"])
    data_dir = OUT / "civicdata"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    local = civicdata_env(data_dir, "local")
    migrated_sqlite(data_dir / "civicdata.sqlite3")
    run([str(CIVICDATA), "shell", "-c", PREPARE], local)
    load = [str(CIVICDATA), "datastore", "load", str(table_csv), "--dataset", "bench-boston", "--table", "incidents"]
    ours_load_s, _ = run(load, local)
    api_path = run([str(CIVICDATA), "shell", "-c", PUBLISH], local)[1].strip().splitlines()[-1]
    print(f"ingest: sqlite-utils insert {sqlite_utils_s:.1f} s, civicdata datastore load {ours_load_s:.1f} s")

    # 2. Queries over HTTP; answers compared before timing.
    district = urllib.parse.quote(FILTER[1])
    d_page = f"/bench/incidents.json?{FILTER[0]}={district}&_sort_desc={SORT}&_size={PAGE}&_nocount=1&_nosuggest=1"
    o_page = f"{api_path}?{FILTER[0].lower()}={district}&sort=-{SORT.lower()}&limit={PAGE}"
    sql = f"select {FILTER[0]}, count(*) as n from incidents group by {FILTER[0]} order by n desc"
    d_group = "/bench.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"})
    o_group = f"{api_path}?group_by={FILTER[0].lower()}&sort=-count&limit=1000"
    timings: dict[str, float] = {}
    # Pages asked once each: the limit differs (PAGE - i rows), so no page comes from the cache, while the
    # matching count (keyed on the filter alone) does after the first: the page without the count's cost.
    o_pages = [o_page.replace(f"limit={PAGE}", f"limit={PAGE - i}") for i in range(1, args.repeat + 3)]
    with Servers(bin_dir, db, data_dir) as servers:
        servers.start_civicdata(api_path)
        servers.start_civicdata(api_path, cache=False)
        servers.start_datasette()
        page_answers(servers, d_page, o_page)
        page_answers(servers, d_page, o_page, port=servers.cold_port)
        groups = group_answers(servers, d_group, o_group)
        check(group_answers(servers, d_group, o_group, port=servers.cold_port) == groups, "cold group-by differs")
        timings["page_d"] = p50(servers.d_port, d_page, args.repeat)
        timings["page_o"] = p50(servers.o_port, o_page, args.repeat)
        timings["page_o_cold"] = p50(servers.cold_port, o_page, args.repeat)
        timings["page_o_counted"] = p50(servers.o_port, o_pages, args.repeat)
        timings["group_d"] = p50(servers.d_port, d_group, args.repeat)
        timings["group_o"] = p50(servers.o_port, o_group, args.repeat)
        timings["group_o_cold"] = p50(servers.cold_port, o_group, args.repeat)
        keep = args.smoke  # counting the records of a full-size download would slow the client being timed
        csv_o, csv_bytes, o_body = download(servers.o_port, api_path + ".csv", runs=5, keep=keep)
        csv_d, _, d_body = download(servers.d_port, "/bench/incidents.csv?_stream=on&_size=max", runs=1, keep=keep)
        if keep:
            check(csv_records(o_body) == csv_records(d_body) == args.rows, "the CSV downloads differ in records")
        # Second row: the index a careful Datasette user would add for this filter and sort.
        servers.stop_datasette()
        run([str(bin_dir / "sqlite-utils"), "create-index", str(db), "incidents", FILTER[0], SORT])
        servers.start_datasette()
        page_answers(servers, d_page, o_page)
        timings["page_d_index"] = p50(servers.d_port, d_page, args.repeat)
        timings["group_d_index"] = p50(servers.d_port, d_group, args.repeat)
    for key, value in timings.items():
        print(f"{key}: {value * 1000:.1f} ms")
    print(f"CSV: civicdata {csv_o:.0f} MB/s ({csv_bytes / 1e6:.0f} MB), Datasette {csv_d:.0f} MB/s")

    # 3. Peak RSS of the load command on a big CSV (`--big-mb 0` leaves it out).
    big_figures = None
    if args.big_mb:
        big = build_csv(OUT / f"boston_{args.big_mb}mb.csv", size=args.big_mb << 20)
        big_s, big_rss_mb = load_peak_rss(big, local)
        big_rows = sum(1 for _ in big.open(encoding="utf-8")) - 1
        print(f"{big.stat().st_size / 1e9:.2f} GB load: {big_rows:,} rows in {big_s:.1f} s, RSS {big_rss_mb:.0f} MB")
        big_figures = (big, big_rows, big_s, big_rss_mb)
    check(sum(groups.values()) == args.rows, f"group-by counts add up to {sum(groups.values())}, not {args.rows}")
    if args.no_write:
        return
    write_section(SECTION, section(args, versions, size_mb, sqlite_utils_s, ours_load_s, timings,
                                   (csv_d, csv_o, csv_bytes), big_figures))  # fmt: skip


def section(args, versions, size_mb, sqlite_utils_s, ours_load_s, t, csv_figures, big_figures) -> str:
    """The docs section: set-up, the checks made, and one row per measure."""
    csv_d, csv_o, _csv_bytes = csv_figures

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    page = f"filtered + sorted first page, {PAGE} rows ({FILTER[0]} = {FILTER[1]}, {SORT} descending)"
    index = f"Datasette with an index on ({FILTER[0]}, {SORT})"
    count_cold = t["page_o_cold"] / t["page_o_counted"] - 1
    rows = [
        ("measure", "sqlite-utils / Datasette", "civicdata", "ratio", "target"),
        ("---", "---:", "---:", "---", "---"),
        ((f"ingest the {args.rows:,}-row CSV, whole command (`sqlite-utils insert --csv` vs "
          "`civicdata datastore load`, "
         "which also infers types and scans for personal data)"),
         f"{sqlite_utils_s:.1f} s", f"{ours_load_s:.1f} s", ratio(sqlite_utils_s, ours_load_s), "≥ 20×"),
        (f"{page}, with its matching count; Datasette without an index", ms(t["page_d"]), ms(t["page_o"]),
         ratio(t["page_d"], t["page_o"]), "≥ 10×"),
        (f"the same; {index}", ms(t["page_d_index"]), ms(t["page_o"]), ratio(t["page_d_index"], t["page_o"]),
         "> 1×"),
        ("the same page computed afresh (civicdata with `DATASTORE_RESULT_CACHE_MB=0`); Datasette without an index",
         ms(t["page_d"]), ms(t["page_o_cold"]), ratio(t["page_d"], t["page_o_cold"]), "–"),
        (f"the same page computed afresh; {index}", ms(t["page_d_index"]), ms(t["page_o_cold"]),
         ratio(t["page_d_index"], t["page_o_cold"]), "–"),
        (("extra cost of the matching count: page computed afresh with the count cached (each page a different "
         "`limit`) vs both computed afresh; and on a repeated page"), "–",
         f"{ms(t['page_o_counted'])} → {ms(t['page_o_cold'])}", f"+{count_cold:.0%} afresh, 0 % repeated", "≤ 20 %"),
        ("count per district (Datasette SQL `group by` vs `group_by=district`); no index", ms(t["group_d"]),
         ms(t["group_o"]), ratio(t["group_d"], t["group_o"]), "≥ 30×"),
        (f"count per district; {index}", ms(t["group_d_index"]), ms(t["group_o"]),
         ratio(t["group_d_index"], t["group_o"]), "–"),
        ("count per district computed afresh (civicdata cache off); Datasette without an index", ms(t["group_d"]),
         ms(t["group_o_cold"]), ratio(t["group_d"], t["group_o_cold"]), "–"),
        ("streamed full CSV download (civicdata: median of 5 after a warm-up; Datasette `_stream=on`: one run)",
         f"{csv_d:.0f} MB/s", f"{csv_o:.0f} MB/s", ratio(csv_d, csv_o, higher_is_better=True), "≥ 50 MB/s"),
    ]  # fmt: skip
    if big_figures is not None:
        big, big_rows, big_s, big_rss_mb = big_figures
        rows.append(
            (f"peak RSS of `civicdata datastore load` on a {big.stat().st_size / 1e9:.2f} GB CSV ({big_rows:,} rows)",
             "–", f"{big_rss_mb:.0f} MB ({big_s:.0f} s)", "–", "< 500 MB")
        )  # fmt: skip
    table = "\n".join("| " + " | ".join(cells) + " |" for cells in rows)
    return f"""## Data API

{header("datastore_vs_datasette.py")}

Table: the real Boston crime sample replicated to {args.rows:,} rows ({size_mb:.0f} MB CSV, 15 columns).
Datasette {versions[0]} and sqlite-utils {versions[1]} run from their own venv. civicdata runs under
`civicdata serve` (gunicorn, 1 worker, 4 threads) with `CIVICDATA_ENV=production` (plain HTTP, SQLite for the
metadata) and its default limits, twice: as shipped (result cache on) and with `DATASTORE_RESULT_CACHE_MB=0`
(every answer computed afresh). Datasette runs under `datasette serve` with `sql_time_limit_ms` raised to 60 s
so the unindexed queries can finish. All are timed over HTTP on 127.0.0.1 with one keep-alive connection, p50
of {args.repeat} requests after 2 warm-ups. Datasette's page is asked for at its fastest:
`_size={PAGE}&_nocount=1&_nosuggest=1` (no count, no facet suggestions), while civicdata's page always
includes `matching_count`. Before timing, the script checks that all three servers return the same {PAGE}
rows in the same order and the same count for every district. Ratios say how many times faster civicdata is,
or Datasette where it is faster.

{table}

The ingest figures are whole commands, start-up included. civicdata's load job does more than copy rows
(encoding check, type inference, DuckDB load with cast validation, Table Schema, quality report, personal-data
scan, atomic swap); sqlite-utils detects the column types as it inserts. DuckDB works within a memory limit and
spills to disk, which keeps the big load's RSS bounded.

A repeated question is answered from the result cache (`civicdata/datastore/result_cache.py`): pages, matching
counts (keyed on the filter alone, so following `next` links reuses the count) and facets of public tables,
keyed on the identity of the table's version file, so a re-load answers anew from the next request on;
restricted and unpublished tables are never cached. The "computed afresh" rows show what the first person to
ask a question waits.
"""


if __name__ == "__main__":
    main()
