"""In a real browser: the table page, chart builder and staff review pages pass axe-core, and filtering,
sorting and paging work with JavaScript turned off."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest

from civicdata.datastore.models import DataTable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo() -> DataTable:
    from civicdata.accounts import demo as accounts_demo
    from civicdata.datastore import demo

    accounts_demo.load(random.Random("a"), io.StringIO())
    demo.load(random.Random("d"), io.StringIO())
    return DataTable.objects.get(name="incidents")


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("port-alder-demo")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_table_page_is_accessible_and_works_without_javascript(browser, live_server, assert_no_axe_violations):
    """Filter form, sort links and the next-page link work with JavaScript disabled; axe finds nothing."""
    table = _demo()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(table.get_absolute_url())
    page.select_option("#add-col", "shooting")
    page.fill("#add-value", "0")
    page.locator("form:has(#add-col) button[type=submit]").click()
    assert "shooting=0" in page.url
    cells = page.locator("#rows-table tbody tr").count()
    assert cells == 50
    page.locator("a[rel=next]").click()
    assert "cursor=" in page.url
    context.close()
    js_context = browser.new_context(base_url=live_server.url)
    page = js_context.new_page()
    page.goto(table.get_absolute_url() + "?chart_type=bar&x=district&aggregate=count#chart")
    assert_no_axe_violations(page)
    js_context.close()


def test_staff_pages_are_accessible(live_page, assert_no_axe_violations):
    """Schema editor, quality report, personal data review and load form pass axe-core."""
    table = _demo()
    _sign_in(live_page, "admin@example.org")
    base = table.get_absolute_url()
    for url in (f"{base}schema/", f"{base}quality/", f"{base}privacy/", f"/data/{table.dataset.name}/load/"):
        live_page.goto(url)
        assert_no_axe_violations(live_page)


def _count(sentence: str) -> int:
    """The number a "N rows where …" sentence starts with (1,500 in English; Spanish groups digits with
    a non-breaking space)."""
    return int(re.sub(r"\D", "", re.match(r"\d[\d.,\u00a0\u202f]*", sentence)[0]))


def _offline(context) -> None:
    """No internet in tests: every request off the test server (map tiles) fails at once."""
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "en"), (1280, "es")])
def test_resident_finds_filters_maps_and_downloads(browser, live_server, assert_no_axe_violations, width, language):
    """A resident goes from the home page to the incidents table, filters by a facet, reads how many rows
    match with the results in view, sees the clustered map, filters to the map's area and downloads the
    matching rows as CSV — with axe clean on the dataset and table pages."""
    from playwright.sync_api import expect

    _demo()
    spanish = language == "es"
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US", accept_downloads=True
    )
    _offline(context)
    page = context.new_page()
    page.goto("/")
    if spanish:
        page.get_by_role("button", name="Español").click()
    page.locator("#home-search").fill("crime incidents")
    page.locator("#home-search").press("Enter")
    page.get_by_role("link", name="Crime incident reports, 2021 (real Boston sample)").click()
    clusters = page.locator("[data-civic-map] .marker-cluster")
    expect(clusters.first).to_be_visible(timeout=30_000)
    assert_no_axe_violations(page)
    page.get_by_role(
        "link", name="Explorar, filtrar y descargar" if spanish else "Explore, filter and download"
    ).click()

    results = page.locator("#results")
    expect(page.locator("[data-civic-map] .marker-cluster").first).to_be_visible(timeout=30_000)
    total = _count(results.inner_text())
    assert total == 1500
    assert_no_axe_violations(page)

    facet = page.locator("section[aria-labelledby='facet-district'] a").first
    district = facet.inner_text()
    facet.click()
    where = "filas donde" if spanish else "rows where"
    expect(results).to_contain_text(re.compile(rf"^\d[\d.,\u00a0\u202f]* {where} .*“{re.escape(district)}”"))
    expect(results).to_be_focused()
    expect(results).to_be_in_viewport()
    matching = _count(results.inner_text())
    assert 0 < matching < total
    figure = page.locator("[data-civic-map]")
    expect(figure).to_have_attribute("data-points-shown", str(matching), timeout=30_000)
    expect(page.locator("[data-civic-map] .marker-cluster").first).to_be_visible()

    page.get_by_role("button", name="Filtrar a esta zona" if spanish else "Filter to this area").click()
    expect(results).to_contain_text("zona elegida en el mapa" if spanish else "inside the chosen map area")
    expect(results).to_be_focused()
    in_area = _count(results.inner_text())
    assert 0 < in_area <= matching
    expect(page.locator("#area-west")).not_to_have_value("")
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.locator("a[download]", has_text="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == in_area + 1  # the header, then every matching row
    assert {row[rows[0].index("district")] for row in rows[1:]} == {district}
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_shapes_of_a_geojson_table_are_drawn_on_both_maps(browser, live_server, assert_no_axe_violations, width):
    """The real census block groups (polygons from a GeoJSON upload): the dataset page and the table
    page draw their outlines as a polygon layer, say how many are shown and list them in words; a
    filter narrows the shapes drawn; axe is clean and nothing scrolls sideways at 375 px."""
    from playwright.sync_api import expect

    from .factories import published_table
    from .shapes import blockgroups_geojson

    table = published_table(blockgroups_geojson(30), name="blockgroups", suffix=".geojson")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US")
    _offline(context)
    page = context.new_page()
    page.goto(table.dataset.get_absolute_url())
    shapes = page.locator("[data-civic-map] path.leaflet-interactive")
    expect(shapes.first).to_be_visible(timeout=30_000)
    assert shapes.count() == 30
    expect(page.locator("[data-civic-map] .civic-map__status")).to_have_text("The map shows 30 shapes.")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Explore, filter and download").click()
    figure = page.locator("[data-civic-map]")
    expect(figure).to_have_attribute("data-points-shown", "30", timeout=30_000)
    assert page.locator("[data-civic-map] path.leaflet-interactive").count() == 30
    words = page.locator(".civic-map__words")
    words.locator("summary").click()
    expect(words.locator("li")).to_have_count(30)
    expect(words.locator("li").first).to_contain_text("060750179029: area around latitude 37.")
    expect(page.locator("#area-form")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)

    page.goto(table.get_absolute_url() + "?pop1990__gte=2000")
    total = int(re.match(r"\d+", page.locator("#results").inner_text())[0])
    assert 0 < total < 30
    expect(figure).to_have_attribute("data-points-shown", str(total), timeout=30_000)
    assert page.locator("[data-civic-map] path.leaflet-interactive").count() == total
    context.close()


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "es")])
def test_resident_filters_shapes_to_the_map_area(browser, live_server, assert_no_axe_violations, width, language):
    """A resident finds the census block groups from the home page, opens the table, zooms the shape map
    in with the keyboard and uses "Filter to this area": fewer rows, the sentence says the shapes touching
    the area are shown (judged by their boxes), the map draws just those, the address keeps `_bbox`; axe
    is clean and nothing scrolls sideways."""
    from playwright.sync_api import expect

    from .factories import load_table, make_published_dataset
    from .shapes import blockgroups_geojson

    spanish = language == "es"
    dataset = make_published_dataset(title="San Francisco census block groups, 1990")
    table, job = load_table(dataset, blockgroups_geojson(30), name="blockgroups", suffix=".geojson")
    assert job.status == "succeeded", job.error
    from civicdata.datastore import services

    services.publish_table(table, by=None)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US")
    _offline(context)
    page = context.new_page()
    page.goto("/")
    if spanish:
        page.get_by_role("button", name="Español").click()
    page.locator("#home-search").fill("census block groups")
    page.locator("#home-search").press("Enter")
    page.get_by_role("link", name="San Francisco census block groups, 1990").click()
    page.get_by_role(
        "link", name="Explorar, filtrar y descargar" if spanish else "Explore, filter and download"
    ).click()

    results = page.locator("#results")
    figure = page.locator("[data-civic-map]")
    expect(figure).to_have_attribute("data-points-shown", "30", timeout=30_000)
    assert page.locator("[data-civic-map] path.leaflet-interactive").count() == 30
    assert _count(results.inner_text()) == 30
    assert_no_axe_violations(page)

    # Zoom in twice with the keyboard, each time waiting for the map to settle on its new view.
    canvas = page.locator(".civic-map__canvas")
    expect(figure).to_have_attribute("data-view", re.compile(r"\d"))
    canvas.focus()
    for _step in range(2):
        view = figure.get_attribute("data-view")
        canvas.press("NumpadAdd")
        expect(figure).not_to_have_attribute("data-view", view or "")
    page.get_by_role("button", name="Filtrar a esta zona" if spanish else "Filter to this area").click()
    expect(results).to_contain_text(
        "donde la forma toca la zona elegida en el mapa"
        if spanish
        else "where the shape touches the chosen map area (judged by the box around the shape)"
    )
    expect(results).to_be_focused()
    in_area = _count(results.inner_text())
    assert 0 < in_area < 30
    expect(figure).to_have_attribute("data-points-shown", str(in_area), timeout=30_000)
    assert page.locator("[data-civic-map] path.leaflet-interactive").count() == in_area
    expect(page.locator("#area-west")).not_to_have_value("")
    assert "_bbox=" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)

    # The address is shareable: opened afresh (no JavaScript state), it shows the same rows.
    page.goto(page.url)
    assert _count(results.inner_text()) == in_area
    context.close()
