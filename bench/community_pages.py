"""Benchmark: the dataset page with its community parts (stories, reuses, discussions, quality score) over
HTTP on a production-like `civicdata serve` (gunicorn gthread, CIVICDATA_ENV=production, SQLite in a scratch
folder) holding 10,000 published datasets of five publishers, 20,000 reuses, 50,000 quality reports and
100,000 discussion posts, skewed as on a real site: the busiest 1 % of datasets carry 40 % of the posts,
reuses and reports (hundreds each), the rest a few. Measured: a busy dataset page, a typical one, the
busy dataset's discussions and quality pages, and the /reuses/ and /stories/ lists, each asked by a few
concurrent clients for a fixed time; every answer must be 200 (checked). The SQL queries of the busy and
the typical dataset page are counted in-process (CaptureQueriesContext) and must be equal: bounded.

Target (issue 14): the dataset page with its community parts p95 under 150 ms, with a bounded number of
queries. Clients are threads of this process sharing the machine's cores with the server, so figures are
a floor.

Run: .venv/bin/python bench/community_pages.py [--datasets 10000] [--reuses 20000] [--reports 50000]
     [--posts 100000] [--clients 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import time

from _common import arguments, check, header, write_section
from _site import Answer, civicdata, measure_endpoints, scratch_site, serving

SECTION = "Community pages"

# Rows are bulk-inserted (a few template datasets made through the catalog services, then cloned), so
# 100,000 posts take seconds. The busy share: the first 1 % of datasets get 40 % of every kind of row.
SETUP = """
import datetime as dt, json, uuid
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from civicdata.accounts.models import User
from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.models import Dataset, Distribution
from civicdata.catalog.tests.factories import make_dataset
from civicdata.community.models import (Discussion, DiscussionPost, ModerationState, QualityReport, ReportCategory,
                                        ReportStatus, Reuse, Story)

n_datasets, n_reuses, n_reports, n_posts = {datasets}, {reuses}, {reports}, {posts}
now = timezone.now()
users = User.objects.bulk_create([User(email=f"resident{{n}}@example.org")
                                  for n in range(50)])
orgs = [make_organization(f"Department {{n}}", slug=f"bench-dept-{{n}}") for n in range(5)]
templates = [make_dataset(org, title=f"Template {{n}}") for n, org in enumerate(orgs)]
skip = {{"id", "uuid", "name", "identifier", "title"}}
fields = [f.attname for f in Dataset._meta.concrete_fields if f.attname not in skip]
clones = []
for n in range(n_datasets - len(templates)):
    template = templates[n % len(templates)]
    clone = Dataset(uuid=uuid.uuid4(), name=f"bench-dataset-{{n}}", identifier=f"https://data.example.org/bench/{{n}}",
                    title=f"Service requests of district {{n}}")
    for name in fields:
        setattr(clone, name, getattr(template, name))
    clones.append(clone)
Dataset.objects.bulk_create(clones, batch_size=1000)
datasets = list(Dataset.objects.order_by("pk").values_list("pk", flat=True))
template_dists = {{t.pk: list(Distribution.objects.filter(dataset=t)) for t in templates}}
dist_fields = [f.attname for f in Distribution._meta.concrete_fields if f.attname not in ("id", "dataset_id", "uuid")]
by_pk = dict(Dataset.objects.values_list("pk", "publisher_id"))
template_of = {{t.publisher_id: t.pk for t in templates}}
dists = []
for pk in datasets:
    if pk in template_dists:
        continue
    for source in template_dists[template_of[by_pk[pk]]]:
        dists.append(Distribution(dataset_id=pk, **{{name: getattr(source, name) for name in dist_fields}}))
Distribution.objects.bulk_create(dists, batch_size=2000)

