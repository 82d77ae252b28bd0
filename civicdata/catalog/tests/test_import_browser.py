"""In a real browser, as a coordinator, by clicking from the home page: upload a data.json from disk,
review the dry run and import it — at 1280 px and 375 px, with axe-core on every page."""

from __future__ import annotations

import json
import random
from io import StringIO

import pytest

from civicdata.accounts import demo as accounts_demo
from civicdata.catalog.models import Dataset
from civicdata.catalog.tests.factories import pod_catalog, pod_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_menu(page) -> None:
    button = page.locator(".usa-menu-btn")
    if button.is_visible():
        button.click()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_coordinator_previews_and_imports_an_uploaded_data_json(
    browser, live_server, assert_no_axe_violations, tmp_path, width
):
    accounts_demo.load(random.Random(1), StringIO())
    path = tmp_path / "city.data.json"
    path.write_text(json.dumps(pod_catalog(pod_dataset("up-1"), pod_dataset("up-2"))), encoding="utf-8")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("link", name="Sign in").first.click()
        page.locator("#id_login").fill("coordinator@example.org")
        page.locator("#id_password").fill(accounts_demo.DEMO_PASSWORD)
        page.locator("form.usa-form button[type=submit]").click()
        page.wait_for_load_state()

        open_menu(page)
        nav = page.get_by_role("navigation", name="Primary navigation")
        nav.get_by_text("Manage", exact=True).click()
        nav.get_by_role("link", name="Import a data.json file").click()
        page.wait_for_load_state()
        assert_no_axe_violations(page)
        assert page.url.endswith("/catalog/harvest/import/")
        page.locator("select[name=publisher]").select_option(index=1)
        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_role("button", name="Preview the import").click()
        page.wait_for_load_state()
        assert "/catalog/harvest/runs/" in page.url
        assert page.get_by_text("Nothing has been imported yet").is_visible()
        assert not Dataset.objects.exists()
        assert_no_axe_violations(page)

        page.get_by_role("button", name="Import these datasets").click()
        page.wait_for_load_state()
        assert page.get_by_text("The catalog was imported.").is_visible()
        assert set(Dataset.objects.values_list("identifier", flat=True)) == {"up-1", "up-2"}
        assert_no_axe_violations(page)
    finally:
        context.close()
