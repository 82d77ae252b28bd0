"""Benchmark: project list and project page response times with 1,000 projects, 50,000 comments and
10,000 problem inventory entries.

Builds a throw-away SQLite database under bench/out/projects/, fills it with bulk inserts (the
services are exercised by the test suite; here only read speed is measured), then requests pages
through Django's test client and reports p50/p95/max and the largest number of SQL queries per page.
Run: .venv/bin/python bench/projects_pages.py [--projects 1000] [--requests 200] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
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
OUT = ROOT / "bench" / "out" / "projects"
SECTION = "Projects"
TARGET_MS = 150.0


def setup_django() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    os.environ["DATA_DIR"] = str(OUT)
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdata.settings.test")
    import django
    from django.conf import settings

    # The test profile keeps SQLite in memory; the benchmark's database is a file in its scratch folder.
    settings.DATABASES["default"]["NAME"] = str(OUT / "civicdata.sqlite3")
    django.setup()
    create_schema()


def populate(n_projects: int, n_problems: int, n_comments: int, rng: random.Random) -> list[str]:
    from django.utils import timezone

    from civicdata.accounts.models import Organization, User
    from civicdata.projects.models import (
        Evidence,
        FocusArea,
        InterventionPlan,
        PlanComment,
        Problem,
        ProblemComment,
        Project,
        ProjectEvent,
        StepRecord,
        UseCase,
    )

    now = timezone.now()
    orgs = [
        Organization.objects.create(name=f"Department {i}", slug=f"dept-{i}", kind="publisher", org_type="department")
        for i in range(10)
    ]
    users = User.objects.bulk_create(
        [User(email=f"resident{i}@example.org", display_name=f"Resident {i}") for i in range(500)]
    )
    steps = ["find", "refine", "design", "implement"]
    projects = Project.objects.bulk_create(
        [
            Project(
                organization=orgs[i % len(orgs)],
                title=f"Engagement project {i}",
                slug=f"project-{i}",
                summary="A project about **public data** and the people who use it. " * 3,
                current_step=steps[i % 4],
                created_at=now - dt.timedelta(days=i % 90),
                updated_at=now - dt.timedelta(minutes=i),
            )
            for i in range(n_projects)
        ]
    )
    records, events, evidence, use_cases = [], [], [], []
    for p in projects:
        for k in range(steps.index(p.current_step) + 1):
            left = None if steps[k] == p.current_step else now - dt.timedelta(days=10 * (3 - k))
            records.append(
                StepRecord(
                    project=p,
                    step=steps[k],
                    result=f"Result of {steps[k]}",
                    collaborators="Residents",
                    entered_at=now - dt.timedelta(days=40 - 10 * k),
                    left_at=left,
                )
            )
        events += [ProjectEvent(project=p, kind="created", step="find", message="Project started.") for _ in range(20)]
        evidence += [Evidence(project=p, kind="request_log", title=f"Topic {j}", request_count=j) for j in range(5)]
        use_cases += [UseCase(project=p, title=f"Use case {j}") for j in range(3)]
    StepRecord.objects.bulk_create(records, batch_size=2000)
    ProjectEvent.objects.bulk_create(events, batch_size=2000)
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    UseCase.objects.bulk_create(use_cases, batch_size=2000)
    for p in projects[:200]:
        FocusArea.objects.create(project=p, title="Focus", rationale="Because.")
    design = [p for p in projects if p.current_step in ("design", "implement")]
    first_use_case = dict(UseCase.objects.order_by("-id").values_list("project_id", "id"))
    plans = InterventionPlan.objects.bulk_create(
        [
            InterventionPlan(
                project=p,
                use_case_id=first_use_case[p.pk],
                goal="Goal",
                version=1,
                comments_open_at=now - dt.timedelta(days=2),
                comments_close_at=now + dt.timedelta(days=5),
            )
            for p in design
        ]
    )
    problems = Problem.objects.bulk_create(
        [
            Problem(
                project=projects[i % len(projects)],
                title=f"Problem {i}",
                body="Details " * 10,
                author=users[i % len(users)],
                vote_count=rng.randint(0, 200),
            )
            for i in range(n_problems)
        ],
        batch_size=2000,
    )
    half = n_comments // 2
    ProblemComment.objects.bulk_create(
        [
            ProblemComment(problem=problems[i % len(problems)], author=users[i % len(users)], body="I agree.")
            for i in range(half)
        ],
        batch_size=5000,
    )
    PlanComment.objects.bulk_create(
        [
            PlanComment(
                plan=plans[i % len(plans)],
                author=users[i % len(users)],
                body="Please consider this.",
                section=rng.choice(["", "goal", "roles"]),
            )
            for i in range(n_comments - half)
        ],
        batch_size=5000,
    )
    return [p.slug for p in projects]


def measure(client, urls: list[str]) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, max_queries = [], 0
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        check(response.status_code == 200, f"{url} answered {response.status_code}")
        times.append(elapsed)
        max_queries = max(max_queries, len(ctx.captured_queries))
    return times, max_queries


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    args = arguments(parser)
    if args.smoke:
        args.projects, args.problems, args.comments, args.requests = 20, 100, 200, 10

    setup_django()
    from django.test import Client

    rng = random.Random(20261125)
    start = time.perf_counter()
    slugs = populate(args.projects, args.problems, args.comments, rng)
    build_s = time.perf_counter() - start
    print(f"built {args.projects} projects, {args.problems} problems, {args.comments} comments in {build_s:.1f}s")

    client = Client()
    client.get("/projects/")  # warm templates and URL resolvers
    pages = max(1, args.projects // 25)
    list_urls = [
        rng.choice(["/projects/", f"/projects/?page={rng.randint(1, pages)}", "/projects/?step=design"])
        for _ in range(args.requests)
    ]
    detail_urls = [f"/projects/{rng.choice(slugs)}/" for _ in range(args.requests)]
    problem_urls = [f"/projects/{rng.choice(slugs)}/problems/" for _ in range(args.requests // 2)]
    plan_urls = [f"/projects/{rng.choice(slugs[2::4])}/plan/" for _ in range(args.requests // 2)]
    rows = []
    ok = True
    for label, urls in (
        ("Project list `/projects/`", list_urls),
        ("Project page `/projects/<slug>/`", detail_urls),
        ("Problem inventory `/projects/<slug>/problems/`", problem_urls),
        ("Plan with comments `/projects/<slug>/plan/`", plan_urls),
        ("Programme view `/projects/programme/`", ["/projects/programme/"] * 20),
        ("Programme API `/api/projects/programme`", ["/api/projects/programme"] * 20),
    ):
        times, queries = measure(client, urls)
        p50, p95 = statistics.median(times), pct(times, 0.95)
        ok = ok and (p95 < TARGET_MS if "list" in label or "page" in label else True)
        rows.append(f"| {label} | {len(times)} | {p50:.1f} | {p95:.1f} | {max(times):.1f} | {queries} |")
        print(rows[-1])
    text = "\n".join(
        [
            f"## {SECTION}",
            "",
            header("projects_pages.py", "SQLite"),
            "",
            (
                f"Data: {args.projects:,} projects, {args.problems:,} problem inventory entries, "
                f"{args.comments:,} comments (half on problems, half on intervention plans), 20 history events, "
                "5 evidence items and 3 use cases per project. Pages are fetched through Django's test client "
                "(full middleware and templates, no network)."
            ),
            "",
            "| page | requests | p50 ms | p95 ms | max ms | max SQL queries |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            (
                f"Target: list and project page p95 under {TARGET_MS:.0f} ms — {'met' if ok else 'NOT met'}. "
                "Query counts do not depend on the number of projects, problems or comments (asserted in "
                "`civicdata/projects/tests/test_pages.py` and `test_api.py`)."
            ),
        ]
    )
    if not args.no_write:
        write_section(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
