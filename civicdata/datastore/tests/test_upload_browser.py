"""In a real browser, as an editor, by clicking from the home page: upload a CSV from disk to a draft
dataset, watch it load into the Data API, publish, and find the file, its API and its Table Schema in
/data.json — at 1280 px and 375 px, with axe-core on every page."""

from __future__ import annotations

import json
import random
from io import StringIO

import pytest

from civicdata.accounts import demo as accounts_demo
from civicdata.accounts.models import Organization, User
from civicdata.catalog.tests.factories import make_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "stop_id,route,racks\n1,Red,4\n2,Blue,2\n3,Green,6\n"


def open_menu(page) -> None:
    """On a phone the header's links sit behind the "Menu" button."""
    button = page.locator(".usa-menu-btn")
    if button.is_visible():
        button.click()


@pytest.mark.parametrize("width", [1280, 375])
def test_an_editor_publishes_a_csv_from_the_laptop_to_data_json(
    browser, live_server, assert_no_axe_violations, tmp_path, width
):
    accounts_demo.load(random.Random(1), StringIO())
    transportation = Organization.objects.get(slug="transportation")
    editor = User.objects.get(email="editor@example.org")
    dataset = make_dataset(transportation, by=editor, published=False, title=f"Bike racks {width}")
    csv_file = tmp_path / "bike racks.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("link", name="Sign in").first.click()
        page.locator("#id_login").fill("editor@example.org")
        page.locator("#id_password").fill(accounts_demo.DEMO_PASSWORD)
        page.locator("form.usa-form button[type=submit]").click()
        page.wait_for_load_state()

        open_menu(page)
        nav = page.get_by_role("navigation", name="Primary navigation")
        nav.get_by_text("Manage", exact=True).click()
        nav.get_by_role("link", name="My work").click()
        page.get_by_role("link", name=f"Bike racks {width}").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/catalog/datasets/{dataset.name}/edit/")

        page.get_by_role("link", name="Upload a file").click()
        page.wait_for_load_state()
        assert_no_axe_violations(page)
        page.get_by_label("Title of the file").fill("Bike racks")
        page.locator("input[type=file]").set_input_files(str(csv_file))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_load_state()
        assert "/datastore/jobs/" in page.url
        page.get_by_role("heading", name="Loaded").wait_for()
        assert "3 rows are now served" in page.content()
        assert_no_axe_violations(page)

        page.get_by_role("link", name="Back to the dataset").click()
        page.wait_for_load_state()
        page.get_by_role("link", name="Release checklist").first.click()
        page.wait_for_load_state()
        # USWDS draws the box with the label; the input itself is visually hidden.
        for box in page.locator("form input[type=checkbox]").all():
            if not box.is_checked():
                page.locator(f"label[for='{box.get_attribute('id')}']").click()
        page.locator("form:has(input[type=checkbox]) button[type=submit]").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="Publish", exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_text("The dataset is published.").is_visible()

        page.goto("/data.json")
        doc = json.loads(page.locator("body").inner_text())
        listed = next(d for d in doc["dataset"] if d["identifier"] == dataset.identifier)
        dist = next(d for d in listed["distribution"] if d.get("title") == "Bike racks")
        assert dist["downloadURL"].startswith(f"{live_server.url}/datasets/{dataset.name}/files/")
        assert dist["accessURL"].startswith(f"{live_server.url}/api/data/{dataset.name}/")
        assert dist["describedBy"] == dist["accessURL"] + "/schema"
        assert dist["describedByType"] == "application/json"
        download = page.request.get(dist["downloadURL"])
        assert download.status == 200
        assert download.text() == CSV
    finally:
        context.close()
