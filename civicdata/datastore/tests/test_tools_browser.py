"""In a real browser, as an editor of a publisher, by clicking from the home page through the "Manage"
menu: free a table from a real PDF (check the tables found, keep one, choose its header row) and load a
zipped shapefile, each reaching the loaded table (with its map for the shapefile) — at 1280 px in English
and 375 px in Spanish, with axe-core on every page.

Tasks run immediately in the test settings, so the load has finished when the job page opens; the job
page is still waited for by its "Loaded" heading, as a person would. Every wait has a timeout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civicdata.accounts.models import Organization, User
from civicdata.accounts.tests.browser_support import journey_page, open_manage_link, words
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore.models import MapLayerSource
from civicdata.datastore.tests import test_gis_tools
from civicdata.datastore.tests.test_gis_tools import STATIONS, ArcGis, needs_realdata, shapefile_zip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
arcgis = test_gis_tools.arcgis  # the loopback map server with the recorded county layer

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata" / "pdf"
#: California WARN layoff notices: one long table running over 16 pages, with its header on page 1.
WARN_PDF = REALDATA / "WARN-Report-for-7-1-2015-to-03-25-2016.pdf"
RUNS = [(1280, "en"), (375, "es")]
IDS = [f"{width}-{language}" for width, language in RUNS]
#: Reading two PDF pages takes seconds on a busy machine; everything else is quick.
STEP_MS = 30_000
SLOW_MS = 120_000


def _bounded(page) -> None:
    page.set_default_timeout(STEP_MS)
    page.set_default_navigation_timeout(SLOW_MS)


def _offline(page) -> None:
    """No internet in tests: every request off the test server (map tiles) fails at once."""
    page.context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())


def _fits_the_screen(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _editor_dataset(title: str):
    transportation = Organization.objects.get(slug="transportation")
    editor = User.objects.get(email="editor@example.org")
    return make_dataset(transportation, by=editor, published=False, title=title)


def _wait_until_loaded(page, language: str, assert_no_axe_violations) -> None:
    assert "/datastore/jobs/" in page.url
    page.get_by_role("heading", name=words(language, "Loaded")).wait_for(timeout=SLOW_MS)
    assert_no_axe_violations(page)
    page.get_by_role("link", name=words(language, "Open the table")).click(timeout=STEP_MS)
    page.wait_for_load_state(timeout=STEP_MS)


@pytest.mark.skipif(not WARN_PDF.is_file(), reason="../shared/realdata/pdf is not beside the repository")
@pytest.mark.parametrize(("width", "language"), RUNS, ids=IDS)
def test_an_editor_frees_a_table_from_a_real_pdf(browser, live_server, assert_no_axe_violations, width, language):
    with journey_page(browser, live_server, email="editor@example.org", width=width, language=language) as page:
        _bounded(page)
        title = f"Layoff notices {width} {language}"
        _editor_dataset(title)

        open_manage_link(page, language, "Take tables out of a PDF")
        assert page.url.endswith("/catalog/tools/pdf-tables/")
        assert_no_axe_violations(page)
        _fits_the_screen(page)
        page.get_by_label(words(language, "Dataset to add the table to")).select_option(label=title, timeout=STEP_MS)
        page.locator("#id_file").set_input_files(str(WARN_PDF), timeout=STEP_MS)
        page.get_by_label(words(language, "Pages to read")).fill("1-2", timeout=STEP_MS)
        page.get_by_role("button", name=words(language, "Find the tables")).click(timeout=STEP_MS)
        page.wait_for_load_state(timeout=SLOW_MS)

        # The review: one table on each page, each with a preview; keep page 1's, whose first row names
        # the columns.
        page.get_by_role("heading", level=1, name=words(language, "Check the tables found in the PDF")).wait_for(
            timeout=SLOW_MS
        )
        assert "/catalog/tools/pdf-tables/review/" in page.url
        boxes = page.locator("input[name=tables]")
        assert [boxes.nth(i).get_attribute("value") for i in range(boxes.count())] == ["1-1", "2-1"]
        preview_name = words(language, "Preview of page %(page)s, table %(index)s") % {"page": 1, "index": 1}
        first_preview = page.get_by_role("region", name=preview_name, exact=True)
        assert "Notice Date" in first_preview.inner_text(timeout=STEP_MS)
        assert_no_axe_violations(page)
        _fits_the_screen(page)
        page.locator("label[for='table-2-1']").click(timeout=STEP_MS)  # USWDS hides the box behind its label
        assert not page.locator("#table-2-1").is_checked(timeout=STEP_MS)
        assert page.locator("#table-1-1").is_checked(timeout=STEP_MS)
        page.get_by_label(words(language, "Row with the column names")).fill("1", timeout=STEP_MS)
        page.get_by_label(words(language, "Name of the new table file")).fill("WARN notices", timeout=STEP_MS)
        page.get_by_role("button", name=words(language, "Load into the Data API")).click(timeout=STEP_MS)
        page.wait_for_load_state(timeout=SLOW_MS)

        _wait_until_loaded(page, language, assert_no_axe_violations)
        assert re.search(r"/data/[\w-]+/[\w-]+/$", page.url)
        page.get_by_role("heading", level=1, name="WARN notices").wait_for(timeout=STEP_MS)
        rows = page.locator("#rows-table tbody tr")
        # Page 1's table: its header row and 36 notices; page 2's table was left out.
        assert rows.count() == 36
        assert "Maxim Integrated Product" in rows.first.inner_text(timeout=STEP_MS)
        headers = page.locator("#rows-table thead th").all_inner_texts()
        assert any("Company" in h for h in headers), headers
        assert_no_axe_violations(page)


@pytest.mark.parametrize(("width", "language"), RUNS, ids=IDS)
def test_an_editor_loads_a_zipped_shapefile_onto_a_map(
    browser, live_server, assert_no_axe_violations, tmp_path, width, language
):
    from playwright.sync_api import expect

    zipped = tmp_path / "fire_stations.zip"
    zipped.write_bytes(shapefile_zip())  # State Plane feet, with its .prj
    with journey_page(browser, live_server, email="editor@example.org", width=width, language=language) as page:
        _bounded(page)
        _offline(page)
        title = f"Fire stations {width} {language}"
        _editor_dataset(title)

        open_manage_link(page, language, "Load map data")
        assert page.url.endswith("/catalog/tools/gis/")
        assert_no_axe_violations(page)
        _fits_the_screen(page)
        page.get_by_label(words(language, "Dataset to add the table to")).select_option(label=title, timeout=STEP_MS)
        page.locator("#id_file").set_input_files(str(zipped), timeout=STEP_MS)
        page.get_by_label(words(language, "Name of the new table file")).fill("Fire stations", timeout=STEP_MS)
        page.get_by_role("button", name=words(language, "Load into the Data API")).click(timeout=STEP_MS)
        page.wait_for_load_state(timeout=SLOW_MS)

        _wait_until_loaded(page, language, assert_no_axe_violations)
        page.get_by_role("heading", level=1, name="Fire stations").wait_for(timeout=STEP_MS)
        rows = page.locator("#rows-table tbody tr")
        assert rows.count() == len(STATIONS)
        assert "Station 27" in page.locator("#rows-table").inner_text(timeout=STEP_MS)
        figure = page.locator("[data-civic-map]")
        # map.js fetched the located rows (reprojected to degrees) and drew both stations.
        expect(figure).to_have_attribute("data-points-shown", str(len(STATIONS)), timeout=STEP_MS)
        assert_no_axe_violations(page)
        _fits_the_screen(page)


@needs_realdata
@pytest.mark.parametrize(("width", "language"), RUNS, ids=IDS)
def test_an_editor_keeps_a_map_layer_in_step(browser, live_server, assert_no_axe_violations, arcgis, width, language):
    """Copy a county's ArcGIS layer with a daily schedule, see where the table comes from on its page,
    change the schedule, and copy it again now after the county removed some parcels."""
    with journey_page(browser, live_server, email="editor@example.org", width=width, language=language) as page:
        _bounded(page)
        _offline(page)
        title = f"County parcels {width} {language}"
        _editor_dataset(title)

        open_manage_link(page, language, "Load map data")
        page.get_by_label(words(language, "Dataset to add the table to")).select_option(label=title, timeout=STEP_MS)
        page.get_by_label(words(language, "Or the address of an ArcGIS map layer")).fill(arcgis, timeout=STEP_MS)
        page.get_by_label(words(language, "Name of the new table file")).fill("Parcels", timeout=STEP_MS)
        page.get_by_label(words(language, "Copy the map layer again")).select_option(
            label=words(language, "Every day"), timeout=STEP_MS
        )
        page.get_by_role("button", name=words(language, "Load into the Data API")).click(timeout=STEP_MS)
        page.wait_for_load_state(timeout=SLOW_MS)

        _wait_until_loaded(page, language, assert_no_axe_violations)
        page.get_by_role("heading", level=1, name="Parcels").wait_for(timeout=STEP_MS)
        assert page.locator("#rows-table tbody tr").count() == 15
        page.get_by_role("heading", name=words(language, "Copied from a map layer")).wait_for(timeout=STEP_MS)
        assert page.get_by_role("link", name=arcgis).count() == 1  # where the rows come from
        schedule = page.get_by_label(words(language, "Copy the map layer again"))
        assert schedule.input_value(timeout=STEP_MS) == "daily"
        assert_no_axe_violations(page)
        _fits_the_screen(page)

        schedule.select_option(label=words(language, "Every week"), timeout=STEP_MS)
        page.get_by_role("button", name=words(language, "Save the schedule")).click(timeout=STEP_MS)
        page.wait_for_load_state(timeout=STEP_MS)
        assert page.get_by_label(words(language, "Copy the map layer again")).input_value(timeout=STEP_MS) == "weekly"
        source = MapLayerSource.objects.get(table__title="Parcels", table__distribution__dataset__title=title)
        assert source.refresh == "weekly"

        ArcGis.features = {**ArcGis.features, "features": ArcGis.features["features"][:9]}  # the county removed some
        page.get_by_role("button", name=words(language, "Copy the map layer again now")).click(timeout=STEP_MS)
        page.wait_for_load_state(timeout=SLOW_MS)
        notice = words(language, "A new copy of the map layer is being made; reload this page in a minute.")
        page.get_by_text(notice).wait_for(timeout=STEP_MS)
        page.reload(timeout=SLOW_MS)
        assert page.locator("#rows-table tbody tr").count() == 9  # the copy replaced the rows
        assert_no_axe_violations(page)
