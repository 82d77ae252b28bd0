"""In a real browser, as a coordinator, by clicking from the home page: upload a data.json from disk,
review the dry run and import it — at 1280 px and 375 px in English, at 375 px in Spanish, with axe-core
on every page."""

from __future__ import annotations

import json

import pytest

from civicdata.accounts.tests.browser_support import journey_page, open_manage_link, words
from civicdata.catalog.models import Dataset
from civicdata.catalog.tests.factories import pod_catalog, pod_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNS = [(1280, "en"), (375, "en"), (375, "es")]


@pytest.mark.parametrize(("width", "language"), RUNS, ids=[f"{w}-{lang}" for w, lang in RUNS])
def test_a_coordinator_previews_and_imports_an_uploaded_data_json(
    browser, live_server, assert_no_axe_violations, tmp_path, width, language
):
    path = tmp_path / "city.data.json"
    path.write_text(json.dumps(pod_catalog(pod_dataset("up-1"), pod_dataset("up-2"))), encoding="utf-8")
    with journey_page(browser, live_server, email="coordinator@example.org", width=width, language=language) as page:
        open_manage_link(page, language, "Import a data.json file")
        assert_no_axe_violations(page)
        assert page.url.endswith("/catalog/harvest/import/")
        page.locator("select[name=publisher]").select_option(index=1)
        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_role("button", name=words(language, "Preview the import")).click()
        page.wait_for_load_state()
        assert "/catalog/harvest/runs/" in page.url
        assert page.get_by_text(words(language, "Nothing has been imported yet"), exact=False).first.is_visible()
        assert not Dataset.objects.exists()
        assert_no_axe_violations(page)

        page.get_by_role("button", name=words(language, "Import these datasets")).click()
        page.wait_for_load_state()
        assert page.get_by_text(words(language, "The catalog was imported.")).is_visible()
        assert set(Dataset.objects.values_list("identifier", flat=True)) == {"up-1", "up-2"}
        assert_no_axe_violations(page)
