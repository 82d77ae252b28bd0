"""Benchmark: dataset search latency with facets on the 100k-dataset catalog built by
bench/catalog_import.py (run that first; its database in bench/out/catalog/ is reused).

Queries are words drawn (seeded) from the catalog's own titles and keywords: one word, two words,
a word plus a keyword facet filter, and the empty query sorted by modification date. Each query is run
through `search.search_datasets` with all six facets counted, and a sample through the `/datasets/`
page (full middleware and template). Figures go to docs/benchmarks.md, section "Catalog search".
Run: .venv/bin/python bench/catalog_search.py [--queries 300] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import arguments, check, header, write_section  # bench/_common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("BENCH_CATALOG_DIR", ROOT / "bench" / "out" / "catalog"))
SECTION = "Catalog search"
TARGET_MS = 100.0


def setup_django(*, smoke: bool) -> None:
    global OUT
    if smoke:
        # Its own small catalog, so the smoke run needs no earlier full-size import.
        OUT = ROOT / "bench" / "out" / "catalog-smoke-search"
        env = {**os.environ, "BENCH_CATALOG_DIR": str(OUT)}
        built = subprocess.run([sys.executable, str(ROOT / "bench" / "catalog_import.py"), "--smoke"], env=env)
        if built.returncode:
            raise SystemExit(built.returncode)
    if not (OUT / "civicdata.sqlite3").exists():
        sys.exit("Run bench/catalog_import.py first: it builds the 100k-dataset database this benchmark reads.")
    os.environ["DATA_DIR"] = str(OUT)
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdata.settings.test")
    import django
    from django.conf import settings

    # The test profile keeps SQLite in memory; the benchmark needs its database file.
    settings.DATABASES["default"]["NAME"] = str(OUT / "civicdata.sqlite3")
    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    args = arguments(parser)
    if args.smoke:
        args.queries = 30
    setup_django(smoke=args.smoke)
    from django.test import Client

    from civicdata.catalog.models import Dataset, DatasetFacet
    from civicdata.catalog.search import SearchQuery, Sort, search_datasets

    Dataset.objects.update(is_published=True)
    # Search shows the Public Data Listing: public and restricted-public datasets, not the non-public ones.
    total = Dataset.objects.exclude(access_level="non-public").count()
    rng = random.Random(7)
    visible_titles = list(
        Dataset.objects.exclude(access_level="non-public").order_by("pk").values_list("title", flat=True)
    )
    titles = rng.sample(visible_titles, min(2000, len(visible_titles)))  # seeded: the same queries every run
    words = sorted({w.lower() for t in titles if t for w in re.findall(r"[A-Za-z]{4,}", t)})
    keywords = list(DatasetFacet.objects.filter(facet="keyword").values_list("value", flat=True).distinct()[:500])
    queries: list[tuple[str, SearchQuery]] = []
    for index in range(args.queries):
        kind = index % 10
        if kind < 5:
            queries.append(("one word", SearchQuery(text=rng.choice(words))))
        elif kind < 8:
            queries.append(("two words", SearchQuery(text=f"{rng.choice(words)} {rng.choice(words)}")))
        elif kind == 8:
            queries.append(
                (
                    "word + keyword filter",
                    SearchQuery(text=rng.choice(words), filters={"keyword": [rng.choice(keywords)]}),
                )
            )
        else:
            queries.append(("empty query, newest first", SearchQuery(sort=Sort.MODIFIED)))
    search_datasets(queries[0][1])  # warm caches
    timings: dict[str, list[float]] = {}
    hits: list[int] = []
    for label, query in queries:
        start = time.perf_counter()
        result = search_datasets(query)
        timings.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        hits.append(result.total)
    # Answers checked: a word taken from the catalog's own titles finds at least that dataset, and the
    # empty query finds every published dataset.
    for (label, query), found in zip(queries, hits, strict=True):
        if label == "one word":
            check(found > 0, f"search for {query.text!r}, a word of a title, found nothing")
        elif label.startswith("empty"):
            check(found == total, f"the empty query found {found} of {total} published datasets")
    everything = [t for values in timings.values() for t in values]
    client = Client()
    client.get("/datasets/")
    page_times = []
    for _label, query in queries[:60]:
        start = time.perf_counter()
        response = client.get("/datasets/", {"q": query.text, **query.filters, "sort": query.sort})
        check(response.status_code == 200, f"/datasets/ answered {response.status_code}")
        page_times.append((time.perf_counter() - start) * 1000)
    p95 = percentile(everything, 0.95)
    print(f"{total} datasets; search p50 {statistics.median(everything):.1f} ms, p95 {p95:.1f} ms; "
          f"page p95 {percentile(page_times, 0.95):.1f} ms; median hits {statistics.median(hits):.0f}")  # fmt: skip
    for label, values in timings.items():
        print(f"  {label}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms")
    if args.no_write:
        return
    rows = "\n".join(
        f"| {label} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} "
        f"| {max(values):.1f} |"
        for label, values in timings.items()
    )
    page_row = (
        f"| `/datasets/` page (full middleware and template) | {len(page_times)} | {statistics.median(page_times):.1f} "
        f"| {percentile(page_times, 0.95):.1f} | {max(page_times):.1f} |"
    )
    text = f"""## Catalog search

{header("catalog_search.py", "SQLite FTS5")}

Data: the catalog of `bench/catalog_import.py` ({total:,} datasets in the Public Data Listing, which search shows;
the non-public ones are left out). {len(queries)} queries with words drawn
(seeded) from the catalog's own titles and keywords; every query counts all six facets (publisher, category,
keyword, format, access level, license) and fetches the first page of 20. Median hits per query:
{statistics.median(hits):,.0f}.

| query | n | p50 ms | p95 ms | max ms |
|---|---|---|---|---|
{rows}
| **all (service)** | {len(everything)} | {statistics.median(everything):.1f} | **{p95:.1f}** | {max(everything):.1f} |
{page_row}

Target: search p95 under {TARGET_MS:.0f} ms with facets — {"met" if p95 < TARGET_MS else "**missed**"}.
"""
    write_section(SECTION, text)


if __name__ == "__main__":
    main()
