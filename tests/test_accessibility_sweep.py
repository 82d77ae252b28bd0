"""Crawl the demo city as a resident and as staff, in a real browser, and assert that axe-core finds no
WCAG 2.1 A/AA violation on any page reached."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/logout", "/i18n/", "/static/", "/media/")
SKIP_SUFFIXES = (".csv", ".json", ".xlsx", ".xml", ".ttl", ".jsonld", ".geojson", ".svg", ".png", ".pdf", ".atom")
PAGE_LIMIT = 80
PER_SHAPE = 3


def shape(path: str) -> tuple[str, int, str]:
    """Pages built from the same template share a shape: first segment, depth and last word."""
    segments = [segment for segment in path.split("/") if segment]
    last = segments[-1] if segments else ""
    return (segments[0] if segments else "", len(segments), "" if any(c.isdigit() for c in last) else last)


def crawl(page, start: str, assert_no_axe_violations, limit: int = PAGE_LIMIT) -> list[str]:
    """Breadth-first over same-site links; every HTML page must pass axe-core."""
    base = page.base_url
    queue, seen, visited = deque([start]), {start}, []
    shapes: dict[tuple[str, int, str], int] = {}
    while queue and len(visited) < limit:
        path = queue.popleft()
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status < 500, f"{path} answered {response.status}"
        assert_no_axe_violations(page)
        visited.append(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            if not href.startswith(base):
                continue
            parts = urlsplit(href)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in seen or link.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            # One page per list filter is enough: skip most query-string variants.
            if parts.query and sum(1 for seen_link in seen if seen_link.startswith(parts.path + "?")) >= 2:
                continue
            seen.add(link)
            key = shape(parts.path)
            if shapes.get(key, 0) >= PER_SHAPE:
                continue
            shapes[key] = shapes.get(key, 0) + 1
            queue.append(link)
    return visited


@pytest.fixture
def demo_city(db):
    call_command("demo", verbosity=0)


def test_public_pages_have_no_axe_violations(demo_city, live_page, assert_no_axe_violations):
    from civicdata.datastore.models import DataTable

    # Pages the crawl may not reach within its limit: a Data API table sorted on a column.
    table = DataTable.objects.filter(version__gt=0).order_by("pk").first()
    column = table.schema["fields"][0]["name"]
    for path in (table.get_absolute_url(), f"{table.get_absolute_url()}?sort={column}"):
        live_page.goto(path)
        assert_no_axe_violations(live_page)
    visited = crawl(live_page, "/", assert_no_axe_violations)
    assert len(visited) >= 15, visited


def test_staff_pages_have_no_axe_violations(demo_city, live_page, assert_no_axe_violations):
    page = live_page
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("coordinator@example.org")
    page.locator("#id_password").fill("port-alder-demo")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()
    visited = crawl(page, "/", assert_no_axe_violations)
    assert len(visited) >= 15, visited


def test_spanish_pages_have_no_axe_violations(demo_city, live_page, assert_no_axe_violations):
    page = live_page
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    visited = crawl(page, "/", assert_no_axe_violations, limit=25)
    assert len(visited) >= 10, visited
