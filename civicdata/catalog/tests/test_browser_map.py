"""In a real browser: the catalog's area filter drawn as a box on a map fills the typed
west,south,east,north field (which stays the way to do it without JavaScript)."""

from __future__ import annotations

import re

import pytest

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "en"), (1280, "es")])
def test_search_by_drawing_a_box(browser, live_server, assert_no_axe_violations, width, language):
    """A resident draws a box over North America: the field holds the box and the search keeps only the
    dataset whose extent overlaps it."""
    from playwright.sync_api import expect

    parks = make_organization("Parks Department", slug="parks")
    make_dataset(parks, identifier="boston-trees", title="Boston trees", spatial="-71.2,42.2,-71.0,42.4")
    make_dataset(parks, identifier="sydney-trees", title="Sydney trees", spatial="151.0,-34.0,151.3,-33.7")
    spanish = language == "es"
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US")
    # No internet in tests: map tiles fail at once and the map still works.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    page = context.new_page()
    page.goto("/")
    if spanish:
        page.get_by_role("button", name="Español").click()
    page.get_by_role("link", name="Explorar conjuntos de datos" if spanish else "Browse datasets").click()
    canvas = page.locator("#dataset-bbox-map")
    expect(canvas).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Dibujar un recuadro" if spanish else "Draw a box").click()
    # The map opens on the world centred at 20°N 0°E (zoom 1): this box spans about 105°W–21°W, 13°N–57°N.
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 150, cy - 70)
    page.mouse.down()
    page.mouse.move(cx - 90, cy - 30, steps=5)
    page.mouse.move(cx - 30, cy + 10, steps=5)
    page.mouse.up()
    field = page.locator("#dataset-bbox")
    expect(field).to_have_value(re.compile(r"^-?[\d.]+,-?[\d.]+,-?[\d.]+,-?[\d.]+$"))
    west, south, east, north = (float(x) for x in field.input_value().split(","))
    assert west < -71.2
    assert east > -71.0
    assert south < 42.2
    assert north > 42.4
    page.locator(".civic-search-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"bbox="))
    results = page.locator("#results-heading").locator("xpath=..")
    expect(results.get_by_role("link", name="Boston trees")).to_be_visible()
    expect(results.get_by_role("link", name="Sydney trees")).to_have_count(0)
    expect(page.locator("#dataset-bbox")).to_have_value(field.input_value())
    assert_no_axe_violations(page)
    context.close()
