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
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "out" / "catalog"
SECTION = "Catalog search"
TARGET_MS = 100.0


def setup_django() -> None:
    if not (OUT / "civicdata.sqlite3").exists() and not any(OUT.glob("*.sqlite3")):
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
    parser.add_argument("--no-write", action="store_true", help="print figures without updating docs")
    args = parser.parse_args()
    setup_django()
    from catalog_import import machine, write_section  # the shared helpers of the import benchmark
    from django.test import Client

    from civicdata.catalog.models import Dataset, DatasetFacet
    from civicdata.catalog.search import SearchQuery, Sort, search_datasets

    Dataset.objects.update(is_published=True)
    total = Dataset.objects.count()
    rng = random.Random(7)
    titles = list(Dataset.objects.order_by("?").values_list("title", flat=True)[:2000])
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
    everything = [t for values in timings.values() for t in values]
    client = Client()
    client.get("/datasets/")
    page_times = []
    for _label, query in queries[:60]:
        start = time.perf_counter()
        response = client.get("/datasets/", {"q": query.text, **query.filters, "sort": query.sort})
        assert response.status_code == 200
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
    today = dt.datetime.now(dt.UTC).date().isoformat()
    page_row = (
        f"| `/datasets/` page (full middleware and template) | {len(page_times)} | {statistics.median(page_times):.1f} "
        f"| {percentile(page_times, 0.95):.1f} | {max(page_times):.1f} |"
    )
    text = f"""## Catalog search

`bench/catalog_search.py` — {today} — {machine()}, SQLite FTS5.

Data: the {total:,}-dataset catalog of `bench/catalog_import.py`. {len(queries)} queries with words drawn
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
    write_section_for(write_section, text)


def write_section_for(writer, text: str) -> None:
    import catalog_import

    catalog_import.SECTION = SECTION
    writer(text)


if __name__ == "__main__":
    main()
