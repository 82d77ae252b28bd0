"""Benchmark: rendering a data story with three live embeds (a saved chart, a chart by its request and a
filtered table) from the demo's real Boston incident table, warm.

Builds a throw-away SQLite database and Data API store under bench/out/story_render/, loads the
datastore demo tables through the normal load job, writes one published story, then times
`community.embeds.render_story` and the whole story page through Django's test client (p50/p95/max).
Run: .venv/bin/python bench/story_render.py [--requests 100] [--no-write] [--smoke]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

from _common import arguments, check, create_schema, header, write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "story_render"
SECTION = "Story with live embeds"
TARGET_MS = 300.0


def setup_django() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    os.environ["DATA_DIR"] = str(OUT)
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdata.settings.test")
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = str(OUT / "civicdata.sqlite3")
    django.setup()
    create_schema()


def build_story() -> str:
    from civicdata.accounts.models import Organization, User
    from civicdata.community import services
    from civicdata.datastore import demo as datastore_demo
    from civicdata.datastore.models import Chart, DataTable

    Organization.objects.create(name="Police Department", slug="police", kind="publisher", org_type="department")
    datastore_demo.load(random.Random(1), io.StringIO())
    table = DataTable.objects.select_related("dataset").get(dataset__identifier="demo-crime-incidents-2021")
    chart = Chart.objects.get(table=table, title="Incidents by district")
    base = f"{table.dataset.name}/{table.name}"
    body = (
        "Three live embeds.\n\n"
        f"```embed\n/data/{base}/chart/{chart.pk}.svg\n```\n\n"
        f"```embed\n/data/{base}/chart.svg?chart_type=line&x=occurred_on_date&title=Per+week\n```\n\n"
        f"```embed\n/api/data/{base}?shooting=1&sort=-occurred_on_date&limit=25\n```\n"
    )
    staff = User.objects.create_user("staff@example.org", "a-long-password", is_staff=True)
    story = services.create_story(author=staff, title="Three embeds", body=body, datasets=[table.dataset], submit=True)
    return story.slug


def timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    args = arguments(parser)
    if args.smoke:
        args.requests = 3
    setup_django()
    from django.test import Client

    from civicdata.community.embeds import render_story
    from civicdata.community.models import Story

    slug = build_story()
    story = Story.objects.get(slug=slug)
    html = str(render_story(story.body))
    check(html.count("story-embed") == 3 and "usa-alert" not in html, "every embed is drawn, none refused")
    check("<table" in html and "chart/" in html, "the table and the charts are in the page")
    client = Client()
    check(client.get(f"/stories/{slug}/").status_code == 200, "the story page answers")
    rows = []
    ok = True
    for label, fn in (
        ("`render_story` (three embeds)", lambda: render_story(story.body)),
        ("Story page `/stories/<slug>/`", lambda: client.get(f"/stories/{slug}/")),
    ):
        times = timed(fn, args.requests)
        p50, p95 = statistics.median(times), sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        ok = ok and p95 < TARGET_MS
        rows.append(f"| {label} | {len(times)} | {p50:.1f} | {p95:.1f} | {max(times):.1f} |")
        print(rows[-1])
    text = "\n".join(
        [
            f"## {SECTION}",
            "",
            header("story_render.py", "SQLite, DuckDB"),
            "",
            (
                "One story with a saved bar chart, a weekly line chart and a filtered table of 25 rows, all "
                "drawn from the demo's 1,500-row Boston incident table at each rendering (warm: the first "
                "rendering is not counted)."
            ),
            "",
            "| what | runs | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Target: p95 under {TARGET_MS:.0f} ms warm — {'met' if ok else 'NOT met'}.",
        ]
    )
    if not args.no_write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