busy = datasets[: max(1, len(datasets) // 100)]
rest = datasets[len(busy):] or busy

def spread(total):
    # 40 % over the busy datasets, 60 % over the others, round robin: (dataset pk, k) for each of `total` rows.
    heavy = int(total * 0.4)
    return [(busy[k % len(busy)] if k < heavy else rest[(k - heavy) % len(rest)]) for k in range(total)]

# Discussions: busy datasets' threads hold 10 posts each, the others' 3.
posts_of = {{}}
for pk in spread(n_posts):
    posts_of[pk] = posts_of.get(pk, 0) + 1
busy_set = set(busy)
discussions, sizes = [], []
for pk, count in posts_of.items():
    size = 10 if pk in busy_set else 3
    while count > 0:
        take = min(size, count)
        at = now - dt.timedelta(hours=len(discussions) % 5000)
        week = len(discussions) % 52
        discussions.append(Discussion(dataset_id=pk, title=f"Why do the totals of week {{week}} differ?",
                                      author=users[len(discussions) % 50], post_count=take, created_at=at,
                                      updated_at=at, status="resolved" if len(discussions) % 3 == 0 else "open"))
        sizes.append(take)
        count -= take
discussions = Discussion.objects.bulk_create(discussions, batch_size=2000)
batch = []
for discussion, size in zip(discussions, sizes):
    for k in range(size):
        batch.append(DiscussionPost(discussion=discussion, author=users[k % 50], is_official=k == 1,
                                    body="The March figures look doubled for the north district; is that right?",
                                    created_at=discussion.created_at + dt.timedelta(minutes=k)))
    if len(batch) >= 5000:
        DiscussionPost.objects.bulk_create(batch)
        batch = []
DiscussionPost.objects.bulk_create(batch)

categories, statuses = list(ReportCategory.values), [ReportStatus.RECEIVED, ReportStatus.CONFIRMED, ReportStatus.FIXED]
batch = []
for k, pk in enumerate(spread(n_reports)):
    status = statuses[k % 3]
    batch.append(QualityReport(dataset_id=pk, category=categories[k % len(categories)], status=status,
                               description="Some rows have a date in the future.", reporter=users[k % 50],
                               created_at=now - dt.timedelta(hours=k % 2000), due_at=now + dt.timedelta(days=10),
                               closed_at=now if status == ReportStatus.FIXED else None))
    if len(batch) >= 5000:
        QualityReport.objects.bulk_create(batch)
        batch = []
QualityReport.objects.bulk_create(batch)

# Reuses: six in seven published (a few featured), each using one or two datasets.
reuses = Reuse.objects.bulk_create(
    [Reuse(title=f"Neighbourhood app {{k}}", kind=("application", "visualization", "article")[k % 3],
           description="Shows the data on a map for residents.", url=f"https://apps.example.org/{{k}}",
           submitter=users[k % 50], state=ModerationState.PUBLISHED if k % 7 else ModerationState.UNDER_REVIEW,
           featured=bool(k % 7) and k % 97 == 1, published_at=now - dt.timedelta(hours=k) if k % 7 else None)
     for k in range(n_reuses)], batch_size=2000)
links = spread(n_reuses)
Through = Reuse.datasets.through
Through.objects.bulk_create([Through(reuse_id=r.pk, dataset_id=pk) for r, pk in zip(reuses, links)], batch_size=5000)
Through.objects.bulk_create([Through(reuse_id=r.pk, dataset_id=rest[k % len(rest)]) for k, r in enumerate(reuses)
                             if k % 4 == 0 and rest[k % len(rest)] != links[k]], batch_size=5000)
# Stories: one for every ten datasets, each about two to three datasets (the busy ones in most).
stories = Story.objects.bulk_create(
    [Story(title=f"What the data says about district {{k}}", slug=f"district-story-{{k}}", summary="A short read.",
           body="Text.", author=users[k % 50], state=ModerationState.PUBLISHED,
           published_at=now - dt.timedelta(days=k % 300)) for k in range(max(n_datasets // 10, 5))], batch_size=2000)
Through = Story.datasets.through
Through.objects.bulk_create([Through(story_id=s.pk, dataset_id=pk) for k, s in enumerate(stories)
                             for pk in {{busy[k % len(busy)], rest[k % len(rest)], rest[(k * 7 + 3) % len(rest)]}}],
                            batch_size=5000)

busiest = max(busy, key=lambda pk: posts_of.get(pk, 0))
typical = rest[len(rest) // 2]
names = dict(Dataset.objects.filter(pk__in=[busiest, typical]).values_list("pk", "name"))
client = Client(HTTP_HOST="localhost")
queries = {{}}
for label, pk in (("busy", busiest), ("typical", typical)):
    client.get(f"/datasets/{{names[pk]}}/")  # warm
    with CaptureQueriesContext(connection) as captured:
        status = client.get(f"/datasets/{{names[pk]}}/").status_code
    queries[label] = [status, len(captured.captured_queries)]
print(json.dumps({{
    "busy": names[busiest], "typical": names[typical], "queries": queries,
    "busy_counts": {{"posts": DiscussionPost.objects.filter(discussion__dataset_id=busiest).count(),
                    "reuses": Reuse.objects.filter(datasets=busiest).count(),
                    "reports": QualityReport.objects.filter(dataset_id=busiest).count(),
                    "stories": Story.objects.filter(datasets=busiest).count()}},
    "typical_counts": {{"posts": DiscussionPost.objects.filter(discussion__dataset_id=typical).count(),
                       "reuses": Reuse.objects.filter(datasets=typical).count(),
                       "reports": QualityReport.objects.filter(dataset_id=typical).count()}},
    "datasets": Dataset.objects.filter(is_published=True).count(), "reuses": Reuse.objects.count(),
    "reports": QualityReport.objects.count(), "posts": DiscussionPost.objects.count(),
    "stories": Story.objects.count(),
}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--reuses", type=int, default=20_000)
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint (6 endpoints)")
    args = arguments(parser)
    if args.smoke:
        args.datasets, args.reuses, args.reports, args.posts, args.clients, args.seconds = 100, 200, 500, 1000, 2, 1.0
    with scratch_site("community-pages-") as (work, env):
        started = time.perf_counter()
        script = SETUP.format(datasets=args.datasets, reuses=args.reuses, reports=args.reports, posts=args.posts)
        out = civicdata(env, "shell", stdin=script, timeout=3600)
        setup = json.loads(out.strip().splitlines()[-1])
        load_seconds = time.perf_counter() - started
        for kind in ("datasets", "reuses", "reports", "posts"):
            check(setup[kind] == getattr(args, kind), f"{getattr(args, kind)} {kind} wanted, {setup[kind]} stored")
        busy_counts, typical_counts = setup["busy_counts"], setup["typical_counts"]
        check(busy_counts["posts"] > 10 * typical_counts["posts"], f"posts not skewed: {busy_counts}, {typical_counts}")
        queries = setup["queries"]
        check(queries["busy"][0] == 200 and queries["typical"][0] == 200, f"dataset pages answered {queries}")
        check(
            queries["busy"][1] == queries["typical"][1],
            f"the busy dataset page ran {queries['busy'][1]} queries, the typical one {queries['typical'][1]}",
        )
        busy, typical = setup["busy"], setup["typical"]
        endpoints = {
            "busy dataset page `/datasets/<name>/`": [f"/datasets/{busy}/"],
            "typical dataset page": [f"/datasets/{typical}/"],
            "busy dataset's discussions `/datasets/<name>/discussions/`": [f"/datasets/{busy}/discussions/"],
            "busy dataset's quality reports `/datasets/<name>/quality/`": [f"/datasets/{busy}/quality/"],
            "reuses list `/reuses/`": ["/reuses/"],
            "stories list `/stories/`": ["/stories/"],
        }

        def inspect(path: str, answer: Answer) -> None:
            if path.startswith(f"/datasets/{busy}/") and path.count("/") == 3:
                body = answer.body.decode()
                check("Quality score:" in body, f"{path}: no quality score")
                check("/discussions/" in body, f"{path}: no link to the discussions")
                check("Neighbourhood app" in body, f"{path}: no reuses panel")
                check("What the data says" in body, f"{path}: no stories panel")

        with serving(env, log=work / "serve.log") as site:
            rows = measure_endpoints(site, endpoints, clients=args.clients, seconds=args.seconds, inspect=inspect)
    p95 = {row[0]: row[4] for row in rows}
    labels = list(endpoints)
    page_met = max(p95[labels[0]], p95[labels[1]]) < 0.150
    lines = [
        f"## {SECTION}",
        "",
        header(
            "community_pages.py",
            "`civicdata serve` defaults (gunicorn gthread), CIVICDATA_ENV=production on SQLite; "
            f"{args.clients} client threads on the same machine",
        ),
        "",
        (
            f"{args.datasets:,} published datasets (5 publishers), {args.reuses:,} reuses, {args.reports:,} quality "
            f"reports, {args.posts:,} discussion posts and {setup['stories']:,} stories, loaded in "
            f"{load_seconds:.0f} s; the busiest 1 % of datasets hold 40 % of each. The busy dataset has "
            f"{busy_counts['posts']:,} posts, {busy_counts['reuses']:,} reuses, {busy_counts['reports']:,} reports "
            f"and {busy_counts['stories']:,} stories; the typical one {typical_counts['posts']} posts, "
            f"{typical_counts['reuses']} reuses and {typical_counts['reports']} reports. Each row: {args.clients} "
            f"clients for {args.seconds:.0f} s, each on a keep-alive connection, asking again as soon as the last "
            "answer arrived. Every answer was 200 (checked)."
        ),
        "",
        "| endpoint | requests | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
        *[
            f"| {label} | {n:,} | {rate:.0f} | {p50 * 1000:.0f} | {p * 1000:.0f} | {p99 * 1000:.0f} |"
            for label, n, rate, p50, p, p99 in rows
        ],
        "",
        (
            f"SQL queries of one dataset page (counted in-process, anonymous visitor): busy {queries['busy'][1]}, "
            f"typical {queries['typical'][1]} — equal, so bounded (checked; "
            "`civicdata/community/tests/test_quality_pages.py` asserts it too)."
        ),
        "",
        (
            "Target (issue 14): the dataset page with its stories, reuses, discussions and quality score p95 "
            f"under 150 ms — {'met' if page_met else 'NOT met'}; a bounded number of queries — met."
        ),
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
