"""In a real browser, as an editor, by clicking from the home page: upload a CSV from disk to a draft
dataset, watch it load into the Data API, publish, and find the file, its API and its Table Schema in
/data.json — at 1280 px and 375 px in English, at 375 px in Spanish, with axe-core on every page."""

from __future__ import annotations

import json

import pytest

from civicdata.accounts.models import Organization, User
from civicdata.accounts.tests.browser_support import count_words, journey_page, open_manage_link, words
from civicdata.catalog.tests.factories import make_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "stop_id,route,racks\n1,Red,4\n2,Blue,2\n3,Green,6\n"
RUNS = [(1280, "en"), (375, "en"), (375, "es")]


@pytest.mark.parametrize(("width", "language"), RUNS, ids=[f"{w}-{lang}" for w, lang in RUNS])
def test_an_editor_publishes_a_csv_from_the_laptop_to_data_json(
    browser, live_server, assert_no_axe_violations, tmp_path, width, language
):
    csv_file = tmp_path / "bike racks.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    with journey_page(browser, live_server, email="editor@example.org", width=width, language=language) as page:
        transportation = Organization.objects.get(slug="transportation")
        editor = User.objects.get(email="editor@example.org")
        title = f"Bike racks {width} {language}"
        dataset = make_dataset(transportation, by=editor, published=False, title=title)

        open_manage_link(page, language, "My work")
        page.get_by_role("link", name=title).click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/catalog/datasets/{dataset.name}/edit/")

        page.get_by_role("link", name=words(language, "Upload a file")).click()
        page.wait_for_load_state()
        assert_no_axe_violations(page)
        page.get_by_label(words(language, "Title of the file")).fill("Bike racks")
        page.locator("input[type=file]").set_input_files(str(csv_file))
        page.get_by_role("button", name=words(language, "Upload")).click()
        page.wait_for_load_state()
        assert "/datastore/jobs/" in page.url
        page.get_by_role("heading", name=words(language, "Loaded")).wait_for()
        served = count_words(language, "%(rows)s row is now served.", "%(rows)s rows are now served.", 3, rows=3)
        assert served in page.content()
        assert_no_axe_violations(page)

        page.get_by_role("link", name=words(language, "Back to the dataset")).click()
        page.wait_for_load_state()
        page.get_by_role("link", name=words(language, "Release checklist")).first.click()
        page.wait_for_load_state()
        # USWDS draws the box with the label; the input itself is visually hidden.
        for box in page.locator("form input[type=checkbox]").all():
            if not box.is_checked():
                page.locator(f"label[for='{box.get_attribute('id')}']").click()
        page.locator("form:has(input[type=checkbox]) button[type=submit]").click()
        page.wait_for_load_state()
        page.get_by_role("button", name=words(language, "Publish"), exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_text(words(language, "The dataset is published.")).is_visible()
        assert_no_axe_violations(page)

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
