"""Crawl the demo city as a resident and as staff, in a real browser, and assert on every page reached that
axe-core finds no WCAG 2.1 A/AA violation and that every control a keyboard can reach lies on the page."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/logout", "/i18n/", "/static/", "/media/")
SKIP_SUFFIXES = (
    ".csv", ".json", ".xlsx", ".xml", ".ttl", ".jsonld", ".geojson", ".svg", ".png", ".jpg", ".pdf", ".atom", ".ics",
)  # fmt: skip
PAGE_LIMIT = 80
PER_SHAPE = 3


def shape(path: str) -> tuple[str, int, str]:
    """Pages built from the same template share a shape: first segment, depth and last word."""
    segments = [segment for segment in path.split("/") if segment]
    last = segments[-1] if segments else ""
    return (segments[0] if segments else "", len(segments), "" if any(c.isdigit() for c in last) else last)


# Focusable controls whose box lies outside the document. One hidden on purpose until focused (a skip
# link) is focused and measured again; display:none, closed <details> and `hidden` have no box and are
# skipped, since Tab cannot reach them either. A USWDS checkbox or radio moves the native input off-screen
# on purpose and draws the box (and its focus ring) on its own label's ::before, so it counts as on the
# page when such a label is; a label wrapped around the input draws nothing. axe-core does not report a
# control positioned off-screen.
CONTROLS_OUTSIDE_PAGE = """() => {
  const selector = 'input:not([type=hidden]), select, textarea, button, a[href], summary';
  const doc = document.documentElement;
  const outside = (el) => {
    const box = el.getBoundingClientRect();
    const left = box.left + window.scrollX, top = box.top + window.scrollY;
    return left + box.width <= 0 || top + box.height <= 0 || left >= doc.scrollWidth || top >= doc.scrollHeight;
  };
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.getAttribute('tabindex') === '-1' || el.getClientRects().length === 0) continue;
    // Chromium keeps boxes for the content of a closed <details> (below the page); Tab skips it all the same.
    const closed = el.closest('details:not([open])');
    if (closed && el !== closed.querySelector(':scope > summary')) continue;
    if (!outside(el)) continue;
    const drawnBy = [...(el.labels || [])].find((label) => !label.contains(el) && !outside(label)
      && !['none', 'normal'].includes(getComputedStyle(label, '::before').content));
    if (drawnBy) continue;
    el.focus();
    el.getAnimations().forEach((a) => a.finish());  // a skip link slides in with a CSS transition
    const stillOutside = outside(el);
    el.blur();
    if (!stillOutside) continue;
    const box = el.getBoundingClientRect();
    const text = el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent || '';
    const label = text.trim().slice(0, 40);
    const where = `x=${Math.round(box.left)}, y=${Math.round(box.top)}`;
    found.push(`${el.tagName.toLowerCase()}#${el.id || el.name || ''} "${label}" at ${where}`);
  }
  return found;
}"""


def assert_controls_on_page(page) -> None:
    """Fails listing every keyboard-reachable control drawn outside the page (Tab would lead nowhere)."""
    outside = page.evaluate(CONTROLS_OUTSIDE_PAGE)
    assert outside == [], f"controls outside the visible page on {page.url}:\n" + "\n".join(outside)


# Buttons, links and disclosure summaries with no name a screen reader could read: no text (innerText skips
# what is not displayed, such as a USWDS search button's label hidden on phones), no aria-label(ledby), no
# title, and no image with alternative text inside.
NAMELESS_CONTROLS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('button, a[href], summary, [role=button]')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;  // also skips a closed <details>' content
    const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || '').join(' ');
    const images = [...el.querySelectorAll('img[alt], svg[aria-label], [role=img][aria-label]')]
      .filter((img) => img.getClientRects().length > 0)
      .map((img) => img.getAttribute('alt') || img.getAttribute('aria-label') || '').join(' ');
    const title = el.getAttribute('title') || '';
    const name = [el.getAttribute('aria-label') || '', byIds, el.innerText || '', images, title].join(' ').trim();
    if (!name) found.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.outerHTML.slice(0, 120)}`);
  }
  return found;
}"""

