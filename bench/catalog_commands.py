"""Benchmark: the catalog commands as people run them, each a whole process (start-up included).

Every command starts from compiled modules, as an installed package does (`compileall` first).

- `civicdata help`: median of 5 runs.
- `civicdata catalog validate FILE --profile federal-v1.1` at 20,000 and 100,000 datasets against
  Python jsonschema's Draft4Validator run as a command of its own (bench/_jsonschema_peer.py, all errors of
  every dataset). Before any figure is written the per-dataset verdicts are compared: civicdata's
  `--format json` report must flag exactly the datasets jsonschema flags.
- `civicdata catalog import FILE --publisher bench` of 100,000 datasets into a fresh SQLite database, then
  the same file again (unchanged), with the rows checked afterwards: datasets, distributions, facet rows,
  one revision per dataset, the full-text index, and one audit entry per import. Peak memory is the
  command's own high-water mark (VmHWM), read as it exits.

The catalogs replicate the real federal agency catalogs and healthdata.gov (../shared/realdata/datajson)
under new identifiers, as bench/catalog_import.py does. Figures go to docs/benchmarks.md, section
"Catalog commands". Run: .venv/bin/python bench/catalog_commands.py [--sizes 20000,100000] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import arguments, check, header, migrated_sqlite, write_section  # bench/_common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "commands"
SECTION = "Catalog commands"
SCHEMAS = ROOT / "civicdata" / "catalog" / "schemas" / "pod-v1.1"
TARGETS = {"help": 1.0, "validate_20000": 20.0, "validate_100000": 30.0, "import": 30.0, "reimport": 5.0}
# Runs a command and reports its own peak RSS on standard error as it exits (VmHWM: this process only,
# unlike ru_maxrss, which Linux carries over from the parent across fork and exec).
PEAK = (
    "import atexit, re, sys\n"
    "def peak():\n"
    "    sys.stderr.write('PEAK_KB %s\\n' % re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
    "atexit.register(peak)\n"
    "sys.argv = ['civicdata', *sys.argv[1:]]\n"
    "from civicdata.cli import main\n"
    "main()\n"
)


def command_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    database = OUT / "civicdata.sqlite3"
    env |= {
        "CIVICDATA_ENV": "local",
        "DATA_DIR": str(OUT),
        "DATABASE_URL": f"sqlite:///{database}",
        # The 100k catalog is about 200 MB, above the default 100 MB reading limit.
        "CATALOG_MAX_BYTES": str(1024 * 1024 * 1024),
    }
    return env


def run(cmd: list[str], *, ok: tuple[int, ...] = (0,)) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command; returns (result, wall seconds, peak RSS in MB or 0 when not measured)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=command_env(), cwd=ROOT)
    wall = time.perf_counter() - start
    check(done.returncode in ok, f"{' '.join(cmd[:4])} exited {done.returncode}:\n{done.stderr[-3000:]}")
    peak = [line for line in done.stderr.splitlines() if line.startswith("PEAK_KB ")]
    return done, wall, (int(peak[-1].split()[1]) / 1024 if peak else 0.0)


def civicdata(*args: str) -> list[str]:
    return [sys.executable, "-c", PEAK, *args]


def measure_help() -> float:
    times = [run(civicdata("help"))[1] for _ in range(5)]
    return statistics.median(times)


def measure_validate(path: Path) -> dict:
    """Both validators on one file: verdicts compared, then the timed runs (peer and civicdata alternate)."""
    report, _, _ = run(civicdata("catalog", "validate", str(path), "--profile", "federal-v1.1", "--format", "json"),
                       ok=(0, 1))  # fmt: skip
    findings = json.loads(report.stdout)["report"]["findings"]
    ours = sorted({f["dataset_index"] for f in findings if f["severity"] == "error" and f["dataset_index"] is not None})
    peer_cmd = [sys.executable, str(ROOT / "bench" / "_jsonschema_peer.py"), str(path), str(SCHEMAS)]
    peer, peer_s, _ = run(peer_cmd)
    theirs = json.loads(peer.stdout)
    check(ours == theirs, f"jsonschema flags {len(theirs)} datasets, civicdata {len(ours)}")
    text, ours_s, ours_mb = run(civicdata("catalog", "validate", str(path), "--profile", "federal-v1.1"), ok=(0, 1))
    check(f"invalid: {len(ours)};" in text.stdout, "the text report counts other invalid datasets than the JSON one")
    return {"flagged": len(ours), "peer_s": peer_s, "ours_s": ours_s, "ours_mb": ours_mb}


def measure_import(path: Path, n: int) -> dict:
    from django.db import connection

    from civicdata.catalog.models import Dataset, DatasetFacet, DatasetRevision, Distribution
    from civicdata.core.models import AuditEntry

    cmd = civicdata("catalog", "import", str(path), "--publisher", "bench")
    first, import_s, import_mb = run(cmd)
    check(f"{n} new, 0 changed, 0 unchanged" in first.stdout, f"first import: {first.stdout[-500:]}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_dataset_fts")
        (fts_rows,) = cursor.fetchone()
    rows = {
        "datasets": Dataset.objects.count(),
        "distributions": Distribution.objects.count(),
        "facets": DatasetFacet.objects.count(),
        "revisions": DatasetRevision.objects.count(),
        "fts": fts_rows,
        "audit": AuditEntry.objects.filter(action="catalog.import").count(),
    }
    check(rows["datasets"] == rows["revisions"] == rows["fts"] == n, f"rows after the import: {rows}")
    check(rows["audit"] == 1 and rows["facets"] > n, f"rows after the import: {rows}")
    again, reimport_s, reimport_mb = run(cmd)
    check(f"0 new, 0 changed, {n} unchanged" in again.stdout, f"re-import: {again.stdout[-500:]}")
    check(DatasetRevision.objects.count() == n, "the unchanged re-import wrote revisions")
    check(AuditEntry.objects.filter(action="catalog.import").count() == 2, "the re-import left no audit entry")
    return {"import_s": import_s, "import_mb": import_mb, "reimport_s": reimport_s, "reimport_mb": reimport_mb,
            "rows": rows}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,100000", help="catalog sizes for validate")
    parser.add_argument("--import-size", type=int, default=100_000, help="catalog size for import")
    args = arguments(parser)
    sizes = [300] if args.smoke else [int(s) for s in args.sizes.split(",")]
    n = 300 if args.smoke else args.import_size
    global OUT
    if args.smoke:
        OUT = ROOT / "bench" / "out" / "commands-smoke"
    OUT.mkdir(parents=True, exist_ok=True)

    os.environ |= command_env()
    os.environ["DJANGO_SETTINGS_MODULE"] = "civicdata.settings.local"
    migrated_sqlite(OUT / "civicdata.sqlite3")
    import django

    django.setup()
    import catalog_import  # bench/catalog_import.py: the same replicated catalog

    from civicdata.accounts.models import Organization

    catalog_import.OUT = OUT
    Organization.objects.create(name="Bench agency", slug="bench", kind="publisher", org_type="agency")
    paths = {size: catalog_import.build_catalog(size) for size in {*sizes, n}}

    # As an installation has it (pip writes the bytecode of what it installs): each command then starts from
    # compiled modules, even where the environment says PYTHONDONTWRITEBYTECODE.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "civicdata")], check=True)
    help_s = measure_help()
    print(f"civicdata help: {help_s:.2f} s")
    validations = {}
    for size in sizes:
        validations[size] = v = measure_validate(paths[size])
        print(f"validate {size}: civicdata {v['ours_s']:.2f} s, jsonschema {v['peer_s']:.1f} s, {v['flagged']} flagged")
    imported = measure_import(paths[n], n)
    print(f"import {n}: {imported['import_s']:.1f} s, re-import {imported['reimport_s']:.1f} s, {imported['rows']}")
    if args.no_write:
        return

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    lines = [
        f"## {SECTION}",
        "",
        header("catalog_commands.py"),
        "",
        "Each figure is a whole command, process start included, as people run it. Catalogs replicate the real",
        "federal agency catalogs and healthdata.gov (`../shared/realdata/datajson`) under new identifiers. The",
        "jsonschema peer (`bench/_jsonschema_peer.py`, Draft4Validator, all errors of every dataset) runs as its",
        "own command; civicdata's per-dataset verdicts (`--format json`) equal its verdicts (asserted).",
        "",
        "| command | civicdata | peer | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| `civicdata help` (median of 5) | {help_s:.2f} s | – | – | < 1 s — {verdict(help_s < TARGETS['help'])} |",
    ]
    for size, v in validations.items():
        ratio = v["peer_s"] / v["ours_s"]
        want = TARGETS.get(f"validate_{size}")
        target = f"≥ {want:.0f}× — {verdict(ratio >= want)}" if want else "–"
        lines.append(
            f"| `civicdata catalog validate` {size:,} datasets ({v['flagged']:,} invalid, the same for both) | "
            f"{v['ours_s']:.2f} s, {v['ours_mb']:.0f} MB | {v['peer_s']:.1f} s | {ratio:.1f}× | {target} |"
        )
    rows = imported["rows"]
    lines += [
        (
            f"| `civicdata catalog import` {n:,} datasets into SQLite | {imported['import_s']:.1f} s, "
            f"{imported['import_mb']:.0f} MB | – | – | < 30 s, < 1 GB — "
            f"{verdict(imported['import_s'] < TARGETS['import'] and imported['import_mb'] < 1024)} |"
        ),
        (
            f"| the same import again, unchanged | {imported['reimport_s']:.1f} s, {imported['reimport_mb']:.0f} MB "
            f"| – | – | < 5 s — {verdict(imported['reimport_s'] < TARGETS['reimport'])} |"
        ),
        "",
        (
            f"The import wrote {rows['datasets']:,} datasets, {rows['distributions']:,} distributions, "
            f"{rows['facets']:,} facet rows, {rows['revisions']:,} first revisions, {rows['fts']:,} full-text rows "
            "and one audit entry, in one transaction; the re-import wrote no row but its audit entry (checked)."
        ),
    ]
    text = "\n".join(lines)
    print(text)
    write_section(SECTION, text)


if __name__ == "__main__":
    main()
