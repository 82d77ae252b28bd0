"""Benchmark: topic clustering of 100,000 demand items (target: under 60 s on 2 cores).

The items are real: the 4,281 USDA APHIS FOIA requests and the 10,000 LA 311 requests from
../shared/realdata/requests, repeated with a distinguishing suffix until there are 100,000 texts,
so there are about 100k *distinct* texts to vectorise and cluster (the harder case; identical
texts are de-duplicated by the clusterer).
Run: .venv/bin/python bench/demand_clustering.py [--items N]
"""

from __future__ import annotations

import argparse
import csv
import time

from _common import arguments, check, header, realdata_dir, write_section

from civicdata.demand.clustering import cluster_texts


def load_texts(n: int) -> list[str]:
    base = realdata_dir() / "requests"
    with (base / "usda_aphis_foia_log_2010-2015_MERGED_normalized.csv").open(encoding="utf-8") as handle:
        foia = [row["request_description"] for row in csv.DictReader(handle) if row["request_description"].strip()]
    with (base / "la311" / "MyLA311_2020_requests_seed.csv").open(encoding="utf-8") as handle:
        service = [f"{row['requesttype']} {row['ncname']}".strip() for row in csv.DictReader(handle)]
    pool = foia + service
    # Every item gets suffix words and its number so all texts are distinct: the clusterer cannot
    # fold duplicates together, which is the slow case (a real archive repeats far more).
    words = ["north", "south", "east", "west", "central", "harbor", "hills", "valley", "river", "park"]
    return [f"{pool[i % len(pool)]} {words[i % 10]} {words[(i // 10) % 10]} #{i}" for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    args = arguments(parser)
    if args.smoke:
        args.items = 2_000
    texts = load_texts(args.items)
    started = time.perf_counter()
    result = cluster_texts(texts)
    seconds = time.perf_counter() - started
    again = cluster_texts(texts)
    deterministic = [t.label for t in result.topics] == [t.label for t in again.topics] and list(
        result.assignments
    ) == list(again.assignments)
    distinct = len({" ".join(t.split()).lower() for t in texts})
    print(
        f"{args.items} items ({distinct} distinct): {result.k} topics, vocabulary {result.vocabulary_size}, "
        f"{seconds:.1f} s, deterministic={deterministic}"
    )
    for topic in result.topics[:10]:
        print(f"  {topic.size:>7}  {topic.label}")
    # No peer tool here: the answers checked are that every item lands in exactly one topic and that
    # a second run with the same seed gives the same topics.
    check(len(result.assignments) == len(texts), "not every item has an assignment")
    check(result.k > 1 and all(0 <= a < result.k for a in result.assignments), f"{result.k} topics")
    check(deterministic, "a second run with the same seed gave different topics")
    if args.no_write:
        return
    verdict = "met" if seconds < 60 else "NOT met"
    write_section(
        "Demand clustering",
        f"""## Demand: topic clustering

{header("demand_clustering.py")}

Data: {args.items:,} demand texts ({distinct:,} distinct) built from the real USDA APHIS FOIA log
(4,281 requests) and the LA 311 sample (10,000 requests), each made distinct. TF-IDF (words and pairs, English and
Spanish stop words) + mini-batch k-means, fixed seed.

| items | topics | vocabulary | seconds | same topics on a second run |
|---|---|---|---|---|
| {args.items:,} | {result.k} | {result.vocabulary_size:,} | {seconds:.1f} | {"yes" if deterministic else "no"} |

Target: 100k items under 60 s on 2 cores — {verdict}.""",
    )


if __name__ == "__main__":
    main()