# What sticks out past the right edge of the viewport, for the failure message of the phone pass.
WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const clipped = (node) => { for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return true; } return false; };
    if (box.right > width + 0.5 && el.getClientRects().length && !clipped(el)) {
      const classes = String(el.className).split(' ').join('.');
      found.push(`${el.tagName.toLowerCase()}.${classes} right=${Math.round(box.right)}`);
    }
  }
  return [document.documentElement.scrollWidth, found.slice(0, 8)];
}"""
PHONE = {"width": 375, "height": 812}


def assert_every_control_named(page) -> None:
    """Fails listing every visible button, link or summary without an accessible name."""
    nameless = page.evaluate(NAMELESS_CONTROLS)
    assert nameless == [], f"controls without a name on {page.url}:\n" + "\n".join(nameless)


def assert_no_sideways_scroll(page) -> None:
    """Fails when the page is wider than the viewport (a phone would scroll it sideways)."""
    width, wider = page.evaluate(WIDER_THAN_SCREEN)
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width} px wide at {viewport} px:\n" + "\n".join(wider)


def crawl(page, start: str, assert_no_axe_violations, limit: int = PAGE_LIMIT) -> list[str]:
    """Breadth-first over same-site links; every HTML page must pass axe-core, keep its controls on it, name
    every button and link, and never be wider than the viewport (checked at every width; the phone passes
    below run at 375 px)."""
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
        assert_controls_on_page(page)
        assert_every_control_named(page)
        assert_no_sideways_scroll(page)
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


def community_pages() -> list[str]:
    """The community pages of a demo dataset with problem reports and of its publisher: the crawl may not
    reach them within its limit."""
    from django.urls import reverse

    from civicdata.community.models import Challenge, Discussion, QualityReport

    report = QualityReport.objects.select_related("dataset__publisher").order_by("pk").first()
    discussion = Discussion.objects.select_related("dataset").order_by("pk").first()
    assert report is not None, "the demo has no problem reports"
    assert discussion is not None, "the demo has no discussions"
    name, slug = report.dataset.name, report.dataset.publisher.slug
    return [
        reverse("community:quality_list", kwargs={"name": name}),
        report.get_absolute_url(),
        reverse("community:discussion_list", kwargs={"name": discussion.dataset.name}),
        discussion.get_absolute_url(),
        reverse("community:dataset_impact", kwargs={"name": name}),
        reverse("community:publisher_quality", kwargs={"slug": slug}),
        reverse("community:organization_impact", kwargs={"slug": slug}),
        reverse("community:challenges"),
        *[challenge.get_absolute_url() for challenge in Challenge.objects.order_by("pk")[:2]],
    ]


def staff_tool_pages() -> list[str]:
    """The POD toolbox's converters (under Manage), which the crawl may not reach within its limit."""
    from django.urls import reverse

    return [reverse("datastore:pdf_upload"), reverse("datastore:gis_upload")]


@pytest.fixture
def live_table(demo_city, tmp_path, settings):
    """A live table on a demo dataset the coordinator looks after, copied from a SQLite file in a folder
    LIVE_TABLE_SQLITE_DIRS lists (tasks run at once in tests: the first copy is loaded)."""
    import sqlite3

    from civicdata.accounts import permissions
    from civicdata.accounts.models import User
    from civicdata.catalog.models import Dataset
    from civicdata.datastore.services.live_sources import register_live_source

    settings.LIVE_TABLE_SQLITE_DIRS = [str(tmp_path)]
    database = tmp_path / "permits.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE permits (permit TEXT, address TEXT, issued TEXT, fee NUMERIC)")
        conn.executemany(
            "INSERT INTO permits VALUES (?, ?, ?, ?)",
            [("2023023374", "1916 18TH AVE S", "2023-04-11", 0), ("D2020047607", "2509 BELMONT BLVD", "", 100000)],
        )
    conn.close()
    coordinator = User.objects.get(email="coordinator@example.org")
    dataset = Dataset.objects.filter(publisher__in=permissions.editable_organizations(coordinator)).order_by("pk")[0]
    source = register_live_source(
        dataset,
        connection_url=f"sqlite:///{database}",
        relation="permits",
        title="Building permits (live)",
        by=coordinator,
        site_url="http://testserver/",
    )
    source.table.refresh_from_db()
    assert source.table.is_loaded, "the first copy of the live table was not loaded"
    return source


def live_table_pages(source) -> list[str]:
    """The live tables' staff pages: the list (with a live table on it), the connect form of a dataset and
    the live table's own page."""
    from django.urls import reverse

    return [
        reverse("datastore:live_tables"),
        reverse("datastore:live_connect", kwargs={"dataset": source.table.dataset.name}),
        source.table.get_absolute_url(),
    ]


def visit_each(page, paths: list[str], assert_no_axe_violations) -> None:
    """The checks of the crawl, on pages named in advance."""
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        assert_no_axe_violations(page)
        assert_controls_on_page(page)
        assert_every_control_named(page)
        assert_no_sideways_scroll(page)


def test_public_pages_have_no_axe_violations(demo_city, live_page, assert_no_axe_violations):
    from civicdata.datastore.models import DataTable

    # Pages the crawl may not reach within its limit: a Data API table sorted on a column.
    table = DataTable.objects.filter(version__gt=0).order_by("pk").first()
    column = table.schema["fields"][0]["name"]
    for path in (table.get_absolute_url(), f"{table.get_absolute_url()}?sort={column}"):
        live_page.goto(path)
        assert_no_axe_violations(live_page)
    visit_each(live_page, community_pages(), assert_no_axe_violations)
    visited = crawl(live_page, "/", assert_no_axe_violations)
    assert len(visited) >= 15, visited


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("port-alder-demo")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()


def test_staff_forms_keep_every_control_on_the_page(demo_city, live_page):
    """The staff forms with multi-choice groups (evidence, requesters, tactics, fulfilling datasets), on every
    project's workspace and worksheet and on a request's staff view, whether or not the crawl reaches them."""
    from civicdata.demand.models import DataRequest
    from civicdata.projects.models import Project

    sign_in(live_page, "coordinator@example.org")
    paths = [f"/requests/{DataRequest.objects.order_by('pk').first().pk}/"]
    for slug in Project.objects.order_by("pk").values_list("slug", flat=True):
        paths += [f"/projects/{slug}/workspace/", f"/projects/{slug}/workspace/worksheet/"]
    groups, outside = 0, []
    for path in paths:
        response = live_page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        groups += live_page.locator("fieldset:has(input[type=checkbox])").count()
        outside += [f"{path}: {control}" for control in live_page.evaluate(CONTROLS_OUTSIDE_PAGE)]
    assert outside == [], "controls outside the visible page:\n" + "\n".join(outside)
    assert groups >= 4, "the pages no longer show the multi-choice groups this test is about"


def test_staff_pages_have_no_axe_violations(demo_city, live_table, live_page, assert_no_axe_violations):
    page = live_page
    sign_in(page, "coordinator@example.org")
    visit_each(page, staff_tool_pages() + live_table_pages(live_table), assert_no_axe_violations)
    visited = crawl(page, "/", assert_no_axe_violations)
    assert len(visited) >= 15, visited


def test_spanish_pages_have_no_axe_violations(demo_city, live_page, assert_no_axe_violations):
    page = live_page
    page.goto("/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    visit_each(page, community_pages(), assert_no_axe_violations)
    visited = crawl(page, "/", assert_no_axe_violations, limit=25)
    assert len(visited) >= 10, visited


def test_public_pages_fit_a_phone(demo_city, live_page, assert_no_axe_violations):
    """At 375 px no page scrolls sideways (wide tables scroll inside their own region), every button is named
    and axe-core finds nothing, including the table page, whose wide table must not widen the page."""
    from civicdata.datastore.models import DataTable

    live_page.set_viewport_size(PHONE)
    table = DataTable.objects.filter(version__gt=0).order_by("pk").first()
    live_page.goto(table.get_absolute_url())
    assert_no_sideways_scroll(live_page)
    assert_every_control_named(live_page)
    visit_each(live_page, community_pages(), assert_no_axe_violations)
    visited = crawl(live_page, "/", assert_no_axe_violations, limit=40)
    assert len(visited) >= 15, visited


def test_staff_pages_fit_a_phone(demo_city, live_table, live_page, assert_no_axe_violations):
    live_page.set_viewport_size(PHONE)
    sign_in(live_page, "coordinator@example.org")
    visit_each(live_page, staff_tool_pages() + live_table_pages(live_table), assert_no_axe_violations)
    visited = crawl(live_page, "/", assert_no_axe_violations, limit=40)
    assert len(visited) >= 15, visited
